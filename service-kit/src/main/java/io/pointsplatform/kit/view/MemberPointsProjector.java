package io.pointsplatform.kit.view;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountFigures;
import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.InvariantViolation;
import io.pointsplatform.events.Lot;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.PointsReturned;
import io.pointsplatform.kit.inbox.Batches.Refusal;
import io.pointsplatform.kit.inbox.ProcessedEvents;
import io.pointsplatform.kit.view.MemberPointsStore.Key;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies events of {@code points.ledger} to the view ({@link MemberPointsStore}'s tables), once per
 * event id, a batch at a time: one transaction and a fixed handful of statements whatever the
 * batch's size, each reading or writing only the rows the batch's events name.
 *
 * <p>In that transaction: every event id is marked processed (one statement, which tells the new
 * ones from the repeats); the touched members' figures are locked (one statement, in member order)
 * and the lots and holds the new events name are read (with, for a {@code points.returned}, the open
 * holds on the lots it names, which the whole account consults); the events are folded in record order with
 * the shared {@link Account#apply}, on {@link Account#restorePart parts} of the accounts; and what
 * changed is written: figures, new lots, lots whose remaining moved, holds opened, moved (a refund's
 * {@code holdsMoved}) and closed. The
 * marks and the rows commit together, so an event is applied exactly once however often Kafka
 * delivers it.
 *
 * <p>An event the fold refuses leaves its account as it was and is not marked (its mark is taken
 * back in the same transaction): it is returned to the caller as a {@link Refusal}, and the rest of
 * the batch is applied.
 */
@ApplicationScoped
public class MemberPointsProjector {

    /** The most events one transaction applies: the arrays bound to each statement have this many. */
    public static final int MAX_BATCH = 1_000;

    private final Pool pool;
    private final ProcessedEvents processed;
    private final Clock clock;
    /** Records older than this are told repeats by the saved offset: their marks may be gone. */
    private final java.time.Duration marksKept;

    @jakarta.inject.Inject
    public MemberPointsProjector(Pool pool, ProcessedEvents processed, Clock clock,
            @org.eclipse.microprofile.config.inject.ConfigProperty(name = "points.member-view.marks-retention",
                    defaultValue = "P7D") java.time.Duration marksRetention) {
        this.pool = pool;
        this.processed = processed;
        this.clock = clock;
        // A day's margin below the marks' retention: a record's mark is surely there till then.
        this.marksKept = marksRetention.minusDays(1).isNegative() ? java.time.Duration.ZERO : marksRetention.minusDays(1);
    }

    public MemberPointsProjector(Pool pool, ProcessedEvents processed, Clock clock) {
        this(pool, processed, clock, java.time.Duration.ofDays(7));
    }

    /** What a batch did: events applied, repeats skipped, and the events the fold refused. */
    public record Outcome(int applied, int repeats, List<Refusal> refused) {
    }

    /** Where an event was read: its record's topic, partition and offset, and the record's timestamp (epoch ms). */
    public record Position(String topic, int partition, long offset, long timestamp) {

        /** Where {@code record} was read. */
        public static Position of(org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> record) {
            return new Position(record.topic(), record.partition(), record.offset(), record.timestamp());
        }
    }

    private static final String READ_OFFSETS = "select kafka_partition, next_offset from member_view_offset"
            + " where topic = $1 and kafka_partition = any($2::int[])";
    private static final String SAVE_OFFSETS = "insert into member_view_offset as o (topic, kafka_partition, next_offset)"
            + " select * from unnest($1::text[], $2::int[], $3::bigint[])"
            + " on conflict (topic, kafka_partition) do update"
            + " set next_offset = greatest(o.next_offset, excluded.next_offset)";

    /**
     * Applies the events, in their order, in one transaction of its own. Every event must carry a
     * {@link PointsEvent}; at most {@link #MAX_BATCH} of them. Fails (and changes nothing) only for
     * something no single event is to blame for, e.g. the database, or a stored row it cannot read.
     */
    public Uni<Outcome> apply(List<CloudEvent> events) {
        return apply(events, null);
    }

    /**
     * As {@link #apply(List)}, for events read from the log at {@code positions} (one each, in the
     * same order; all of one topic): a record older than the marks' retention (less a day) and
     * before its partition's offset that the view saved with an earlier batch
     * ({@code member_view_offset}) is a repeat, its mark being perhaps gone, and the offsets after
     * this batch's events are saved in its transaction. A younger record is told by its mark, as
     * before: one the fold refused has its mark forgotten and is refused again when it comes again
     * (so that it is dead-lettered, and notification notices nothing of it). The marks are kept a
     * week; the offsets for ever, so a consumer group that starts again at the log's beginning
     * (Kafka forgets an idle group's offsets after a week) applies nothing twice.
     */
    public Uni<Outcome> apply(List<CloudEvent> events, List<Position> positions) {
        if (events.size() > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " events a batch, got " + events.size());
        }
        if (positions != null && positions.size() != events.size()) {
            throw new IllegalArgumentException(positions.size() + " positions for " + events.size() + " events");
        }
        if (events.isEmpty()) {
            return Uni.createFrom().item(new Outcome(0, 0, List.of()));
        }
        long oldest = clock.instant().minus(marksKept).toEpochMilli();
        return pool.withTransaction(connection -> readBefore(connection, positions, events.size(), oldest)
                .chain(before -> {
                    Set<String> ids = new LinkedHashSet<>();
                    for (int i = 0; i < events.size(); i++) {
                        if (!before[i]) {
                            ids.add(events.get(i).id());
                        }
                    }
                    return processed.firstTimes(connection, ids)
                            .chain(fresh -> fresh.isEmpty()
                                    ? Uni.createFrom().item(new Outcome(0, events.size(), List.of()))
                                    : foldAndSave(connection, events, fresh, before));
                })
                .call(() -> saveOffsets(connection, positions)));
    }

    /** For each event, whether it is older than the marks and before its partition's saved offset (all false without positions). */
    private static Uni<boolean[]> readBefore(SqlConnection connection, List<Position> positions, int events,
            long oldest) {
        if (positions == null) {
            return Uni.createFrom().item(new boolean[events]);
        }
        Set<Integer> partitions = new TreeSet<>();
        for (Position position : positions) {
            partitions.add(position.partition());
        }
        return connection.preparedQuery(READ_OFFSETS)
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(positions.getFirst().topic(),
                        partitions.toArray(Integer[]::new)))
                .map(rows -> {
                    Map<Integer, Long> next = new HashMap<>();
                    rows.forEach(row -> next.put(row.getInteger("kafka_partition"), row.getLong("next_offset")));
                    boolean[] before = new boolean[positions.size()];
                    for (int i = 0; i < before.length; i++) {
                        Position position = positions.get(i);
                        before[i] = position.timestamp() < oldest
                                && position.offset() < next.getOrDefault(position.partition(), 0L);
                    }
                    return before;
                });
    }

    private static Uni<Void> saveOffsets(SqlConnection connection, List<Position> positions) {
        if (positions == null) {
            return Uni.createFrom().voidItem();
        }
        Map<Integer, Long> next = new java.util.TreeMap<>();
        for (Position position : positions) {
            next.merge(position.partition(), position.offset() + 1, Math::max);
        }
        String topic = positions.getFirst().topic();
        return connection.preparedQuery(SAVE_OFFSETS).execute(io.vertx.mutiny.sqlclient.Tuple.of(
                        next.keySet().stream().map(p -> topic).toArray(String[]::new),
                        next.keySet().toArray(Integer[]::new), next.values().toArray(Long[]::new)))
                .replaceWithVoid();
    }

    /**
     * The member's account as the view has it, with every lot that has points left and every open
     * hold (what balances, eligibility and expiry dates are computed from), or empty if the log has
     * not mentioned the member yet.
     */
    public Uni<Optional<Account>> find(String memberId) {
        return MemberPointsStore.member(pool, memberId).map(member -> member.figures() == null ? Optional.empty()
                : Optional.of(Account.restorePart(member.figures(), member.liveLots(), member.holds())));
    }

    private Uni<Outcome> foldAndSave(SqlConnection connection, List<CloudEvent> events, Set<String> fresh,
            boolean[] before) {
        Names names = new Names();
        for (int i = 0; i < events.size(); i++) {
            if (fresh.contains(events.get(i).id()) && !before[i]) {
                names.add(points(events.get(i)));
            }
        }
        return MemberPointsStore.lockFigures(connection, List.copyOf(names.members))
                .chain(figures -> MemberPointsStore.lots(connection, List.copyOf(names.lots))
                        .chain(lots -> MemberPointsStore.holds(connection, List.copyOf(names.holds),
                                List.copyOf(names.returnedLots))
                                .chain(holds -> {
                                    Fold fold = new Fold(figures, lots, holds);
                                    for (int position = 0; position < events.size(); position++) {
                                        if (!before[position]) {
                                            fold.apply(position, events.get(position), fresh);
                                        }
                                    }
                                    return processed.forget(connection, fold.refusedIds(events))
                                            .chain(() -> save(connection, fold))
                                            .replaceWith(fold.outcome(events.size()));
                                })));
    }

    private Uni<Void> save(SqlConnection connection, Fold fold) {
        Changes changes = fold.changes();
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return MemberPointsStore.updateFigures(connection, changes.updatedFigures, now)
                .chain(() -> MemberPointsStore.insertFigures(connection, changes.createdFigures, now))
                .chain(() -> MemberPointsStore.insertLots(connection, changes.createdLotOwners, changes.createdLots))
                .chain(() -> MemberPointsStore.updateRemaining(connection, changes.movedLotOwners, changes.movedLots))
                .chain(() -> MemberPointsStore.putHolds(connection, changes.openedHolds))
                .chain(() -> MemberPointsStore.deleteHolds(connection, changes.closedHolds));
    }

    private static PointsEvent points(CloudEvent event) {
        if (event.data() instanceof PointsEvent pointsEvent) {
            return pointsEvent;
        }
        throw new IllegalArgumentException("event " + event.id() + " of type " + event.type()
                + " is not a points event");
    }

    /**
     * The members, lots and holds some events name: the rows a batch reads, and those it may change.
     * Besides, the lots that a {@code points.returned} gives points back to ({@link #returnedLots}):
     * the whole account refuses a return to a lot that would leave no room for the open holds taking
     * from it ({@code returns … and N held}), so the open holds on those lots, whichever hold they
     * are, are read too ({@link MemberPointsStore#holds}), as {@link Account#restorePart} asks. They
     * are only read: no event of the batch that does not name them changes them.
     */
    private static final class Names {
        final Set<String> members = new TreeSet<>();
        final Set<Key> lots = new LinkedHashSet<>();
        final Set<Key> holds = new LinkedHashSet<>();
        final Set<Key> returnedLots = new LinkedHashSet<>();

        void add(PointsEvent event) {
            members.add(event.memberId());
            for (String lotId : Account.lotsNamedBy(event)) {
                lots.add(new Key(event.memberId(), lotId));
                if (event instanceof PointsReturned) {
                    returnedLots.add(new Key(event.memberId(), lotId));
                }
            }
            for (String holdId : Account.holdsNamedBy(event)) {
                holds.add(new Key(event.memberId(), holdId));
            }
        }
    }

    /** The rows a batch writes, as statement arguments. */
    private static final class Changes {
        final List<AccountFigures> updatedFigures = new ArrayList<>();
        final List<AccountFigures> createdFigures = new ArrayList<>();
        final List<String> createdLotOwners = new ArrayList<>();
        final List<Lot> createdLots = new ArrayList<>();
        final List<String> movedLotOwners = new ArrayList<>();
        final List<Lot> movedLots = new ArrayList<>();
        final Map<Key, List<Allocation>> openedHolds = new LinkedHashMap<>();
        final List<Key> closedHolds = new ArrayList<>();
    }

    /**
     * The batch's accounts as the fold leaves them. Pure arithmetic on what was read: an event
     * applies if its id is new to the table and not applied earlier in this batch; a refused one
     * leaves its account whole ({@link Account#apply} checks before it changes anything).
     */
    private static final class Fold {
        final Map<String, AccountFigures> storedFigures;
        final Map<Key, Lot> storedLots;
        final Map<Key, List<Allocation>> storedHolds;
        final Map<String, List<Lot>> lotsByMember = new HashMap<>();
        final Map<String, Map<String, List<Allocation>>> holdsByMember = new HashMap<>();
        final Map<String, Account> accounts = new HashMap<>();
        /** What the applied events name: the rows that may have changed. */
        final Names touched = new Names();
        final Set<String> appliedIds = new HashSet<>();
        final List<Refusal> refused = new ArrayList<>();

        Fold(Map<String, AccountFigures> figures, Map<Key, Lot> lots, Map<Key, List<Allocation>> holds) {
            this.storedFigures = figures;
            this.storedLots = lots;
            this.storedHolds = holds;
            lots.forEach((key, lot) -> lotsByMember.computeIfAbsent(key.memberId(), m -> new ArrayList<>()).add(lot));
            holds.forEach((key, allocations) -> holdsByMember.computeIfAbsent(key.memberId(), m -> new HashMap<>())
                    .put(key.id(), allocations));
        }

        void apply(int position, CloudEvent event, Set<String> fresh) {
            if (!fresh.contains(event.id()) || appliedIds.contains(event.id())) {
                return;
            }
            PointsEvent data = points(event);
            Account account = accounts.computeIfAbsent(data.memberId(), this::restore);
            try {
                account.apply(data);
            } catch (InvariantViolation refusal) {
                refused.add(new Refusal(position, refusal));
                return;
            }
            appliedIds.add(event.id());
            touched.add(data);
        }

        /** The part of the member's account this batch's events name. */
        private Account restore(String memberId) {
            AccountFigures figures = storedFigures.get(memberId);
            return Account.restorePart(figures == null ? new Account(memberId).figures() : figures,
                    lotsByMember.getOrDefault(memberId, List.of()), holdsByMember.getOrDefault(memberId, Map.of()));
        }

        Set<String> refusedIds(List<CloudEvent> events) {
            Set<String> ids = new HashSet<>();
            for (Refusal refusal : refused) {
                String id = events.get(refusal.position()).id();
                if (!appliedIds.contains(id)) {
                    ids.add(id);
                }
            }
            return ids;
        }

        Outcome outcome(int events) {
            return new Outcome(appliedIds.size(), events - appliedIds.size() - refused.size(), List.copyOf(refused));
        }

        Changes changes() {
            Changes changes = new Changes();
            for (String memberId : touched.members) {
                AccountFigures figures = accounts.get(memberId).figures();
                (storedFigures.containsKey(memberId) ? changes.updatedFigures : changes.createdFigures).add(figures);
            }
            for (Key key : touched.lots) {
                Lot now = accounts.get(key.memberId()).lot(key.id());
                Lot before = storedLots.get(key);
                if (before == null) {
                    changes.createdLotOwners.add(key.memberId());
                    changes.createdLots.add(now);
                } else if (before.remaining() != now.remaining() || !before.expiresAt().equals(now.expiresAt())) {
                    changes.movedLotOwners.add(key.memberId());
                    changes.movedLots.add(now);
                }
            }
            for (Key key : touched.holds) {
                List<Allocation> now = accounts.get(key.memberId()).holds().get(key.id());
                List<Allocation> before = storedHolds.get(key);
                if (now == null && before != null) {
                    changes.closedHolds.add(key);
                } else if (now != null && !now.equals(before)) {
                    changes.openedHolds.put(key, now);
                }
            }
            return changes;
        }
    }
}
