package io.pointsplatform.ledger.account.service;

import io.pointsplatform.events.ClosedHoldStates;
import io.pointsplatform.events.Account;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.AllocationPlan;
import io.pointsplatform.events.Allocator;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.ExpiryDeferred;
import io.pointsplatform.events.ExpiryRule;
import io.pointsplatform.events.Lot;
import io.pointsplatform.events.LotLimits;
import io.pointsplatform.events.InvariantViolation;
import io.pointsplatform.events.PointsAdjusted;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.PointsExpired;
import io.pointsplatform.events.PointsReleased;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsReturned;
import io.pointsplatform.events.PointsReversed;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.ReleaseReason;
import io.pointsplatform.events.ReversalPlan;
import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.Tier;
import io.pointsplatform.events.TierChanged;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.outbox.OutboxRelay;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.pointsplatform.ledger.account.service.DecisionBatches.AlreadyDecided;
import io.pointsplatform.ledger.reminder.repository.ReminderStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The single decider for every debit (ARCHITECTURE.md, "The one hard rule"). Each decision runs in
 * one transaction under the row lock of the member's account: restore the account, decide with the
 * shared {@link Allocator}, apply the event with the shared fold, record it in the account's
 * entries, save, and put it in the outbox. When the event comes back from Kafka its id is already in
 * the entries, so the consumer skips it: the live state is what a replay of the log gives.
 */
@ApplicationScoped
public class LedgerBook {

    static final String SOURCE = "/ledger-service";

    /** What a decision answers: its event, and whether this call made it (false: a repeat). */
    public record Decision<T extends PointsEvent>(CloudEvent event, T data, boolean created) {

        Decision<T> withCreated(boolean made) {
            return new Decision<>(event, data, made);
        }
    }

    private final Pool pool;
    private final AccountStore store;
    private final OutboxRelay relay;
    private final Clock clock;
    private final TierPolicy tiers;
    private final DecisionBatches decisions;
    private final ReminderStore reminders;
    private final boolean requireReminder;
    private final Duration lastReminderLead;

    public LedgerBook(Pool pool, AccountStore store, OutboxRelay relay, Clock clock, TierPolicy tiers,
                      DecisionBatches decisions, ReminderStore reminders,
                      @ConfigProperty(name = "points.expiry.require-reminder", defaultValue = "true")
                      boolean requireReminder,
                      @ConfigProperty(name = "points.expiry.last-reminder-lead", defaultValue = "P7D")
                      Duration lastReminderLead) {
        if (lastReminderLead.isNegative() || lastReminderLead.isZero()) {
            throw new IllegalArgumentException("points.expiry.last-reminder-lead must be > 0, was " + lastReminderLead);
        }
        this.pool = pool;
        this.store = store;
        this.relay = relay;
        this.clock = clock;
        this.tiers = tiers;
        this.decisions = decisions;
        this.reminders = reminders;
        this.requireReminder = requireReminder;
        this.lastReminderLead = lastReminderLead;
    }

    // ---- events from the log ---------------------------------------------------------------

    /**
     * A record of the log as the consumer read it: an event on its member's partition
     * ({@code misplaced} null), or a credit found on another partition, to forward to its member's.
     */
    public record FromLog(CloudEvent event, AccountStore.Misplaced misplaced) {

        public static FromLog placed(CloudEvent event) {
            return new FromLog(event, null);
        }

        public static FromLog misplaced(AccountStore.Misplaced credit) {
            return new FromLog(credit.event(), credit);
        }
    }

    /**
     * Applies a polled batch ({@link #consumeAll} for the events on their members' partitions), then
     * forwards the credits found off their member's partition ({@link AccountStore#forward}: once
     * each, in a transaction of its own; both steps may run again after a failure and change nothing
     * the second time). Completes with the ids forwarded now.
     */
    public Uni<Set<String>> consumeLog(List<FromLog> records) {
        List<CloudEvent> placed = new java.util.ArrayList<>(records.size());
        Map<String, AccountStore.Misplaced> misplaced = new LinkedHashMap<>();
        for (FromLog record : records) {
            if (record.misplaced() == null) {
                placed.add(record.event());
            } else {
                misplaced.putIfAbsent(record.event().id(), record.misplaced());
            }
        }
        return consumeAll(placed).chain(() -> misplaced.isEmpty() ? Uni.createFrom().item(Set.<String>of())
                : pool.withTransaction(c -> store.forward(c, List.copyOf(misplaced.values()), Topics.POINTS_LEDGER))
                        .invoke(forwarded -> {
                            if (!forwarded.isEmpty()) {
                                relay.wake();
                            }
                        }));
    }

