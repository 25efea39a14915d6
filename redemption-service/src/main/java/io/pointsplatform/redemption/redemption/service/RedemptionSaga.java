package io.pointsplatform.redemption.redemption.service;

import io.pointsplatform.events.PointsValue;
import io.pointsplatform.kit.remote.RemoteProblem;
import io.pointsplatform.kit.retry.Backoff;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsplatform.events.RedemptionCancelled;
import io.pointsplatform.events.RedemptionCompleted;
import io.pointsplatform.events.RedemptionFailed;
import io.pointsplatform.events.RedemptionRequested;
import io.pointsplatform.kit.security.ServiceTokens;
import io.pointsplatform.redemption.redemption.repository.RedemptionRepository;
import io.pointsplatform.redemption.redemption.repository.RedemptionRepository.Change;
import io.pointsplatform.redemption.remote.CatalogClient;
import io.pointsplatform.redemption.remote.CatalogClient.Reservation;
import io.pointsplatform.redemption.remote.LedgerClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The redemption saga (ARCHITECTURE.md): reserve stock at catalog → hold the points at the ledger
 * → capture the hold and confirm the reservation, both at once → issue the code → COMPLETED; a
 * refusal compensates what was done (release the reservation; give captured points back; return a
 * confirmed reservation whose capture was refused) → FAILED with the refusal's code.
 *
 * <p>Each step is recorded before the next call ({@link RedemptionStep}); every call is idempotent
 * by ids derived from the redemption id, so any driver (the request, the recovery job, a restart)
 * may repeat the step it finds recorded. A call that gets no answer is tried again later with
 * backoff. Before a reservation or a hold is known, the saga gives up after
 * {@code points.redemption.unavailable-deadline} (FAILED CATALOG_UNAVAILABLE / LEDGER_UNAVAILABLE:
 * nothing was taken; what may exist expires by its TTL and is released here as well as possible).
 * From the hold on, it never gives up without an answer: only the ledger's and catalog's answers
 * tell whether points were taken, and points are never gone without the reward.
 */
@ApplicationScoped
public class RedemptionSaga {

    private static final Duration FIRST_RETRY = Duration.ofMillis(200);
    /** The first ceiling of the kept retries' backoff (the recovery job's), doubling up to max-backoff. */
    private static final Duration KEPT_RETRY_FIRST = Duration.ofSeconds(1);

    private final RedemptionRepository repository;
    private final CatalogClient catalog;
    private final LedgerClient ledger;
    private final ServiceTokens tokens;
    private final VoucherCodes voucherCodes;
    private final SoldOut soldOut;
    private final SagaSettings settings;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry metrics;

