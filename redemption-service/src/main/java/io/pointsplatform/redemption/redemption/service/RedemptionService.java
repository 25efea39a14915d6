package io.pointsplatform.redemption.redemption.service;

import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.redemption.DerivedIds;
import io.pointsplatform.redemption.redemption.repository.RedemptionRepository;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Redemptions: start one and wait a bounded time for its saga, read them, cancel one, use a voucher. */
@ApplicationScoped
public class RedemptionService {

    static final List<String> KINDS = List.of("GIFT", "VOUCHER", "COUPON", "LOTTERY", "DONATION");

    private final RedemptionRepository repository;
    private final RedemptionSaga saga;
    private final SagaSettings settings;
    private final Clock clock;

    public RedemptionService(RedemptionRepository repository, RedemptionSaga saga, SagaSettings settings, Clock clock) {
        this.repository = repository;
        this.saga = saga;
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Records the redemption PENDING (with {@code redemption.requested}; or refused at once, {@link
     * RedemptionSaga#record}) and runs its saga for at most {@code points.redemption.wait}; the
     * redemption as it then stands. With an
     * Idempotency-Key the id is derived from the member and the key, so two concurrent first
     * uses of one key start one saga, not two.
     */
    public Uni<Redemption> redeem(String memberId, String rewardId, int quantity, String idempotencyKey) {
        String redemptionId = idempotencyKey == null ? "rd-" + UUID.randomUUID().toString().replace("-", "")
                : DerivedIds.of("rd-", 32, memberId, idempotencyKey);
        Instant now = clock.instant();
        return saga.record(redemptionId, memberId, rewardId, quantity, now)
                .chain(inserted -> inserted != null ? settleWithin(inserted) : repository.find(redemptionId)
                        .invoke(found -> {
                            if (!found.memberId().equals(memberId) || !found.rewardId().equals(rewardId)
                                    || found.quantity() != quantity) {
                                throw ApiException.conflict("IDEMPOTENCY_KEY_REUSED", "Idempotency-Key '"
                                        + idempotencyKey + "' was used for another request to this resource");
                            }
                        })
                        .chain(found -> settleWithin(found)));
    }

    public Uni<Redemption> find(String redemptionId) {
        return repository.find(redemptionId).invoke(found -> {
            if (found == null) {
                throw ApiException.notFound("Redemption", redemptionId);
            }
        });
    }

    public Uni<List<Redemption>> ofMember(String memberId, long beforeSeq, int limit) {
        return repository.ofMember(memberId, beforeSeq, limit);
    }

    /** Until when a completed redemption may be cancelled; null when it never may. */
    public Instant cancellableUntil(Redemption r) {
        if (r.completedAt() == null || settings.neverCancellable().contains(r.kind())) {
            return null;
        }
        return r.completedAt().plus(settings.cancelWindow());
    }

    /**
     * Cancels a completed redemption within the window: stock and points come back
     * ({@code redemption.cancelled}). Repeating a cancel answers where it stands.
     */
    public Uni<Redemption> cancel(Redemption found) {
        Instant now = clock.instant();
        List<String> cancellable = KINDS.stream().filter(kind -> !settings.neverCancellable().contains(kind)).toList();
        return repository.startCancel(found.redemptionId(), cancellable, now.minus(settings.cancelWindow()), now)
                .chain(started -> {
                    if (started != null) {
                        return settleWithin(started);
                    }
                    return repository.find(found.redemptionId()).chain(r -> {
                        if (Redemption.CANCELLING.equals(r.status())) {
                            return settleWithin(r);
                        }
                        if (Redemption.CANCELLED.equals(r.status())) {
                            return Uni.createFrom().item(r);
                        }
                        throw whyNotCancellable(r, now);
                    });
                });
    }

    private ApiException whyNotCancellable(Redemption r, Instant now) {
        if (!Redemption.COMPLETED.equals(r.status())) {
            return ApiException.conflict("NOT_CANCELLABLE", "Redemption '" + r.redemptionId() + "' is " + r.status()
                    + ": only a completed redemption can be cancelled");
        }
        if (settings.neverCancellable().contains(r.kind())) {
            return ApiException.conflict("NOT_CANCELLABLE", "A " + r.kind() + " redemption cannot be cancelled");
        }
        if (r.voucherUsedAt() != null) {
            return ApiException.conflict("VOUCHER_USED", "The voucher of redemption '" + r.redemptionId()
                    + "' was used at " + r.voucherUsedAt());
        }
        return ApiException.conflict("CANCEL_WINDOW_PASSED", "Redemption '" + r.redemptionId()
                + "' could be cancelled until " + r.completedAt().plus(settings.cancelWindow()) + "; it is " + now);
    }

    /** A shop accepts a voucher for an order: once. The same order again answers the same. */
    public Uni<Redemption> useVoucher(String typed, String orderId) {
        String voucherCode = VoucherCodes.canonical(typed);
        return repository.useVoucher(voucherCode, orderId, clock.instant()).chain(used -> {
            if (used != null) {
                return Uni.createFrom().item(used);
            }
            return repository.findByVoucher(voucherCode).map(r -> {
                if (r == null) {
                    throw ApiException.notFound("Voucher", typed);
                }
                if (r.voucherUsedAt() != null) {
                    if (orderId.equals(r.voucherOrderId())) {
                        return r;
                    }
                    throw ApiException.conflict("VOUCHER_USED", "This voucher was used at " + r.voucherUsedAt());
                }
                throw ApiException.conflict("VOUCHER_CANCELLED", "This voucher's redemption is " + r.status());
            });
        });
    }

    /**
     * Drives the saga while the caller waits; the drive goes on after the wait (its result is the
     * database's, the recovery job finishes what it leaves).
     */
    private Uni<Redemption> settleWithin(Redemption r) {
        if (r.settled()) {
            return Uni.createFrom().item(r);
        }
        Instant until = clock.instant().plus(settings.waitFor());
        Uni<Redemption> running = saga.drive(r, until).memoize().indefinitely();
        running.subscribe().with(done -> { }, failure -> Log.warnf(failure, "Redemption %s: the saga stopped",
                r.redemptionId()));
        return running.ifNoItem().after(settings.waitFor()).recoverWithUni(() -> repository.find(r.redemptionId()))
                .onFailure().recoverWithUni(() -> repository.find(r.redemptionId()));
    }
}
