package io.pointsplatform.redemption.redemption.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** {@code points.redemption.*}: the saga's waits, TTLs, deadlines and cancel rules (docs/contract-extensions.md). */
@ConfigMapping(prefix = "points.redemption")
public interface SagaSettings {

    /** How long POST /redemptions (and /cancel) waits for the outcome before answering 202. */
    @WithDefault("3s")
    @io.smallrye.config.WithName("wait")
    Duration waitFor();

    /** ttlSeconds asked of catalog for a reservation. */
    @WithDefault("900")
    long reservationTtlSeconds();

    /** ttlSeconds asked of the ledger for a hold. */
    @WithDefault("900")
    long holdTtlSeconds();

    /**
     * How long catalog (before a reservation) or the ledger (before a hold) may stay unreachable
     * before the saga gives up: FAILED with CATALOG_UNAVAILABLE or LEDGER_UNAVAILABLE.
     */
    @WithDefault("60s")
    Duration unavailableDeadline();

    /**
     * How long catalog's OUT_OF_STOCK for a reward answers new redemptions of it without another
     * call ({@link SoldOut}); 0 asks catalog every time.
     */
    @WithDefault("100ms")
    Duration soldOutMemory();

    /** Longest wait between two tries of an unanswered call. */
    @WithDefault("30s")
    Duration maxBackoff();

    /** The recovery job: how often it runs, how long a saga must be untouched before it takes it, how many a run. */
    @WithDefault("5s")
    Duration recoveryEvery();

    @WithDefault("10s")
    Duration recoveryStaleAfter();

    @WithDefault("100")
    int recoveryBatch();

    /** A completed redemption may be cancelled this long after it completed. */
    @WithDefault("24h")
    Duration cancelWindow();

    /**
     * Kinds that are never cancelled: a lottery draw, a donation given, a coupon's code (shown to the
     * member once issued; the merchant it was imported from cannot take it back).
     */
    @WithDefault("LOTTERY,DONATION,COUPON")
    List<String> neverCancellable();

    /**
     * Fault injection for the system tests (never set in production): a saga that reaches this step
     * stops there, as if the process had died right after recording it; the recovery job leaves it
     * too. Restarted without it, the service finishes or compensates the saga.
     */
    java.util.Optional<RedemptionStep> haltAt();
}