    public RedemptionSaga(RedemptionRepository repository, @RestClient CatalogClient catalog,
                          @RestClient LedgerClient ledger, ServiceTokens tokens, VoucherCodes voucherCodes,
                          SoldOut soldOut, SagaSettings settings, ObjectMapper json, Clock clock,
                          MeterRegistry metrics) {
        this.repository = repository;
        this.catalog = catalog;
        this.ledger = ledger;
        this.tokens = tokens;
        this.voucherCodes = voucherCodes;
        this.soldOut = soldOut;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * Drives the saga as far as it goes: to the end, or to a call that got no answer. Until
     * {@code retryUntil} such a call is tried again after a short pause; after it, the saga is left
     * for the recovery job. The redemption as it then stands.
     */
    public Uni<Redemption> drive(Redemption redemption, Instant retryUntil) {
        return drive(redemption, retryUntil, FIRST_RETRY);
    }

    /**
     * Records a new redemption, its {@code redemption.requested} with it: PENDING at its first step
     * for {@link #drive}, or at once FAILED {@code OUT_OF_STOCK} (with its {@code redemption.failed})
     * when catalog refused the reward for this quantity or less a moment ago ({@link SoldOut}): one
     * statement and no call to catalog for a flash sale's late attempts. The row as recorded, or
     * null when the id was recorded before (a repeat).
     */
    public Uni<Redemption> record(String redemptionId, String memberId, String rewardId, int quantity, Instant now) {
        RedemptionRequested requested = new RedemptionRequested(redemptionId, memberId, rewardId, quantity, 0);
        SoldOut.Refusal refusal = soldOut.refusal(rewardId, quantity);
        if (refusal == null) {
            return repository.insert(redemptionId, memberId, rewardId, quantity, settings.reservationTtlSeconds(),
                    settings.holdTtlSeconds(), now, requested);
        }
        String reason = "reward '" + rewardId + "' has fewer than " + quantity + " left";
        String name = refusal.rewardName();
        return repository.insertRefused(redemptionId, memberId, rewardId, quantity, "OUT_OF_STOCK", reason, name, now,
                        requested, new RedemptionFailed(redemptionId, memberId, rewardId, "OUT_OF_STOCK", reason, name))
                .invoke(this::countSettled);
    }

    private Uni<Redemption> drive(Redemption r, Instant retryUntil, Duration pause) {
        if (r.settled() || r.step() == RedemptionStep.DONE || settings.haltAt().filter(r.step()::equals).isPresent()) {
            return Uni.createFrom().item(r);
        }
        return step(r).chain(outcome -> {
            if (outcome.moved() != null) {
                return drive(outcome.moved(), retryUntil, FIRST_RETRY);
            }
            if (outcome.lost()) {
                // Another driver moved it: go on from where it stands now.
                return repository.find(r.redemptionId()).chain(now -> drive(now, retryUntil, FIRST_RETRY));
            }
            Instant now = clock.instant();
            if (now.plus(pause).isBefore(retryUntil)) {
                return Uni.createFrom().voidItem().onItem().delayIt().by(pause)
                        .chain(() -> repository.find(r.redemptionId()))
                        .chain(again -> drive(again, retryUntil, pause.multipliedBy(2)));
            }
            return repository.find(r.redemptionId());
        });
    }

    /** What one step did: moved the saga (the new row), lost it to another driver, or must wait. */
    private record Outcome(Redemption moved, boolean lost) {
        static Outcome of(Redemption moved) {
            return moved == null ? new Outcome(null, true) : new Outcome(moved, false);
        }

        static final Outcome WAIT = new Outcome(null, false);
    }

    private Uni<Outcome> step(Redemption r) {
        String auth = tokens.authorization();
        return switch (r.step()) {
            case REQUESTED -> catalog.reserve(auth, r.rewardId(), new CatalogClient.ReservationRequest(
                            r.reservationId(), r.memberId(), r.quantity(),
                            r.reservationTtl(settings.reservationTtlSeconds())))
                    .onItemOrFailure().transformToUni((reservation, failure) -> {
                        if (failure == null) {
                            soldOut.forget(r.rewardId());
                            return reserved(r, reservation);
                        }
                        if (RemoteProblem.isRefusal(failure)) {
                            String code = RemoteProblem.codeOf(failure, "NOT_ELIGIBLE");
                            // Catalog's refusals of a reward it has name it (none for an unknown reward).
                            String name = RemoteProblem.memberOf(failure, "rewardName");
                            if ("OUT_OF_STOCK".equals(code)) {
                                soldOut.remember(r.rewardId(), r.quantity(), name);
                            }
                            return fail(r, code, detail(failure), name);
                        }
                        return unanswered(r, failure, "CATALOG_UNAVAILABLE", true);
                    });
            case RESERVED -> ledger.hold(auth, r.memberId(), new LedgerClient.HoldRequest(r.holdId(), r.points(),
                            r.reference(), r.holdTtl(settings.holdTtlSeconds())))
                    .onItemOrFailure().transformToUni((hold, failure) -> {
                        if (failure == null) {
                            return move(r, c -> c.step(RedemptionStep.HELD), null);
                        }
                        if (RemoteProblem.isRefusal(failure)) {
                            // 404: the ledger has no account for the member, so no points to spend.
                            String code = ((RemoteProblem) failure).status() == 404 ? "INSUFFICIENT_POINTS"
                                    : RemoteProblem.codeOf(failure, "HOLD_REFUSED");
                            return compensate(r, RedemptionStep.RELEASE_RESERVATION, code, detail(failure));
                        }
                        return unanswered(r, failure, "LEDGER_UNAVAILABLE", true);
                    });
            // CAPTURED: recorded only by builds before the two calls went at once; the capture repeats idempotently.
            case HELD, CAPTURED -> captureAndConfirm(r, auth);
            case RETURN_POINTS -> ledger.giveBack(auth, r.holdId(), new LedgerClient.ReturnRequest(
                            r.redemptionId() + ":back", null, r.reference()))
                    .onItemOrFailure().transformToUni((returned, failure) -> {
                        if (failure == null || RemoteProblem.isRefusal(failure)) {
                            if (failure != null) {
                                Log.warnf("Redemption %s: the ledger refused to give back its points: %s",
                                        r.redemptionId(), failure.getMessage());
                            }
                            return move(r, c -> c.step(RedemptionStep.RELEASE_RESERVATION), null);
                        }
                        return unanswered(r, failure, "LEDGER_UNAVAILABLE", false);
                    });
            case RELEASE_RESERVATION -> failedOnceBack(r, catalog.release(auth, r.rewardId(), r.reservationId()));
            // Failed after the confirm: the member never saw what it was given (a coupon's code is issued again).
            case RETURN_STOCK -> failedOnceBack(r, catalog.giveBack(auth, r.rewardId(), r.reservationId(), true));
            case CANCEL_RETURN_STOCK -> catalog.giveBack(auth, r.rewardId(), r.reservationId(), false)
                    .onItemOrFailure().transformToUni((returned, failure) -> {
                        if (failure == null || RemoteProblem.isRefusal(failure)) {
                            if (failure != null) {
                                Log.warnf("Redemption %s: catalog refused to take the stock back: %s",
                                        r.redemptionId(), failure.getMessage());
                            }
                            return move(r, c -> c.step(RedemptionStep.CANCEL_RETURN_POINTS), null);
                        }
                        return unanswered(r, failure, "CATALOG_UNAVAILABLE", false);
                    });
            case CANCEL_RETURN_POINTS -> ledger.giveBack(auth, r.holdId(), new LedgerClient.ReturnRequest(
                            r.redemptionId() + ":cancel", null, r.reference()))
                    .onItemOrFailure().transformToUni((returned, failure) -> {
                        if (failure == null || RemoteProblem.isRefusal(failure)) {
                            if (failure != null) {
                                Log.warnf("Redemption %s: the ledger refused to give back its points: %s",
                                        r.redemptionId(), failure.getMessage());
                            }
                            return move(r, c -> c.step(RedemptionStep.DONE).status(Redemption.CANCELLED)
                                            .cancelled(clock.instant()),
                                    new RedemptionCancelled(r.redemptionId(), r.memberId(), r.rewardId(), r.points(),
                                            r.rewardName()));
                        }
                        return unanswered(r, failure, "LEDGER_UNAVAILABLE", false);
                    });
            case DONE -> Uni.createFrom().item(Outcome.of(r));
        };
    }

    /** One side's answer to a call: its value, a refusal, or no answer ({@code failure} not a refusal). */
    private record Answer<T>(T value, Throwable failure) {
        boolean taken() {
            return failure == null;
        }

        boolean unanswered() {
            return failure != null && !RemoteProblem.isRefusal(failure);
        }
    }

    private static <T> Uni<Answer<T>> answer(Uni<T> call) {
        return call.onItemOrFailure().transform(Answer::new);
    }

    /**
     * The last step (ARCHITECTURE.md: capture the hold, confirm the stock, issue the code), its two
     * calls made at once. Both are idempotent, so a step with a side unanswered is simply made again;
     * once both answered: both taken → COMPLETED; the confirm refused after a capture → the points go
     * back; the capture refused (the hold lapsed: nothing taken) after a confirm → the stock goes back;
     * both refused → the reservation is released (it has lapsed too, most likely).
     */
    private Uni<Outcome> captureAndConfirm(Redemption r, String auth) {
        return Uni.combine().all()
                .unis(answer(ledger.capture(auth, r.memberId(), r.holdId())),
                        answer(catalog.confirm(auth, r.rewardId(), r.reservationId())))
                .asTuple().chain(both -> {
                    Answer<?> captured = both.getItem1();
                    Answer<Reservation> confirmed = both.getItem2();
                    if (captured.unanswered()) {
                        return unanswered(r, captured.failure(), "LEDGER_UNAVAILABLE", false);
                    }
                    if (confirmed.unanswered()) {
                        return unanswered(r, confirmed.failure(), "CATALOG_UNAVAILABLE", false);
                    }
                    if (captured.taken() && confirmed.taken()) {
                        return complete(r, confirmed.value(), 0);
                    }
                    if (captured.taken()) {
                        return compensate(r, RedemptionStep.RETURN_POINTS,
                                RemoteProblem.codeOf(confirmed.failure(), "RESERVATION_EXPIRED"),
                                detail(confirmed.failure()));
                    }
                    return compensate(r, confirmed.taken() ? RedemptionStep.RETURN_STOCK
                            : RedemptionStep.RELEASE_RESERVATION, "HOLD_EXPIRED", detail(captured.failure()));
                });
    }

    /**
     * The last compensation: the stock back at catalog (a reservation released, or a confirmed one
     * returned), then FAILED with the recorded code. A refusal is an answer too: the stock is not
     * held either way (expired, released, returned before, or never made).
     */
    private Uni<Outcome> failedOnceBack(Redemption r, Uni<Reservation> stockBack) {
        return stockBack.onItemOrFailure().transformToUni((back, failure) -> {
            if (failure == null || RemoteProblem.isRefusal(failure)) {
                if (failure != null && r.step() == RedemptionStep.RETURN_STOCK) {
                    Log.warnf("Redemption %s: catalog refused to take the stock back: %s", r.redemptionId(),
                            failure.getMessage());
                }
                return move(r, c -> c.step(RedemptionStep.DONE).status(Redemption.FAILED),
                        new RedemptionFailed(r.redemptionId(), r.memberId(), r.rewardId(), r.code(), r.reason(),
                                r.rewardName()));
            }
            return unanswered(r, failure, "CATALOG_UNAVAILABLE", false);
        });
    }

    private Uni<Outcome> reserved(Redemption r, Reservation reservation) {
        if (reservation.status() != null && !"RESERVED".equals(reservation.status())
                && !"CONFIRMED".equals(reservation.status())) {
            // A repeat found the reservation no longer held (it lapsed while this saga was away): nothing to spend on.
            return fail(r, "RESERVATION_EXPIRED", "catalog's reservation is " + reservation.status(),
                    reservation.rewardName());
        }
        if (reservation.pointsCost() <= 0) {
            return compensate(r, RedemptionStep.RELEASE_RESERVATION, "NOT_ELIGIBLE",
                    "catalog priced the reservation at " + reservation.pointsCost() + " points");
        }
        if (reservation.pointsCost() > PointsValue.MAX_SPEND) {
            // The ledger holds at most that many at once: asked for more, it would refuse the request
            // itself (400), which told the member of a field of a call it never made.
            return compensate(r, RedemptionStep.RELEASE_RESERVATION, "POINTS_OVER_LIMIT", "the redemption costs "
                    + reservation.pointsCost() + " points; one redemption spends at most " + PointsValue.MAX_SPEND
                    + ": redeem fewer at a time");
        }
        return move(r, c -> c.step(RedemptionStep.RESERVED)
                .priced(reservation.kind(), reservation.pointsCost(), write(reservation.lottery()),
                        reservation.voucherValue(), reservation.rewardName()), null);
    }

    private Uni<Outcome> complete(Redemption r, Reservation confirmed, int collisions) {
        String voucher = "VOUCHER".equals(r.kind()) ? voucherCodes.next() : null;
        Instant now = clock.instant();
        return move(r, c -> c.step(RedemptionStep.DONE).status(Redemption.COMPLETED).failure(null, null)
                        .completed(voucher, confirmed.couponCode(), write(confirmed.donation()), now),
                new RedemptionCompleted(r.redemptionId(), r.memberId(), r.rewardId(), r.points(), voucher,
                        r.rewardName(), r.kind(), confirmed.couponCode(),
                        confirmed.lottery() == null ? null : confirmed.lottery().prizeName(),
                        confirmed.donation() == null ? null : text(confirmed.donation().get("cause"))))
                .onFailure(failure -> voucher != null && collisions < 3 && String.valueOf(failure.getMessage())
                        .contains("redemption_voucher_code"))
                .recoverWithUni(() -> complete(r, confirmed, collisions + 1));
    }

    /** Failed before or at the reservation: named as its reservation named it, else as the refusal did. */
    private Uni<Outcome> fail(Redemption r, String code, String reason, String refusalsName) {
        String name = r.rewardName() != null ? r.rewardName() : refusalsName;
        return move(r, c -> c.step(RedemptionStep.DONE).status(Redemption.FAILED).failure(code, reason).named(name),
                new RedemptionFailed(r.redemptionId(), r.memberId(), r.rewardId(), code, reason, name));
    }

    private Uni<Outcome> compensate(Redemption r, RedemptionStep compensation, String code, String reason) {
        Log.debugf("Redemption %s refused (%s): compensating from %s", r.redemptionId(), code, r.step());
        return move(r, c -> c.step(compensation).failure(code, reason), null);
    }

    /**
     * No answer. Before anything is held ({@code mayGiveUp}), past the deadline the saga fails and
     * what may exist unseen is released as well as possible (its TTL releases it otherwise).
     */
    private Uni<Outcome> unanswered(Redemption r, Throwable failure, String code, boolean mayGiveUp) {
        Instant now = clock.instant();
        if (mayGiveUp && now.isAfter(r.createdAt().plus(settings.unavailableDeadline()))) {
            Log.warnf("Redemption %s: %s for longer than %s, failed", r.redemptionId(), code,
                    settings.unavailableDeadline());
            // Only a give-up that moved the saga releases: one that lost to another driver (a client's
            // repeat, the recovery job) would release what that driver holds and goes on with.
            return fail(r, code, detail(failure), null).call(outcome -> outcome.lost() ? Uni.createFrom().voidItem()
                    : bestEffortRelease(r));
        }
        Duration max = settings.maxBackoff();
        Duration backoff = max.toMillis() < 1 ? Duration.ZERO
                : new Backoff(KEPT_RETRY_FIRST.compareTo(max) < 0 ? KEPT_RETRY_FIRST : max, max).next(r.attempts() + 1);
        Log.infof("Redemption %s at %s: no answer (%s), again in %s", r.redemptionId(), r.step(), failure, backoff);
        return repository.retryLater(r.redemptionId(), r.step(), code + ": " + detail(failure), backoff, now)
                .replaceWith(Outcome.WAIT);
    }

    private Uni<Void> bestEffortRelease(Redemption r) {
        String auth = tokens.authorization();
        Uni<Void> hold = r.step() == RedemptionStep.RESERVED
                ? ledger.release(auth, r.memberId(), r.holdId()).replaceWithVoid().onFailure().recoverWithNull().replaceWithVoid()
                : Uni.createFrom().voidItem();
        return hold.chain(() -> catalog.release(auth, r.rewardId(), r.reservationId()).replaceWithVoid()
                .onFailure().recoverWithNull().replaceWithVoid());
    }


    private Uni<Outcome> move(Redemption r, Function<Change, Change> change,
                              io.pointsplatform.events.RedemptionEvent event) {
        return repository.advance(r, r.step(), change.apply(Change.of(r)), event, clock.instant())
                .invoke(this::countSettled)
                .map(Outcome::of);
    }

    /** redemptions_settled_total{status, code}: outcomes at a glance (/q/metrics). */
    private void countSettled(Redemption r) {
        if (r != null && r.settled()) {
            metrics.counter("redemptions.settled", "status", r.status(), "code", r.code() == null
                    || Redemption.COMPLETED.equals(r.status()) || Redemption.CANCELLED.equals(r.status())
                    ? "none" : r.code()).increment();
        }
    }

    /**
     * What a member may read of a failure: the other side's own sentence for a refusal; for no
     * answer only that (the log has the exception, a client never sees hosts or classes).
     */
    private static String detail(Throwable failure) {
        if (failure instanceof RemoteProblem problem && problem.isRefusal()) {
            return problem.detail() != null ? problem.detail() : problem.getMessage();
        }
        if (failure instanceof RemoteProblem problem) {
            return "answered " + problem.status();
        }
        return "no answer";
    }

    /** A text value of catalog's answer, or null when it has none (or not as text). */
    private static String text(Object value) {
        return value instanceof String text && !text.isBlank() ? text : null;
    }

    private String write(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value, e);
        }
    }
}
