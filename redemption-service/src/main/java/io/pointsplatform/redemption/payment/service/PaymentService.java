package io.pointsplatform.redemption.payment.service;

import io.pointsplatform.events.ClosedHoldStates;
import io.pointsplatform.kit.remote.RemoteProblem;
import io.pointsplatform.events.PointsValue;
import io.pointsplatform.events.ServiceHoldIds;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.security.ServiceTokens;
import io.pointsplatform.redemption.DerivedIds;
import io.pointsplatform.redemption.payment.repository.PaymentRepository;
import io.pointsplatform.redemption.remote.LedgerClient;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Points as payment at checkout (issue #20, item 5): a hold at the ledger for an order, captured
 * when the order is paid, released when it is cancelled, expiring with the hold's TTL; a refund
 * of a paid order gives back its share of the points (PointsValue.refundPoints) through the
 * ledger's return. 100 points = 1 yuan and a cap of 50 % of the order by default, whole points only.
 */
@ApplicationScoped
public class PaymentService {

    private final PaymentRepository repository;
    private final LedgerClient ledger;
    private final ServiceTokens tokens;
    private final Clock clock;
    private final int pointsPerYuan;
    private final int capPercent;
    private final long holdTtlSeconds;
    private final String currency;
    private final boolean memberCodeRequired;

    public PaymentService(PaymentRepository repository, @RestClient LedgerClient ledger, ServiceTokens tokens,
                          Clock clock, @ConfigProperty(name = "points.payment.points-per-yuan") int pointsPerYuan,
                          @ConfigProperty(name = "points.payment.cap-percent") int capPercent,
                          @ConfigProperty(name = "points.payment.hold-ttl-seconds") long holdTtlSeconds,
                          @ConfigProperty(name = "points.currency") String currency,
                          @ConfigProperty(name = "points.payment.member-code-required") boolean memberCodeRequired) {
        if (capPercent < 0 || capPercent > 100) {
            throw new IllegalArgumentException("points.payment.cap-percent must be 0..100, was " + capPercent);
        }
        if (pointsPerYuan <= 0) {
            throw new IllegalArgumentException("points.payment.points-per-yuan must be positive, was " + pointsPerYuan);
        }
        this.repository = repository;
        this.ledger = ledger;
        this.tokens = tokens;
        this.clock = clock;
        this.pointsPerYuan = pointsPerYuan;
        this.capPercent = capPercent;
        this.holdTtlSeconds = holdTtlSeconds;
        this.currency = currency;
        this.memberCodeRequired = memberCodeRequired;
    }

    /**
     * What a new payment asks for; {@code currency} null: the platform's ({@code points.currency});
     * {@code shopId} the checkout token's subject; {@code paymentCode} the member's one-time code
     * (PaymentCodes), null when none was sent.
     */
    public record Order(String paymentId, String orderId, String memberId, BigDecimal orderAmount, String currency,
                        long points, String shopId, String paymentCode) {

        Order withCurrency(String currency) {
            return new Order(paymentId, orderId, memberId, orderAmount, currency, points, shopId, paymentCode);
        }
    }

    /** A payment and whether this call made it (201) or found it (200). */
    public record Outcome(Payment payment, boolean created) {
    }

    /**
     * The payment's id: the body's, else derived from the shop's Idempotency-Key (keys are the caller's:
     * two shops sending one key for one member make two payments), else a new one.
     */
    public static String paymentId(String given, String shopId, String memberId, String idempotencyKey) {
        if (given != null) {
            return given;
        }
        return idempotencyKey == null ? "pay-" + UUID.randomUUID().toString().replace("-", "")
                : DerivedIds.of("pay-", 32, shopId, memberId, idempotencyKey);
    }

    public Uni<Outcome> pay(Order order) {
        if (order.currency() == null) {
            return pay(order.withCurrency(currency));
        }
        if (memberCodeRequired && order.paymentCode() == null) {
            throw ApiException.validation("paymentCode", "is required: the one-time payment code the member's app shows"
                    + " (POST /api/v1/members/{memberId}/payment-codes)");
        }
        if (!currency.equals(order.currency())) {
            throw ApiException.validation("currency", "must be " + currency);
        }
        long cap = PointsValue.maxPointsForOrder(order.orderAmount(), capPercent, pointsPerYuan);
        if (order.points() > cap) {
            throw new ApiException(422, "POINTS_CAP_EXCEEDED", "Too many points for this order", "Points may pay at"
                    + " most " + capPercent + " % of an order: at most " + cap + " points for " + order.orderAmount()
                    + " " + currency);
        }
        Instant now = clock.instant();
        String hash = DerivedIds.of("", 64, order.orderId(), order.memberId(),
                order.orderAmount().stripTrailingZeros().toPlainString(), order.currency(), Long.toString(order.points()));
        Payment fresh = new Payment(order.paymentId(), order.orderId(), order.memberId(), order.orderAmount(),
                order.currency(), order.points(), PointsValue.yuanFor(order.points(), pointsPerYuan), Payment.PENDING,
                null, BigDecimal.ZERO, 0, hash, now, now, order.shopId(), holdTtlSeconds);
        String codeHash = order.paymentCode() == null ? null : PaymentCodes.hash(order.paymentCode());
        // Lapsed payments of the order nobody read since are settled first (with the ledger), so a hold
        // that went back no longer counts against the cap.
        return repository.lapsedOf(order.orderId(), now, holdTtlSeconds)
                .chain(lapsed -> Multi.createFrom().iterable(lapsed).onItem().transformToUniAndConcatenate(this::settled)
                        .collect().asList())
                .chain(() -> repository.admit(fresh, cap, codeHash)).chain(admission -> switch (admission.outcome()) {
            case OVER_CAP -> Uni.createFrom().<Payment>failure(new ApiException(422, "POINTS_CAP_EXCEEDED",
                    "Too many points for this order", "Points may pay at most " + capPercent + " % of an order, over all"
                    + " its payments: at most " + cap + " points for " + order.orderAmount() + " " + currency
                    + ", and its other payments hold " + admission.pointsTaken() + " already"));
            case OTHER_TERMS -> Uni.createFrom().<Payment>failure(ApiException.conflict("ORDER_CONFLICT", "Order '"
                    + order.orderId() + "' has payments for another member, order amount or currency, or of another shop"));
            case CODE_REFUSED -> Uni.createFrom().<Payment>failure(PaymentCodes.refused(admission.codeRefusal(),
                    order.memberId()));
            case RECORDED, KNOWN -> repository.find(order.paymentId());
        }).chain(found -> {
            if (found == null) {
                throw refusedMeanwhile(order.paymentId());
            }
            if (!found.requestHash().equals(hash) || !found.madeBy(order.shopId())) {
                throw ApiException.conflict("PAYMENT_CONFLICT", "Payment '" + order.paymentId()
                        + "' was made before with other content");
            }
            if (!Payment.PENDING.equals(found.status())) {
                return settled(found).map(p -> new Outcome(p, false));
            }
            // Held by this call (first, or again after the ledger did not answer): 201.
            return hold(found).map(p -> new Outcome(p, true));
        });
    }

    private Uni<Payment> hold(Payment p) {
        return ledger.hold(tokens.authorization(), p.memberId(), new LedgerClient.HoldRequest(p.holdId(), p.points(),
                        p.reference(), p.holdTtl(holdTtlSeconds)))
                .onItemOrFailure().transformToUni((hold, failure) -> {
                    if (failure == null) {
                        return repository.move(p.paymentId(), List.of(Payment.PENDING), Payment.HELD, hold.expiresAt(),
                                clock.instant()).chain(moved -> moved != null ? Uni.createFrom().item(moved)
                                : repository.find(p.paymentId()).call(found -> found != null ? releaseIfSettledWithout(found)
                                        // Refused and forgotten by a request of the same payment meanwhile: nothing to hold for.
                                        : release(p).chain(() -> Uni.createFrom().failure(refusedMeanwhile(p.paymentId())))));
                    }
                    if (RemoteProblem.isRefusal(failure)) {
                        ApiException refused = ((RemoteProblem) failure).status() == 404
                                ? ApiException.conflict("INSUFFICIENT_POINTS", "The ledger has no account for member '"
                                        + p.memberId() + "': no points to pay with")
                                : problem(failure);
                        return repository.forget(p.paymentId()).chain(() -> Uni.createFrom().<Payment>failure(refused));
                    }
                    return Uni.createFrom().failure(unavailable(failure));
                });
    }

    public Uni<Payment> find(String paymentId) {
        return find(paymentId, p -> { });
    }

    /**
     * The payment, settled with the ledger when its hold lapsed; {@code admit} checks the caller
     * first (it throws to refuse), so that a caller who may not read the payment moves nothing.
     */
    public Uni<Payment> find(String paymentId, Consumer<Payment> admit) {
        return repository.find(paymentId).chain(p -> {
            if (p == null) {
                throw ApiException.notFound("Payment", paymentId);
            }
            admit.accept(p);
            return settled(p);
        });
    }

    public Uni<List<PaymentRefund>> refunds(String paymentId) {
        return repository.refunds(paymentId);
    }

    /**
     * A cancel that came while this payment's hold was being placed found nothing to release, or a
     * read past its TTL found no hold and settled it EXPIRED: the hold placed since is released now
     * (else its TTL would, keeping the points from the member until then).
     */
    private Uni<Void> releaseIfSettledWithout(Payment found) {
        if (found == null || !(Payment.CANCELLED.equals(found.status()) || Payment.EXPIRED.equals(found.status()))) {
            return Uni.createFrom().voidItem();
        }
        return release(found);
    }

    /** Releases the payment's hold as well as possible (its TTL releases it otherwise). */
    private Uni<Void> release(Payment p) {
        return ledger.release(tokens.authorization(), p.memberId(), p.holdId()).replaceWithVoid()
                .onFailure().recoverWithUni(failure -> Uni.createFrom().voidItem());
    }

    /**
     * The payment was refused by the ledger while this request of it waited, and forgotten (a
     * refused payment leaves no row): until 2026-12-06 this request then failed with a 500.
     */
    private static ApiException refusedMeanwhile(String paymentId) {
        return ApiException.conflict("PAYMENT_REFUSED", "Payment '" + paymentId + "' was refused by the ledger while"
                + " this request waited (another request of it was answered why); send it again");
    }

    /**
     * A payment whose hold lapsed is settled when it is read: the ledger is asked to release the hold
     * (a repeat if it expired there already), and its answer decides. Released or expired: EXPIRED;
     * captured (a capture whose answer was lost before it was recorded here): CAPTURED. Without an
     * answer it is shown as it stands.
     */
    private Uni<Payment> settled(Payment p) {
        if (!p.lapsed(clock.instant(), holdTtlSeconds)) {
            return Uni.createFrom().item(p);
        }
        return ledger.release(tokens.authorization(), p.memberId(), p.holdId())
                .onItemOrFailure().transformToUni((released, failure) -> {
                    if (failure == null || RemoteProblem.isRefusal(failure)) {
                        return settle(p, ClosedHoldStates.CAPTURED.equals(RemoteProblem.stateOf(failure)) ? Payment.CAPTURED
                                : Payment.EXPIRED);
                    }
                    return Uni.createFrom().item(p);
                });
    }

    /**
     * The order was paid: the held points are taken. Repeating answers the same. The ledger's answer
     * decides: a capture refused because a cancel released the hold first leaves the payment
     * CANCELLED (409 PAYMENT_CANCELLED), because it lapsed EXPIRED (409 PAYMENT_EXPIRED).
     */
    public Uni<Payment> capture(Payment p) {
        return switch (p.status()) {
            case Payment.CAPTURED -> Uni.createFrom().item(p);
            case Payment.HELD -> ledger.capture(tokens.authorization(), p.memberId(), p.holdId())
                    .onItemOrFailure().transformToUni((captured, failure) -> {
                        if (failure == null) {
                            return settle(p, Payment.CAPTURED);
                        }
                        if (RemoteProblem.isRefusal(failure)) {
                            return settle(p, ClosedHoldStates.RELEASED.equals(RemoteProblem.stateOf(failure)) ? Payment.CANCELLED
                                    : Payment.EXPIRED);
                        }
                        return Uni.createFrom().<Payment>failure(unavailable(failure));
                    }).map(PaymentService::requireCaptured);
            default -> Uni.createFrom().item(requireCaptured(p));
        };
    }

    /**
     * The order was cancelled before payment: the held points go back. An expired payment stays
     * EXPIRED. The ledger's answer decides: a release refused because a capture took the hold first
     * leaves the payment CAPTURED (409 PAYMENT_CAPTURED: refund it instead).
     */
    public Uni<Payment> cancel(Payment p) {
        return switch (p.status()) {
            case Payment.CANCELLED, Payment.EXPIRED -> Uni.createFrom().item(p);
            case Payment.CAPTURED -> throw captured(p);
            default -> ledger.release(tokens.authorization(), p.memberId(), p.holdId())
                    .onItemOrFailure().transformToUni((released, failure) -> {
                        if (failure == null) {
                            return settle(p, Payment.CANCELLED);
                        }
                        if (RemoteProblem.isRefusal(failure)) {
                            // Captured first; else nothing is held: it lapsed, or (PENDING) was never made.
                            String state = RemoteProblem.stateOf(failure);
                            return settle(p, ClosedHoldStates.CAPTURED.equals(state) ? Payment.CAPTURED
                                    : ClosedHoldStates.EXPIRED.equals(state) ? Payment.EXPIRED : Payment.CANCELLED);
                        }
                        return Uni.createFrom().<Payment>failure(unavailable(failure));
                    }).map(settled -> {
                        if (Payment.CAPTURED.equals(settled.status())) {
                            throw captured(settled);
                        }
                        return settled;
                    });
        };
    }

    /** A refund of a paid order: its share of the points back, once per refundId. */
    public Uni<Outcome> refund(Payment p, String refundId, BigDecimal amount) {
        Instant now = clock.instant();
        return repository.recordRefund(p.paymentId(), refundId, amount, payment -> {
                    if (payment.refundedAmount().add(amount).compareTo(payment.orderAmount()) > 0) {
                        throw ApiException.conflict("REFUND_EXCEEDS_ORDER", "Refunds of " + payment.refundedAmount()
                                + " and " + amount + " exceed the order's " + payment.orderAmount());
                    }
                    return PointsValue.refundPoints(payment.points(), payment.orderAmount(), payment.refundedAmount(),
                            amount);
                }, now)
                .chain(refund -> {
                    if (refund.amount().compareTo(amount) != 0) {
                        throw ApiException.conflict("REFUND_CONFLICT", "Refund '" + refundId + "' was made before"
                                + " with amount " + refund.amount());
                    }
                    boolean created = !refund.createdAt().isBefore(now);
                    if ("DONE".equals(refund.status()) || refund.points() == 0) {
                        return repository.refundDone(p.paymentId(), refundId)
                                .chain(() -> find(p.paymentId())).map(paid -> new Outcome(paid, created));
                    }
                    return giveBack(refund).onFailure().transform(PaymentService::problem)
                            .chain(() -> find(p.paymentId())).map(paid -> new Outcome(paid, created));
                });
    }

    /** The refund's points back at the ledger (idempotent by its derived return id), then DONE. */
    private Uni<Void> giveBack(PaymentRefund refund) {
        String holdId = ServiceHoldIds.payment(refund.paymentId());
        return ledger.giveBack(tokens.authorization(), holdId, new LedgerClient.ReturnRequest(refund.returnId(),
                        refund.points(), holdId + ":refund:" + refund.refundId()))
                .chain(() -> repository.refundDone(refund.paymentId(), refund.refundId()));
    }

    /**
     * Gives back the points of refunds recorded while the ledger did not answer and not asked for
     * again since (the recovery job): up to {@code limit}, older than {@code staleAfter}. The number
     * done. A run stops at the first refund the ledger does not answer (the rest would wait as
     * long), and the next run tries again.
     */
    public Uni<Integer> resumeRefunds(java.time.Duration staleAfter, int limit) {
        AtomicBoolean silent = new AtomicBoolean();
        return repository.pendingRefunds(clock.instant().minus(staleAfter), limit)
                .chain(pending -> Multi.createFrom().iterable(pending)
                        .onItem().transformToUniAndConcatenate(refund -> silent.get() ? Uni.createFrom().item(0)
                                : giveBack(refund).replaceWith(1).onFailure().recoverWithItem(failure -> {
                                    if (!RemoteProblem.isRefusal(failure)) {
                                        silent.set(true);
                                    }
                                    Log.warnf("Payment refund %s of %s not given back yet: %s", refund.refundId(),
                                            refund.paymentId(), failure.getMessage());
                                    return 0;
                                }))
                        .collect().asList()
                        .map(done -> done.stream().mapToInt(Integer::intValue).sum()));
    }

    /**
     * Records what the ledger decided for a payment not yet settled (PENDING or HELD); the payment
     * as it then stands: as recorded, or as another call (which heard the same decision) recorded it.
     */
    private Uni<Payment> settle(Payment p, String to) {
        return repository.move(p.paymentId(), List.of(Payment.PENDING, Payment.HELD), to, null, clock.instant())
                .chain(moved -> moved != null ? Uni.createFrom().item(moved) : repository.find(p.paymentId()))
                .map(now -> {
                    if (now == null) {
                        // A PENDING payment the ledger refused meanwhile: it is forgotten, nothing is held.
                        throw ApiException.notFound("Payment", p.paymentId());
                    }
                    return now;
                });
    }

    /** A captured payment as it is; any other: why it cannot be (409 PAYMENT_EXPIRED, PAYMENT_<status>). */
    private static Payment requireCaptured(Payment p) {
        return switch (p.status()) {
            case Payment.CAPTURED -> p;
            case Payment.EXPIRED -> throw expired(p);
            default -> throw ApiException.conflict("PAYMENT_" + p.status(), "Payment '" + p.paymentId() + "' is "
                    + p.status());
        };
    }

    private static ApiException captured(Payment p) {
        return ApiException.conflict("PAYMENT_CAPTURED", "Payment '" + p.paymentId() + "' was captured: refund it"
                + " instead");
    }

    /** The ledger's refusal as this service's problem (its status and code), else LEDGER_UNAVAILABLE. */
    private static ApiException problem(Throwable failure) {
        if (failure instanceof RemoteProblem refusal && refusal.isRefusal()) {
            return new ApiException(refusal.status() == 404 ? 409 : refusal.status(),
                    RemoteProblem.codeOf(refusal, "LEDGER_REFUSED"), "The ledger refused", refusal.detail());
        }
        return unavailable(failure);
    }

    private static ApiException expired(Payment p) {
        return ApiException.conflict("PAYMENT_EXPIRED", "Payment '" + p.paymentId() + "' expired: its hold lapsed"
                + " and the points went back");
    }

    private static ApiException unavailable(Throwable failure) {
        return new ApiException(503, "LEDGER_UNAVAILABLE", "The ledger did not answer",
                "Try the same request again: it is idempotent (" + failure.getMessage() + ")");
    }
}