    /**
     * Applies a polled batch of events in one transaction, once per event id: one query finds those
     * applied before (the ledger's own decisions come back that way), one statement makes the
     * accounts that credits need, one locks every account touched (in member id order, so two
     * batches never wait on each other in a cycle), then each new event is recorded and folded in
     * log order with its debt settlement and tier review, and each changed account is saved once.
     * All or nothing: an event the fold refuses fails the whole batch, and the caller (service-kit
     * {@code Batches}) applies the events again one at a time to set aside only the bad one.
     */
    public Uni<Void> consumeAll(List<CloudEvent> events) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<String> ids = events.stream().map(CloudEvent::id).toList();
        return pool.withConnection(c -> store.appliedAmong(c, ids))
                .chain(applied -> {
                    Map<String, CloudEvent> fresh = new LinkedHashMap<>();
                    for (CloudEvent event : events) {
                        if (!applied.contains(event.id())) {
                            fresh.putIfAbsent(event.id(), event);
                        }
                    }
                    List<CloudEvent> toApply = List.copyOf(fresh.values());
                    return toApply.isEmpty() ? Uni.createFrom().voidItem()
                            : Uni.createFrom().deferred(() -> applyTogether(toApply));
                })
                .invoke(relay::wake);
    }

    private Uni<Void> applyTogether(List<CloudEvent> events) {
        Instant now = clock.instant();
        Instant since = qualifyingSince(now);
        Set<String> creditedMembers = new TreeSet<>();
        Set<String> members = new TreeSet<>();
        Set<String> qualifyingMembers = new TreeSet<>();
        for (CloudEvent event : events) {
            PointsEvent data = pointsEvent(event);
            members.add(data.memberId());
            if (isCredit(data)) {
                creditedMembers.add(data.memberId());
            }
            if (qualifies(data)) {
                qualifyingMembers.add(data.memberId());
            }
        }
        return pool.withTransaction(connection -> store.createAllIfAbsent(connection, creditedMembers, now)
                .chain(() -> store.lockAll(connection, members))
                .chain(accounts -> store.qualifyingPointsOf(connection, qualifyingMembers, since)
                        .chain(qualifying -> store.recordEntries(connection, events, LedgerBook::pointsOf,
                                        LedgerBook::referenceOf)
                                .chain(recorded -> Uni.createFrom().deferred(() -> foldRecorded(connection, events,
                                        recorded, accounts, qualifying, since, now))))));
    }

    /**
     * Folds the events whose entries were just recorded, in log order, with what the ledger decides
     * because of each, then saves each changed account once. Qualifying points are counted on in
     * memory from the sums read before the batch's entries were written.
     */
    private Uni<Void> foldRecorded(SqlConnection connection, List<CloudEvent> events, Set<String> recorded,
            Map<String, Account> accounts, Map<String, Long> qualifying, Instant since, Instant now) {
        Set<String> changed = new TreeSet<>();
        Map<String, Long> running = new HashMap<>(qualifying);
        DecisionWrites writes = new DecisionWrites();
        for (CloudEvent event : events) {
            if (!recorded.contains(event.id())) {
                // Decided here, or delivered before: already in the account.
                continue;
            }
            PointsEvent data = (PointsEvent) event.data();
            Account account = accounts.get(data.memberId());
            if (account == null) {
                throw noAccount(event, data);
            }
            if (qualifies(data) && !event.time().isBefore(since)) {
                running.merge(data.memberId(), ((PointsEarned) data).points(), Long::sum);
            }
            changed.add(data.memberId());
            // An event the fold refuses fails the transaction whole, entries included.
            account.apply(data);
            settleDebt(writes, account, data, now);
            reviewTier(writes, account, event, now, running.getOrDefault(data.memberId(), 0L));
        }
        return writes.flushAndSave(connection, store, changed.stream().map(accounts::get).toList(), now);
    }

    /** Credits that count towards a tier: points earned, tier bonuses left out. */
    private static boolean qualifies(PointsEvent data) {
        return data instanceof PointsEarned earned && earned.origin().kind() != OriginKind.TIER_BONUS;
    }

    private Instant qualifyingSince(Instant now) {
        return now.atZone(ZoneOffset.UTC).minusMonths(tiers.windowMonths()).toInstant();
    }

    private static PointsEvent pointsEvent(CloudEvent event) {
        if (!(event.data() instanceof PointsEvent data)) {
            throw new InvariantViolation("event " + event.id() + " of type " + event.type() + " does not belong on "
                    + Topics.POINTS_LEDGER);
        }
        return data;
    }

    private static boolean isCredit(PointsEvent data) {
        return data instanceof PointsEarned || data instanceof PointsAdjusted a && a.points() > 0
                || data instanceof TierChanged;
    }

    private static InvariantViolation noAccount(CloudEvent event, PointsEvent data) {
        return new InvariantViolation("event " + event.id() + " debits member " + data.memberId()
                + " who has no account");
    }

    private void settleDebt(DecisionWrites writes, Account account, PointsEvent credit, Instant now) {
        if (credit instanceof PointsEarned earned) {
            settleDebtFromLot(writes, account, earned.lotId(), now);
        }
    }

    /** Open debt paid from a new lot (a credit's), written as the settlement it is. */
    private static void settleDebtFromLot(DecisionWrites writes, Account account, String lotId, Instant now) {
        if (account.debt() > 0) {
            recordSettlement(writes, account, Allocator.forDebtSettlement(account, lotId), PointsReversed.SETTLE_CREDIT + lotId, now);
        }
    }

    /**
     * Open debt paid from points just given back to lots (a released hold, a return), the moment
     * they are back: debt is what a refund could not take because the points were spent or held,
     * and held points that come back are the ones it could not take.
     */
    private static void settleDebtFromGivenBack(DecisionWrites writes, Account account, List<Allocation> givenBack,
            String what, Instant now) {
        if (account.debt() > 0) {
            recordSettlement(writes, account, Allocator.forDebtSettlement(account, givenBack), what, now);
        }
    }

    private static void recordSettlement(DecisionWrites writes, Account account, AllocationPlan plan, String what,
            Instant now) {
        if (plan.allocations().isEmpty()) {
            return;
        }
        long taken = plan.taken();
        PointsReversed settlement = new PointsReversed(account.memberId(), null, null, taken, plan.allocations(), 0, taken);
        record(writes, account, "points.reversed:" + account.memberId() + ":" + what, now, settlement);
    }

    /**
     * After a credit: the tier that the points earned in the qualifying window reach. On a change
     * the ledger writes {@code tier.changed}, and on an upgrade the upgrade bonus as a credit (once
     * per tier and member, lot {@code tier-bonus-<memberId>-<TIER>}), available when the credit that
     * lifted the tier is (pending as long as its points). Bonuses do not qualify.
     */
    private void reviewTier(DecisionWrites writes, Account account, CloudEvent credit, Instant now, long qualifying) {
        if (!qualifies((PointsEvent) credit.data())) {
            return;
        }
        Tier from = Tier.valueOf(account.tier());
        Tier to = tiers.thresholds().tierFor(qualifying);
        if (to == from) {
            return;
        }
        String memberId = account.memberId();
        record(writes, account, "tier.changed:" + memberId + ":" + credit.id(), now,
                new TierChanged(memberId, from.name(), to.name(), qualifying));
        String bonusLot = "tier-bonus-" + memberId + "-" + to.name();
        if (!to.atLeast(from) || tiers.upgradeBonus() == 0 || account.lot(bonusLot) != null) {
            return;
        }
        // Available when the points that lifted the tier are: an order's pending points (a return window)
        // keep its bonus pending as long (until 2026-12-06 the bonus was spendable at once).
        Instant availableAt = credit.data() instanceof PointsEarned earned && earned.availableAt().isAfter(now)
                ? earned.availableAt() : now;
        PointsEarned bonus = new PointsEarned(memberId, bonusLot, tiers.upgradeBonus(),
                new Origin(OriginKind.TIER_BONUS, to.name()), List.of(new BreakdownLine("tier-upgrade", tiers.upgradeBonus())),
                availableAt, availableAt.atZone(ZoneOffset.UTC).plusMonths(tiers.bonusLifetimeMonths()).toInstant());
        record(writes, account, "points.earned:" + bonusLot, now, bonus);
        settleDebtFromLot(writes, account, bonusLot, now);
    }

    // ---- holds -----------------------------------------------------------------------------

    public Uni<Decision<PointsReserved>> hold(String memberId, String holdId, long points, long ttlSeconds,
            String reference) {
        Instant now = clock.instant();
        String eventId = reservedId(memberId, holdId);
        return decision(memberId, null, (decide, account) -> {
            if (account.holds().containsKey(holdId)) {
                return Uni.createFrom().failure(new AlreadyDecided());
            }
            AllocationPlan plan = Allocator.forDebit(account.lots(), points, now);
            ApiException refused = debitRefusal(account, "A hold", points, plan, now);
            if (refused != null) {
                // Unless this repeats a hold made before, when the points were there.
                return decide.decided(store, eventId).map(previous -> {
                    if (previous.isPresent()) {
                        throw new AlreadyDecided();
                    }
                    throw refused;
                });
            }
            PointsReserved data = new PointsReserved(memberId, holdId, points, plan.allocations(),
                    now.plusSeconds(ttlSeconds), reference);
            // Written with the batch: history and outbox, the open hold; the batch saves the account.
            CloudEvent event = record(decide.writes(), account, eventId, now, data);
            decide.writes().openHold(memberId, holdId, data.holdExpiresAt(), reference);
            return Uni.createFrom().item(new Decision<>(event, data, true));
        }).onFailure(AlreadyDecided.class).recoverWithUni(() -> pool.withConnection(c -> store.findEvent(c, eventId))
                .map(previous -> {
                    PointsReserved first = (PointsReserved) previous.orElseThrow().data();
                    long firstTtl = ttlOf(previous.get(), first);
                    if (first.points() != points || !Objects.equals(first.reference(), reference)
                            || firstTtl != ttlSeconds) {
                        throw ApiException.conflict("HOLD_CONFLICT", "Hold " + holdId + " was made before for "
                                + first.points() + " points with reference " + first.reference() + " and ttlSeconds "
                                + firstTtl);
                    }
                    return new Decision<>(previous.get(), first, false);
                }));
    }

    /**
     * The ttlSeconds a hold was made with: its {@code holdExpiresAt} less the time of its decision
     * ({@link #hold} sets it {@code now + ttlSeconds}), to the nearest second, so that a repeat asking
     * another TTL (or none, the default, when the first asked another) is a conflict, not the first hold.
     */
    static long ttlOf(CloudEvent reserved, PointsReserved data) {
        return (Duration.between(reserved.time(), data.holdExpiresAt()).toMillis() + 500) / 1000;
    }

    /**
     * A capture: the hold's points are spent. A hold that has lapsed (the capture comes at or after
     * its {@code holdExpiresAt}) is not captured but released in the same decision, as the ledger's
     * job releases it ({@link #releaseLapsed}), and the capture is refused as one that comes after
     * that release: 409 HOLD_NOT_OPEN, state EXPIRED. So whether the job ran first does not change
     * the answer, and the hold's points are back at once.
     */
    public Uni<Decision<PointsSpent>> capture(String memberId, String holdId) {
        Instant now = clock.instant();
        String eventId = "points.spent:" + memberId + ":" + holdId;
        return decision(memberId, holdId, (decide, account) -> {
            List<Allocation> held = account.holds().get(holdId);
            if (held == null) {
                return repeated(decide, eventId, holdId, account, "captured", PointsSpent.class,
                        "points.released:" + memberId + ":" + holdId).map(Capture::made);
            }
            return decide.closeHold(store, memberId, holdId).map(closed -> {
                if (closed.isPresent() && closed.get().lapsedAt(now)) {
                    releaseLapsed(decide.writes(), account, holdId, held, now);
                    // Raised once the release is committed: it is written whatever the capture is told.
                    return Capture.refused(notOpen(account, holdId, ClosedHoldStates.EXPIRED, "captured"));
                }
                PointsSpent data = new PointsSpent(memberId, holdId, Allocation.total(held), held,
                        closed.map(AccountStore.ClosedHold::reference).orElse(null));
                return Capture.made(new Decision<>(record(decide.writes(), account, eventId, now, data), data, true));
            });
        }).map(Capture::answer);
    }

    /** What a capture's step decided: the capture, or a refusal to raise after its batch committed. */
    private record Capture(Decision<PointsSpent> decision, ApiException refusal) {

        static Capture made(Decision<PointsSpent> decision) {
            return new Capture(decision, null);
        }

        static Capture refused(ApiException refusal) {
            return new Capture(null, refusal);
        }

        Decision<PointsSpent> answer() {
            if (refusal != null) {
                throw refusal;
            }
            return decision;
        }
    }

    /**
     * A release: the hold's points are available again. A hold that has lapsed is released as the
     * ledger's job releases it (reason EXPIRED, {@link #releaseLapsed}), whatever {@code reason} the
     * caller gave, and the answer is the one a release gets after the job ran: that release, as a
     * repeat ({@code created} false).
     */
    public Uni<Decision<PointsReleased>> release(String memberId, String holdId, ReleaseReason reason) {
        Instant now = clock.instant();
        String eventId = releasedId(memberId, holdId);
        return decision(memberId, holdId, (decide, account) -> {
            List<Allocation> held = account.holds().get(holdId);
            if (held == null) {
                return repeated(decide, eventId, holdId, account, "released", PointsReleased.class,
                        "points.spent:" + memberId + ":" + holdId);
            }
            return decide.closeHold(store, memberId, holdId).map(closed -> {
                if (reason != ReleaseReason.EXPIRED && closed.isPresent() && closed.get().lapsedAt(now)) {
                    return releaseLapsed(decide.writes(), account, holdId, held, now).withCreated(false);
                }
                return giveBackHeld(decide.writes(), account, new PointsReleased(memberId, holdId,
                        Allocation.total(held), held, reason), now);
            });
        });
    }

    /**
     * Releases a hold closed at or after its expiry exactly as the ledger's job does
     * ({@link LedgerJobs#releaseExpiredHolds}, a release with reason EXPIRED): the same event under
     * the same id, and the same settlement of debt from the points it gives back.
     */
    private static Decision<PointsReleased> releaseLapsed(DecisionWrites writes, Account account, String holdId,
            List<Allocation> held, Instant now) {
        return giveBackHeld(writes, account, new PointsReleased(account.memberId(), holdId, Allocation.total(held),
                held, ReleaseReason.EXPIRED), now);
    }

    /** Records a closed hold's release, then pays open debt from the points it gives back. */
    private static Decision<PointsReleased> giveBackHeld(DecisionWrites writes, Account account, PointsReleased data,
            Instant now) {
        CloudEvent event = record(writes, account, releasedId(data.memberId(), data.holdId()), now, data);
        settleDebtFromGivenBack(writes, account, data.allocations(), PointsReversed.SETTLE_RELEASE + data.holdId(), now);
        return new Decision<>(event, data, true);
    }

    private static String releasedId(String memberId, String holdId) {
        return "points.released:" + memberId + ":" + holdId;
    }

    /**
     * A hold that is not open: the answer to a repeat of what closed it, or 409 HOLD_NOT_OPEN with
     * the problem's {@code state} saying how it closed ({@code otherwise}, the id of the other way to
     * close it): CAPTURED, RELEASED or EXPIRED; none for a hold the ledger does not know. A caller
     * whose release raced a capture learns the points were spent, and one whose capture raced a
     * release that they were not.
     */
    private <T extends PointsEvent> Uni<Decision<T>> repeated(DecisionBatches.Decide decide, String eventId,
            String holdId, Account account, String verb, Class<T> type, String otherwise) {
        return decide.decided(store, eventId).chain(previous -> {
            if (previous.isPresent()) {
                return Uni.createFrom().item(new Decision<>(previous.get(), type.cast(previous.get().data()), false));
            }
            return decide.decided(store, otherwise).map(closed -> {
                throw notOpen(account, holdId, closed.map(event -> ClosedHoldStates.of(event.data())).orElse(null),
                        verb);
            });
        });
    }

    /** 409 HOLD_NOT_OPEN, its {@code state} saying how the hold closed (null: unknown, or closed before). */
    private static ApiException notOpen(Account account, String holdId, String state, String verb) {
        return new ApiException(409, "HOLD_NOT_OPEN", "Hold not open", "Hold " + holdId + " of member "
                + account.memberId() + (state == null ? " is not open (unknown, or closed before)"
                : " was " + state.toLowerCase(java.util.Locale.ROOT) + " before") + ", so it cannot be " + verb)
                .withState(state);
    }

    // ---- returns of captured holds -----------------------------------------------------------

    /**
     * Gives back points of a captured hold (a cancelled redemption, a refund of an order paid with
     * points) to the lots its capture took them from, the latest-expiring first
     * ({@link Allocator#forReturn}): {@code points} null gives back all that earlier returns of the
     * hold have not. Once per {@code returnId} and member: the same again answers the first
     * decision; the same id for another hold, or with other points or another reference, is
     * {@code 409 RETURN_CONFLICT}. {@code reference} null takes the capture's.
     */
    public Uni<Decision<PointsReturned>> giveBack(String memberId, String holdId, String returnId, Long points,
            String reference) {
        Instant now = clock.instant();
        String eventId = "points.returned:" + memberId + ":" + returnId;
        return once(memberId, eventId, PointsReturned.class, first -> {
            if (!first.holdId().equals(holdId) || points != null && first.points() != points
                    || reference != null && !reference.equals(first.reference())) {
                throw ApiException.conflict("RETURN_CONFLICT", "Return " + returnId + " gave back " + first.points()
                        + " points of hold " + first.holdId() + " before, with reference " + first.reference());
            }
        }, (decide, account) -> decide.decided(store, "points.spent:" + memberId + ":" + holdId).chain(capture -> {
            if (capture.isEmpty()) {
                return notCaptured(decide, account, holdId);
            }
            PointsSpent spent = (PointsSpent) capture.get().data();
            return returnsOf(decide, memberId, holdId).map(before -> {
                long left = spent.points() - Allocation.total(before);
                long asked = points == null ? left : points;
                if (asked <= 0 || asked > left) {
                    throw ApiException.conflict("RETURN_EXCEEDS_SPENT", "Hold " + holdId + " of member " + memberId
                            + " spent " + spent.points() + " points, " + (spent.points() - left)
                            + " of them given back already; " + (points == null ? "nothing is left" : points
                            + " asked"));
                }
                AllocationPlan plan = Allocator.forReturn(account, spent.allocations(), before, asked);
                PointsReturned data = new PointsReturned(memberId, holdId, returnId, asked, plan.allocations(),
                        reference != null ? reference : spent.reference());
                CloudEvent event = record(decide.writes(), account, eventId, now, data);
                settleDebtFromGivenBack(decide.writes(), account, plan.allocations(), PointsReversed.SETTLE_RETURN + returnId, now);
                return new Decision<>(event, data, true);
            });
        }));
    }

    /** A hold with no capture: 409 HOLD_NOT_CAPTURED when the member made it, else 404. */
    private Uni<Decision<PointsReturned>> notCaptured(DecisionBatches.Decide decide, Account account, String holdId) {
        return decide.decided(store, reservedId(account.memberId(), holdId)).map(reserved -> {
            if (reserved.isEmpty()) {
                throw ApiException.notFound("Hold", holdId);
            }
            throw new ApiException(409, "HOLD_NOT_CAPTURED", "Hold not captured", "Hold " + holdId + " of member "
                    + account.memberId() + " was not captured (it is " + (account.holds().containsKey(holdId)
                    ? "open" : "released or expired") + "), so it spent nothing to give back");
        });
    }

    /** The allocations of the hold's returns so far: recorded before, and decided earlier in this batch. */
    private Uni<List<Allocation>> returnsOf(DecisionBatches.Decide decide, String memberId, String holdId) {
        return store.returnsOf(decide.connection(), memberId, holdId)
                .map(recorded -> withPending(decide, recorded, event -> event instanceof PointsReturned returned
                        && returned.memberId().equals(memberId) && returned.holdId().equals(holdId)))
                .map(returns -> returns.stream().flatMap(r -> ((PointsReturned) r).allocations().stream()).toList());
    }

    /**
     * Events a store query found, oldest first, and after them those decided earlier in this batch
     * (not written yet) that {@code sameQuery} would have found.
     */
    private static List<PointsEvent> withPending(DecisionBatches.Decide decide, List<CloudEvent> recorded,
            java.util.function.Predicate<PointsEvent> sameQuery) {
        List<PointsEvent> events = new java.util.ArrayList<>(recorded.size());
        for (CloudEvent event : recorded) {
            events.add((PointsEvent) event.data());
        }
        for (CloudEvent event : decide.writes().pending()) {
            if (event.data() instanceof PointsEvent data && sameQuery.test(data)) {
                events.add(data);
            }
        }
        return events;
    }

    // ---- reversals -------------------------------------------------------------------------

    public Uni<Decision<PointsReversed>> reverse(String memberId, String refundId, String orderId, String lotId,
            long points) {
        Instant now = clock.instant();
        String eventId = "points.reversed:" + memberId + ":" + refundId;
        return once(memberId, eventId, PointsReversed.class, first -> {
            // A settlement's id (orderId null) is refused at the edge; never a NullPointerException here.
            if (!orderId.equals(first.orderId()) || first.asked() != points) {
                throw ApiException.conflict("REVERSAL_CONFLICT", "Refund " + refundId + " reversed "
                        + first.asked() + " points of order " + first.orderId() + " before");
            }
        }, (decide, account) -> {
            if (lotId != null && account.lot(lotId) == null) {
                // The order's credit is still on its way (the log) while its refund came straight here:
                // taking the points from other lots now would leave the order's lot whole when it
                // comes. Not found: the caller tries again (earning's ReversalDispatcher does).
                throw new ApiException(404, "NOT_FOUND", "Not found", "Lot " + lotId + " of member " + memberId
                        + " is not in the ledger yet: its order's credit has not been applied; try again later");
            }
            return lapsed(decide, account, lotId, orderId, points).chain(lapsed -> {
                ReversalPlan plan = Allocator.forReversal(account, lotId, points, lapsed, now);
                PointsReversed data = PointsReversed.refund(memberId, orderId, refundId, plan);
                Decision<PointsReversed> decision = new Decision<>(record(decide.writes(), account, eventId, now, data),
                        data, true);
                return reviewTierAfterRefund(decide, account, data, eventId, now).replaceWith(decision);
            });
        });
    }

    /**
     * After a refund: qualifying points are net of refunds (V12), each taken off the order's credit
     * (V13: only a refund of an order credited within the window lowers them), so the refund may
     * leave the member below its tier. Then the ledger writes {@code tier.changed} down, and takes back the upgrade
     * bonus of each tier the member falls from ({@code points.reversed:<member>:tier-bonus:<TIER>},
     * once per tier and member, as the bonus was given): from the bonus lot first, then from other
     * lots, and what was spent of it as debt, as a refund takes. A bonus taken back is not given
     * again. Read only for a member above MEMBER.
     */
    private Uni<Void> reviewTierAfterRefund(DecisionBatches.Decide decide, Account account, PointsReversed refund,
            String refundEventId, Instant now) {
        Tier from = Tier.valueOf(account.tier());
        if (from == Tier.MEMBER || refund.asked() == 0) {
            return Uni.createFrom().voidItem();
        }
        String memberId = account.memberId();
        Instant since = qualifyingSince(now);
        // This batch's refunds of the member (this one included) are not in the entries yet.
        List<CloudEvent> pendingRefunds = decide.writes().pending().stream()
                .filter(event -> event.data() instanceof PointsReversed r && r.memberId().equals(memberId)
                        && r.debtSettled() == 0 && !r.refundId().startsWith(PointsReversed.TIER_BONUS_BACK))
                .toList();
        Set<String> orders = new TreeSet<>();
        pendingRefunds.forEach(event -> orders.add(((PointsReversed) event.data()).orderId()));
        SqlConnection c = decide.connection();
        return store.qualifyingPointsOf(c, List.of(memberId), since)
                .chain(sums -> store.orderCreditedAt(c, memberId, orders).map(creditedAt -> {
                    long net = sums.getOrDefault(memberId, 0L);
                    for (CloudEvent pending : pendingRefunds) {
                        PointsReversed r = (PointsReversed) pending.data();
                        // Off the order's credit, as qualifying_refund files it (V13): an order credited
                        // before the window counts no more, so its refund lowers nothing now.
                        if (!creditedAt.getOrDefault(r.orderId(), pending.time()).isBefore(since)) {
                            net -= r.asked();
                        }
                    }
                    return net;
                }))
                .chain(qualifying -> {
                    Tier to = tiers.thresholds().tierFor(Math.max(qualifying, 0));
                    if (to.atLeast(from)) {
                        return Uni.createFrom().voidItem();
                    }
                    String changeId = "tier.changed:" + memberId + ":" + refundEventId;
                    record(decide.writes(), account, changeId, now,
                            new TierChanged(memberId, from.name(), to.name(), Math.max(qualifying, 0)));
                    Uni<Void> takeBacks = Uni.createFrom().voidItem();
                    for (Tier lost : Tier.values()) {
                        // Each tier above the new one, up to the one it had.
                        if (lost.compareTo(to) > 0 && lost.compareTo(from) <= 0) {
                            takeBacks = takeBacks.chain(() -> takeBackBonus(decide, account, refund, lost, changeId, now));
                        }
                    }
                    return takeBacks;
                });
    }

    private Uni<Void> takeBackBonus(DecisionBatches.Decide decide, Account account, PointsReversed refund, Tier lost,
            String changeId, Instant now) {
        String memberId = account.memberId();
        Lot bonus = account.lot("tier-bonus-" + memberId + "-" + lost.name());
        String refundId = PointsReversed.TIER_BONUS_BACK + lost.name();
        String eventId = "points.reversed:" + memberId + ":" + refundId;
        if (bonus == null) {
            return Uni.createFrom().voidItem();
        }
        return decide.decided(store, eventId).chain(before -> !before.isEmpty() ? Uni.createFrom().item(true)
                : fellBelowSinceItsBonus(decide, memberId, lost, "points.earned:" + bonus.lotId(), changeId)).chain(skip -> {
            if (skip) {
                // Taken back before; or the member fell below the tier since its bonus and the upgrade
                // this refund undoes paid none (the bonus is given once): it kept that bonus.
                return Uni.createFrom().voidItem();
            }
            // What of the bonus expired left the member already: taking it again would take it twice.
            return expiredFrom(decide, account, bonus).invoke(expired -> {
                ReversalPlan plan = Allocator.forReversal(account, bonus.lotId(), bonus.points(), expired, now);
                record(decide.writes(), account, eventId, now,
                        PointsReversed.refund(memberId, refund.orderId(), refundId, plan));
            }).replaceWithVoid();
        });
    }

    /**
     * Whether the member fell below {@code tier} after the tier's bonus ({@code bonusEventId}) was
     * given, by the tier changes recorded so far and those decided earlier in this batch but
     * {@code changeId} (the fall being decided now).
     */
    private Uni<Boolean> fellBelowSinceItsBonus(DecisionBatches.Decide decide, String memberId, Tier tier,
            String bonusEventId, String changeId) {
        return store.tierChangesAnd(decide.connection(), memberId, bonusEventId).map(recorded -> {
            List<CloudEvent> history = new java.util.ArrayList<>(recorded);
            decide.writes().pending().stream()
                    .filter(event -> event.id().equals(bonusEventId) || event.data() instanceof TierChanged change
                            && change.memberId().equals(memberId) && !event.id().equals(changeId))
                    .forEach(history::add);
            boolean given = false;
            for (CloudEvent event : history) {
                if (event.id().equals(bonusEventId)) {
                    given = true;
                } else if (given && event.data() instanceof TierChanged change
                        && Tier.valueOf(change.to()).compareTo(tier) < 0) {
                    return true;
                }
            }
            return false;
        });
    }

    /**
     * What expired of {@code lot} ({@link Allocator#expiredFromLot}), from the member's expiries
     * recorded so far and those decided earlier in this batch; read only when the lot holds less
     * than it was credited.
     */
    private Uni<Long> expiredFrom(DecisionBatches.Decide decide, Account account, Lot lot) {
        if (lot.remaining() >= lot.points()) {
            return Uni.createFrom().item(0L);
        }
        return store.expiriesAndReversalsOf(decide.connection(), account.memberId())
                .map(recorded -> Allocator.expiredFromLot(lot.lotId(), withPending(decide, recorded,
                        event -> event.memberId().equals(account.memberId()) && event instanceof PointsExpired)));
    }

    /**
     * What expired of the order's lot that no reversal of the order counted yet
     * ({@link Allocator#lapsedFromLot}), from the member's expiries and reversals recorded so far and
     * those decided earlier in this batch. Read only when the lot holds less than the refund asks:
     * otherwise the refund takes it all from the lot and nothing is forgiven.
     */
    private Uni<Long> lapsed(DecisionBatches.Decide decide, Account account, String lotId, String orderId,
            long points) {
        Lot own = lotId == null ? null : account.lot(lotId);
        if (own == null || own.remaining() >= points) {
            return Uni.createFrom().item(0L);
        }
        return store.expiriesAndReversalsOf(decide.connection(), account.memberId())
                .map(recorded -> Allocator.lapsedFromLot(lotId, orderId, withPending(decide, recorded,
                        event -> event.memberId().equals(account.memberId())
                                && (event instanceof PointsExpired || event instanceof PointsReversed))));
    }

    /**
     * A decision made once under {@code eventId}: a repeat answers the first decision, after
     * {@code sameRequest} has checked it was asked for alike (it throws the conflict otherwise);
     * else {@code fresh} decides on the locked account.
     */
    private <T extends PointsEvent> Uni<Decision<T>> once(String memberId, String eventId, Class<T> type,
            java.util.function.Consumer<T> sameRequest, DecisionBatches.Step<Decision<T>> fresh) {
        return decision(memberId, null, (decide, account) -> decide.decided(store, eventId).chain(previous -> {
            if (previous.isEmpty()) {
                return fresh.on(decide, account);
            }
            T first = type.cast(previous.get().data());
            sameRequest.accept(first);
            return Uni.createFrom().item(new Decision<>(previous.get(), first, false));
        }));
    }

    // ---- adjustments ---------------------------------------------------------------------

    /**
     * Applies an approved adjustment on {@code connection}, inside the caller's transaction (which
     * also records the approval): a credit makes a new lot {@code adj-<id>} that lives
     * {@code lifetime}; a debit takes lots in spending order, or fails with 409 INSUFFICIENT_POINTS.
     * The caller wakes the relay after its commit ({@link #publishSoon()}).
     */
    public Uni<PointsAdjusted> adjustOn(SqlConnection connection, String memberId, String adjustmentId, long points,
            String reason, String requestedBy, String approvedBy, java.time.Duration lifetime) {
        Instant now = clock.instant();
        Uni<Void> ready = points > 0 ? store.createIfAbsent(connection, memberId, now) : Uni.createFrom().voidItem();
        return ready.chain(() -> store.lock(connection, memberId)).chain(found -> {
            Account account = found.orElseThrow(() -> ApiException.notFound("Account", memberId));
            PointsAdjusted data;
            if (points > 0) {
                data = new PointsAdjusted(memberId, adjustmentId, points, "adj-" + adjustmentId, now.plus(lifetime),
                        null, reason, requestedBy, approvedBy);
            } else {
                AllocationPlan plan = Allocator.forDebit(account.lots(), -points, now);
                ApiException refused = debitRefusal(account, "The adjustment", -points, plan, now);
                if (refused != null) {
                    throw refused;
                }
                data = new PointsAdjusted(memberId, adjustmentId, points, null, null, plan.allocations(), reason,
                        requestedBy, approvedBy);
            }
            DecisionWrites writes = new DecisionWrites();
            record(writes, account, "points.adjusted:" + adjustmentId, now, data);
            if (points > 0) {
                settleDebtFromLot(writes, account, data.lotId(), now);
            }
            return writes.flushAndSave(connection, store, List.of(account), now).replaceWith(data);
        });
    }

    /** Asks the relay to publish what was just committed. */
    public void publishSoon() {
        relay.wake();
    }

    // ---- expiry ----------------------------------------------------------------------------

    /**
     * Expires what is due on one account now; empty when nothing was (or is no longer) due. With
     * {@code points.expiry.require-reminder} (the default), a due lot whose last window's reminder
     * ({@code points.expiry.last-reminder-lead}, P7D) is missing or less than that lead old is not
     * expired but deferred ({@link ExpiryRule}, {@code expiry.deferred}); a lot that was deferred
     * expires in a {@code points.expired} of its own that says when it was to expire and when its
     * member was reminded (docs/contract-extensions.md, "Expiry reminders").
     */
    public Uni<Optional<PointsExpired>> expire(String memberId) {
        Instant now = clock.instant();
        return decision(memberId, null, (decide, account) -> {
            List<Lot> due = account.lotsDueForExpiry(now);
            if (due.isEmpty()) {
                // Saving (by the batch) moves next_expiry_at on, so the job stops finding this account.
                return Uni.createFrom().item(Optional.<PointsExpired>empty());
            }
            String expiredId = "points.expired:" + memberId + ":" + now.toEpochMilli();
            if (!requireReminder) {
                return Uni.createFrom().item(Optional.of(
                        expireOnTime(decide.writes(), account, expiredId, now, Allocator.forExpiry(account, now))));
            }
            SqlConnection c = decide.connection();
            return reminders.remindedAt(c, memberId, lastReminderLead.toSeconds())
                    .chain(remindedAt -> reminders.scheduledAt(c, memberId).chain(scheduledAt -> {
                        List<Allocation> onTime = new java.util.ArrayList<>();
                        List<PointsExpired> late = new java.util.ArrayList<>();
                        Uni<Void> deferrals = Uni.createFrom().voidItem();
                        for (Lot lot : due) {
                            Instant reminded = remindedAt.get(lot.lotId());
                            Instant deferTo = ExpiryRule.deferTo(lot.expiresAt(), reminded, lastReminderLead, now);
                            Allocation all = new Allocation(lot.lotId(), lot.remaining());
                            if (deferTo != null) {
                                ExpiryDeferred deferral = new ExpiryDeferred(memberId, lot.lotId(), lot.expiresAt(),
                                        deferTo, reminded);
                                record(decide.writes(), account, "expiry.deferred:" + memberId + ":" + lot.lotId() + ":"
                                        + lot.expiresAt().toEpochMilli(), now, deferral);
                                Instant first = scheduledAt.getOrDefault(lot.lotId(), lot.expiresAt());
                                deferrals = deferrals.chain(() -> reminders.deferred(c, memberId, lot.lotId(), first));
                            } else if (scheduledAt.containsKey(lot.lotId())) {
                                late.add(new PointsExpired(memberId, lot.remaining(), List.of(all),
                                        scheduledAt.get(lot.lotId()), reminded));
                            } else {
                                onTime.add(all);
                            }
                        }
                        PointsExpired first = onTime.isEmpty() ? null
                                : expireOnTime(decide.writes(), account, expiredId, now, onTime);
                        for (PointsExpired expiry : late) {
                            record(decide.writes(), account, expiredId + ":" + expiry.allocations().getFirst().lotId(),
                                    now, expiry);
                            first = first == null ? expiry : first;
                        }
                        return deferrals.replaceWith(Optional.ofNullable(first));
                    }));
        });
    }

    /**
     * Why a debit ({@code what}: a hold, an adjustment) of {@code plan} is refused, or null:
     * {@code 409 INSUFFICIENT_POINTS} when the points are not there; {@code 409 TOO_MANY_LOTS} when
     * they are, but in more lots than one event names ({@link LotLimits}), the detail saying how many
     * points a debit can take within the limit now.
     */
    private static ApiException debitRefusal(Account account, String what, long points, AllocationPlan plan,
            Instant now) {
        if (!plan.covered()) {
            return new ApiException(409, "INSUFFICIENT_POINTS", "Not enough points", "Member " + account.memberId()
                    + " has " + account.balance(now).available() + " points available; " + what.toLowerCase(Locale.ROOT)
                    + " takes " + points);
        }
        if (!LotLimits.fits(plan.allocations())) {
            return new ApiException(409, "TOO_MANY_LOTS", "Too many lots for one debit", what + " of " + points
                    + " points would take " + plan.allocations().size() + " lots of member " + account.memberId()
                    + "; one debit takes at most " + LotLimits.PER_EVENT + " lots, which hold "
                    + LotLimits.pointsThatFit(plan.allocations()) + " points now: debit at most that many at a time");
        }
        return null;
    }

    /**
     * Expires {@code due} on time: one {@code points.expired} under {@code eventId}, or, over more
     * lots than one event names ({@link LotLimits}), one a part ({@code eventId}, then
     * {@code eventId#2}, ...), all in the same decision. Answers the first.
     */
    private static PointsExpired expireOnTime(DecisionWrites writes, Account account, String eventId, Instant now,
            List<Allocation> due) {
        List<List<Allocation>> parts = LotLimits.parts(due);
        PointsExpired first = null;
        for (int i = 0; i < parts.size(); i++) {
            PointsExpired part = new PointsExpired(account.memberId(), Allocation.total(parts.get(i)), parts.get(i));
            record(writes, account, LotLimits.partId(eventId, i), now, part);
            first = first == null ? part : first;
        }
        return first;
    }

    // ---- the shared steps ------------------------------------------------------------------

    /**
     * Runs {@code step} on the locked account in the next batch of decisions (see
     * {@link DecisionBatches}; {@code closesHold}: the hold it closes, or null), then wakes the relay.
     */
    private <R> Uni<R> decision(String memberId, String closesHold, DecisionBatches.Step<R> step) {
        return decisions.submit(memberId, closesHold, step).invoke(result -> relay.wake());
    }

    /**
     * Applies a decided event to the locked account and adds it to {@code writes}, for the history
     * and the outbox; an id decided before fails the transaction when they are written
     * ({@link AlreadyDecided}).
     */
    private static CloudEvent record(DecisionWrites writes, Account account, String eventId, Instant now,
            PointsEvent data) {
        CloudEvent event = CloudEvent.of(eventId, SOURCE, data.memberId(), now, data);
        // Gathered first: a decision whose event the fold then refuses has changed something, and
        // its batch is made again with savepoints (DecisionBatches).
        writes.record(event);
        account.apply(data);
        return event;
    }

    private static String reservedId(String memberId, String holdId) {
        return "points.reserved:" + memberId + ":" + holdId;
    }

    /** The magnitude an entry shows. */
    static long pointsOf(PointsEvent data) {
        return switch (data) {
            case PointsEarned e -> e.points();
            case PointsReserved e -> e.points();
            case PointsReleased e -> e.points();
            case PointsSpent e -> e.points();
            case PointsReturned e -> e.points();
            case PointsExpired e -> e.points();
            case PointsReversed e -> e.points();
            case PointsAdjusted e -> Math.abs(e.points());
            case TierChanged e -> 0;
            case ExpiryDeferred e -> 0;
        };
    }

    static String referenceOf(PointsEvent data) {
        return switch (data) {
            case PointsEarned e -> e.origin().kind() + ":" + e.origin().ref();
            case PointsReserved e -> e.reference();
            case PointsReleased e -> e.reason().name();
            case PointsSpent e -> e.reference();
            case PointsReturned e -> e.reference();
            case PointsExpired e -> null;
            case PointsReversed e -> e.debtSettled() > 0 ? "debt settlement" : e.orderId() + "/" + e.refundId();
            case PointsAdjusted e -> e.adjustmentId();
            case TierChanged e -> e.from() + "→" + e.to();
            case ExpiryDeferred e -> e.lotId() + " " + e.scheduledAt() + "→" + e.expiresAt();
        };
    }
}
