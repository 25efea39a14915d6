package io.pointsplatform.replay;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.EventData;
import io.pointsplatform.events.ExpiryDeferred;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsAdjusted;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.PointsExpired;
import io.pointsplatform.events.PointsReleased;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsReturned;
import io.pointsplatform.events.PointsReversed;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.RedemptionCancelled;
import io.pointsplatform.events.RedemptionCompleted;
import io.pointsplatform.events.RedemptionFailed;
import io.pointsplatform.events.RedemptionRequested;
import io.pointsplatform.events.ReleaseReason;
import io.pointsplatform.events.RewardRetired;
import io.pointsplatform.events.RewardUpserted;
import io.pointsplatform.events.TierChanged;
import io.pointsplatform.kit.inbox.MemberPartitions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A known workload built from points-events' records: per member every kind of points event (holds
 * captured, released and left open, direct spends, a return, expiries, a reversal with debt,
 * adjustments both ways, a tier change, a deferred expiry), enrolments, rewards and redemptions. Each
 * member's points events are folded by {@link Account} as they are made, so the expected figures are
 * the fold's own. Two phases, the second appended a day later (the records' timestamps say so).
 *
 * <p>Besides its events, records the ledger never applies as such ({@link #extras}), which every output
 * must leave out: a credit found off its member's partition that the ledger forwarded (its copy, under
 * the same id, is among the events, on the member's partition), a debit off its member's partition
 * (which the ledger dead-letters), and an event published twice (a producer's retry).
 */
final class Workload {

    record Published(String topic, String key, CloudEvent event, int phase) {
    }

    /** A record published besides the events, in the first phase: on {@code partition} when not null, else by its key. */
    record Extra(String topic, String key, CloudEvent event, Integer partition) {
    }

    /** A name with what JSON escapes (a quote, a backslash, a tab) and what COPY and CSV escape. */
    static final String REWARD_NAME = "Mug \"马克杯\", 1\\2\tx";

    final String run;
    final List<Published> events = new ArrayList<>();
    final Map<String, Account> accounts = new LinkedHashMap<>();
    final List<Extra> extras = new ArrayList<>();
    /** The credit forwarded by the ledger (among the events, and once more, off its member's partition, among the extras). */
    CloudEvent forwardedCredit;
    /** The debit off its member's partition, only among the extras. */
    CloudEvent misplacedDebit;
    /** A credit off its member's partition with no copy on it (a log from before the rule), only among the extras. */
    CloudEvent strayCredit;
    /** The event published twice (among the events, and again among the extras). */
    CloudEvent repeated;
    private final int partitions;
    final Instant phase1;
    final Instant phase2;
    private final EventCodec codec = new EventCodec();
    private int sequence;

    /** {@code partitions}: of points.ledger, where a member's partition is murmur2 of its id modulo these. */
    Workload(String run, int members, int partitions) {
        this.run = run;
        this.partitions = partitions;
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        phase1 = now.minus(2, ChronoUnit.DAYS);
        phase2 = now.minus(1, ChronoUnit.DAYS);
        rewards();
        for (int i = 0; i < members; i++) {
            member(run + "-m" + i, i);
        }
        misplacedAndRepeated(run + "-m5", run + "-m6", run + "-m7", run + "-m8");
        for (int i = 0; i < members; i++) {
            later(run + "-m" + i);
        }
    }

    List<String> memberIds() {
        return new ArrayList<>(accounts.keySet());
    }

    String json(CloudEvent event) {
        return codec.write(event);
    }

    private void rewards() {
        catalog(new RewardUpserted(run + "-r1", REWARD_NAME, "GIFT", 200, 10L, null, null, null, null, null, null, null,
                null, null, null));
        catalog(new RewardUpserted(run + "-r2", "Voucher", "VOUCHER", 500, null, null, null, null, null, null, null, null,
                "5", null, null));
        catalog(new RewardRetired(run + "-r2"));
    }

    private void member(String m, int i) {
        Instant t = phase1.plusSeconds(i);
        accounts.put(m, new Account(m));
        publish("members", m, new MemberEnrolled(m, "Member " + i, null, null, i % 2 == 0 ? "zh-CN" : "en", null), 1);
        Instant expires = phase1.plus(365, ChronoUnit.DAYS);
        String lot1 = m + "-lot1";
        String lot2 = m + "-lot2";
        points(new PointsEarned(m, lot1, 500 + i, new Origin(OriginKind.ORDER, m + "-order1"),
                List.of(new BreakdownLine("base", 500 + i)), t, expires));
        points(new PointsEarned(m, lot2, 300, new Origin(OriginKind.SIGNUP, m), List.of(), t, expires));
        List<Allocation> h1 = List.of(new Allocation(lot1, 200));
        points(new PointsReserved(m, m + "-h1", 200, h1, t.plusSeconds(600), "redemption " + m));
        points(new PointsSpent(m, m + "-h1", 200, h1, "redemption " + m));
        List<Allocation> h2 = List.of(new Allocation(lot1, 50));
        points(new PointsReserved(m, m + "-h2", 50, h2, t.plusSeconds(600), null));
        points(new PointsReleased(m, m + "-h2", 50, h2, ReleaseReason.CANCELLED));
        points(new PointsSpent(m, null, 100, List.of(new Allocation(lot2, 100)), "checkout"));
        points(new PointsReturned(m, m + "-h1", m + "-return1", 50, List.of(new Allocation(lot1, 50)), null));
        points(new PointsExpired(m, 100, List.of(new Allocation(lot2, 100))));
        points(new PointsReversed(m, m + "-order1", m + "-refund1", 50, List.of(new Allocation(lot1, 50)), 10));
        points(new PointsAdjusted(m, m + "-adj1", 30, m + "-adj1", expires, null, "goodwill", "admin-a", "admin-b"));
        points(new PointsAdjusted(m, m + "-adj2", -20, null, null, List.of(new Allocation(m + "-adj1", 20)), "error",
                "admin-a", "admin-b"));
        points(new TierChanged(m, "MEMBER", "SILVER", 2000));
        String lot3 = m + "-lot3";
        points(new PointsEarned(m, lot3, 1000, new Origin(OriginKind.TIER_BONUS, "SILVER"), List.of(), t, expires));
        points(new ExpiryDeferred(m, lot3, expires, expires.plus(7, ChronoUnit.DAYS), null));
        points(new PointsReserved(m, m + "-h3", 40, List.of(new Allocation(lot3, 40)), t.plusSeconds(600), null));
        String r = m + "-red";
        publish("redemptions", m, new RedemptionRequested(r + "1", m, run + "-r1", 1, 200), 1);
        publish("redemptions", m, new RedemptionCompleted(r + "1", m, run + "-r1", 200, "V-" + i), 1);
        publish("redemptions", m, new RedemptionRequested(r + "2", m, run + "-r1", 1, 200), 1);
        publish("redemptions", m, new RedemptionFailed(r + "2", m, run + "-r1", "OUT_OF_STOCK", "no stock"), 1);
    }

    /**
     * Scenario A: a credit of {@code credited} first found off its member's partition, which the ledger
     * forwarded (the copy on the member's partition, same id, is an event). Scenario B: a debit of
     * {@code debited} off its member's partition, which the ledger never applies. And an event of
     * {@code repeatedBy} published twice on its member's partition. And a credit of {@code stray} off its
     * member's partition and never forwarded (left out by this tool all the same, and reported).
     */
    private void misplacedAndRepeated(String credited, String debited, String repeatedBy, String stray) {
        PointsEarned credit = new PointsEarned(credited, credited + "-forwarded", 70,
                new Origin(OriginKind.ORDER, credited + "-order-f"), List.of(new BreakdownLine("base", 70)), phase1,
                phase1.plus(365, ChronoUnit.DAYS));
        forwardedCredit = points(credit);
        extras.add(new Extra("points.ledger", credited, forwardedCredit, elsewhere(credited)));
        misplacedDebit = event(new PointsSpent(debited, null, 25, List.of(new Allocation(debited + "-lot1", 25)),
                "not the ledger's"), phase1);
        extras.add(new Extra("points.ledger", debited, misplacedDebit, elsewhere(debited)));
        repeated = points(new PointsSpent(repeatedBy, null, 15, List.of(new Allocation(repeatedBy + "-lot1", 15)),
                "retried"));
        extras.add(new Extra("points.ledger", repeatedBy, repeated, null));
        strayCredit = event(new PointsEarned(stray, stray + "-stray", 40, new Origin(OriginKind.ORDER, stray + "-order-s"),
                List.of(), phase1, phase1.plus(365, ChronoUnit.DAYS)), phase1);
        extras.add(new Extra("points.ledger", stray, strayCredit, elsewhere(stray)));
    }

    /** A partition of points.ledger that is not the member's. */
    private int elsewhere(String memberId) {
        return (MemberPartitions.of(memberId, partitions) + 1) % partitions;
    }

    /** The second phase, a day later. */
    private void later(String m) {
        String lot4 = m + "-lot4";
        Instant t = phase2;
        phase = 2;
        points(new PointsEarned(m, lot4, 200, new Origin(OriginKind.CHECKIN, m + "-checkin"), List.of(), t,
                t.plus(365, ChronoUnit.DAYS)));
        points(new PointsExpired(m, 50, List.of(new Allocation(lot4, 50))));
        publish("redemptions", m, new RedemptionCancelled(m + "-red1", m, run + "-r1", 200), 2);
    }

    private int phase = 1;

    private CloudEvent points(PointsEvent data) {
        accounts.get(data.memberId()).apply(data);
        return publish("points.ledger", data.memberId(), data, phase);
    }

    private void catalog(EventData data) {
        publish("catalog.rewards", data.key(), data, 1);
    }

    private CloudEvent publish(String topic, String key, EventData data, int phase) {
        CloudEvent event = event(data, phase == 1 ? phase1 : phase2);
        events.add(new Published(topic, key, event, phase));
        return event;
    }

    private CloudEvent event(EventData data, Instant phaseStart) {
        Instant time = phaseStart.plusMillis(sequence);
        return CloudEvent.of(data.type() + ":" + run + ":" + sequence++, "/test", time, data);
    }

    long outstanding() {
        return accounts.values().stream().mapToLong(a -> a.lifetimeEarned() + a.adjustedIn() - a.spent() - a.expired()
                - a.reversed() - a.adjustedOut()).sum();
    }

    long earned() {
        return accounts.values().stream().mapToLong(Account::lifetimeEarned).sum();
    }

    long spent() {
        return accounts.values().stream().mapToLong(Account::spent).sum();
    }

    long expired() {
        return accounts.values().stream().mapToLong(Account::expired).sum();
    }

    long reversed() {
        return accounts.values().stream().mapToLong(Account::reversed).sum();
    }
}
