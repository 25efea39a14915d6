package io.pointsplatform.ledger.account.repository;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountSnapshots;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.PointsExpired;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsReturned;
import io.pointsplatform.events.PointsReversed;
import io.pointsplatform.events.TierChanged;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The ledger's tables, on a connection inside the caller's transaction. Only queries: what to
 * decide and in which order is {@code LedgerBook}'s.
 */
@ApplicationScoped
public class AccountStore {

    /** An applied event as the entries list shows it. */
    public record Entry(long seq, String type, long points, String reference, CloudEvent event) {
    }

    /**
     * Saves accounts, one statement for all: a new version always; the snapshot, with the seq of the
     * member's last entry (all of them written before this statement, under the row lock), only
     * where the snapshot given is not null. Otherwise the row keeps its snapshot, and the entries
     * written since stand for the rest. (One statement, not one per account: at a few hundred
     * accounts a transaction, each statement's own cost was most of the save.)
     */
    private static final String SAVE_ALL = "update member_points m"
            + " set snapshot = coalesce(convert_from(u.snapshot, 'UTF8'), m.snapshot),"
            + " snapshot_seq = case when u.snapshot is null then m.snapshot_seq"
            + " else (select coalesce(max(e.seq), 0) from entry e where e.member_id = m.member_id) end,"
            + " updated_at = $3, next_expiry_at = u.next_expiry, version = nextval('member_points_version')"
            + " from unnest($1::text[], $2::bytea[], $4::timestamptz[]) as u(member_id, snapshot, next_expiry)"
            + " where m.member_id = u.member_id returning m.member_id, m.version";

    /** Locks the accounts in member id order and reads each one's version. */
    private static final String LOCK_ALL = "select m.member_id, m.version"
            + " from member_points m join unnest($1::text[]) as c(id) on m.member_id = c.id"
            + " order by m.member_id for update of m";

    /**
     * The accounts' snapshots, each with the events of the member's entries written after it, in
     * the order they were written (V9): one statement, so one view of both, locked or not.
     */
    private static final String READ_ALL = "select m.member_id, m.snapshot, array(select e.event from entry e"
            + " where e.member_id = m.member_id and e.seq > m.snapshot_seq order by e.seq) as pending"
            + " from member_points m where m.member_id = any($1)";

    /** Fewest events after its snapshot before an account's snapshot is written again. */
    static final int MIN_EVENTS_PER_SNAPSHOT = 16;

    private final EventCodec codec;
    private final AccountCache cache;
    private final int maxEventsPerSnapshot;

    public AccountStore(EventCodec codec, AccountCache cache,
                        @ConfigProperty(name = "points.ledger.snapshot.max-events", defaultValue = "512") int maxEventsPerSnapshot) {
        if (maxEventsPerSnapshot < 1) {
            throw new IllegalArgumentException("points.ledger.snapshot.max-events must be at least 1, was "
                    + maxEventsPerSnapshot);
        }
        this.codec = codec;
        this.cache = cache;
        this.maxEventsPerSnapshot = maxEventsPerSnapshot;
    }

    /** The account as last committed, no lock taken; empty when the member has none yet. */
    public Uni<Optional<Account>> read(SqlClient client, String memberId) {
        return readAll(client, List.of(memberId)).map(accounts -> Optional.ofNullable(accounts.get(memberId)));
    }

    /**
     * The accounts of these members as last committed, each its snapshot with the entries written
     * after it applied; members without one are left out. No lock taken, unless the caller holds
     * the rows' locks already.
     */
    public Uni<Map<String, Account>> readAll(SqlClient client, Collection<String> memberIds) {
        return client.preparedQuery(READ_ALL).execute(Tuple.of((Object) memberIds.toArray(String[]::new))).map(rows -> {
            Map<String, Account> accounts = new HashMap<>();
            for (Row row : rows) {
                Account account = AccountSnapshots.fromJson(row.getString("snapshot"));
                for (String event : row.getArrayOfStrings("pending")) {
                    account.apply((PointsEvent) codec.read(event).data());
                }
                accounts.put(account.memberId(), account);
            }
            return accounts;
        });
    }

    /** The account, row-locked until the transaction ends; empty when the member has none yet. */
    public Uni<Optional<Account>> lock(SqlConnection connection, String memberId) {
        return lockAll(connection, List.of(memberId)).map(accounts -> Optional.ofNullable(accounts.get(memberId)));
    }

    /**
     * The accounts of these members, row-locked in member id order; members without one are left
     * out. An account the ledger saved last and still holds under the version the lock read
     * ({@link AccountCache}) is taken from memory; the others are read once their rows are locked
     * (a statement of their own: one that waited for a lock would see the row as it is now but
     * the entries as they were when it began). The caller owns what it gets, and {@link #saveAll}
     * puts it back.
     */
    public Uni<Map<String, Account>> lockAll(SqlConnection connection, Collection<String> memberIds) {
        return connection.preparedQuery(LOCK_ALL).execute(Tuple.of((Object) memberIds.toArray(String[]::new))).chain(rows -> {
            Map<String, Account> accounts = new HashMap<>();
            List<String> missed = new ArrayList<>();
            for (Row row : rows) {
                String memberId = row.getString("member_id");
                Account account = cache.take(memberId, row.getLong("version"));
                if (account != null) {
                    accounts.put(memberId, account);
                } else {
                    cache.missed();
                    missed.add(memberId);
                }
            }
            if (missed.isEmpty()) {
                return Uni.createFrom().item(accounts);
            }
            return readAll(connection, missed).map(read -> {
                accounts.putAll(read);
                return accounts;
            });
        });
    }

    /** {@link #createIfAbsent} for several members in one statement. */
    public Uni<Void> createAllIfAbsent(SqlConnection connection, Collection<String> memberIds, Instant now) {
        if (memberIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String[] ids = memberIds.toArray(String[]::new);
        Buffer[] snapshots = memberIds.stream().map(id -> snapshot(new Account(id))).toArray(Buffer[]::new);
        return connection.preparedQuery("insert into member_points (member_id, snapshot, updated_at)"
                        + " select id, convert_from(snapshot, 'UTF8'), $3 from unnest($1::text[], $2::bytea[]) as t(id, snapshot)"
                        + " order by id on conflict (member_id) do nothing")
                .execute(Tuple.of(ids, snapshots, utc(now)))
                .replaceWithVoid();
    }

    /** Which of these event ids were applied before (no lock taken). */
    public Uni<Set<String>> appliedAmong(SqlConnection connection, Collection<String> eventIds) {
        return connection.preparedQuery("select event_id from entry where event_id = any($1)")
                .execute(Tuple.of(eventIds.toArray(String[]::new)))
                .map(rows -> {
                    Set<String> applied = new HashSet<>();
                    for (Row row : rows) {
                        applied.add(row.getString("event_id"));
                    }
                    return applied;
                });
    }

    /**
     * Records events in their accounts' histories in one statement, in the order given; returns the
     * ids recorded now, leaving out those recorded before.
     */
    public Uni<Set<String>> recordEntries(SqlConnection connection, List<CloudEvent> events,
            ToLongFunction<PointsEvent> pointsOf, Function<PointsEvent, String> referenceOf) {
        return connection.preparedQuery("insert into entry (member_id, event_id, type, points, reference, event, occurred_at, hold_id)"
                        + " select m, i, t, p, r, convert_from(d, 'UTF8'), o, h from unnest($1::text[], $2::text[], $3::text[],"
                        + " $4::bigint[], $5::text[], $6::bytea[], $7::timestamptz[], $8::text[])"
                        + " with ordinality as e(m, i, t, p, r, d, o, h, n)"
                        + " order by n on conflict (event_id) do nothing returning event_id")
                .execute(Tuple.from(entryColumns(events, pointsOf, referenceOf)))
                .map(rows -> {
                    Set<String> recorded = new HashSet<>();
                    rows.forEach(row -> recorded.add(row.getString(0)));
                    return recorded;
                });
    }

    /** The columns of {@code entry} for these events, as arrays for {@code unnest}: $1 … $8 of the statements above. */
    private Object[] entryColumns(List<CloudEvent> events, ToLongFunction<PointsEvent> pointsOf,
            Function<PointsEvent, String> referenceOf) {
        int n = events.size();
        String[] members = new String[n];
        String[] ids = new String[n];
        String[] types = new String[n];
        Long[] points = new Long[n];
        String[] references = new String[n];
        // The events' JSON as UTF-8 bytes, for convert_from: the client encodes a text parameter
        // character by character (see snapshot()).
        Buffer[] documents = new Buffer[n];
        OffsetDateTime[] times = new OffsetDateTime[n];
        String[] holds = new String[n];
        for (int i = 0; i < n; i++) {
            CloudEvent event = events.get(i);
            PointsEvent data = (PointsEvent) event.data();
            members[i] = event.subject();
            ids[i] = event.id();
            types[i] = event.type();
            points[i] = pointsOf.applyAsLong(data);
            String reference = referenceOf.apply(data);
            references[i] = reference == null ? "" : reference;
            documents[i] = Buffer.buffer(codec.writeBytes(event));
            times[i] = utc(event.time());
            // A hold's opening and its returns: whose hold an id is (HoldOwners), what it gave back (returnsOf).
            holds[i] = data instanceof PointsReserved hold ? hold.holdId()
                    : data instanceof PointsReturned returned ? returned.holdId() : null;
        }
        return new Object[] {members, ids, types, points, references, documents, times, holds};
    }

    /**
     * Points credited by points.earned since {@code since}, tier bonuses left out, net of what
     * refunds took back of orders (what tiers are measured by), of several members in one query;
     * members without any are left out. Whole months after the one {@code since} falls in come from
     * {@code qualifying_month}; that month from the entries at or after {@code since} (V7); refunds
     * from {@code qualifying_refund}, those whose order was credited at or after {@code since}, as
     * the credits themselves are counted (V13; a refund of an order credited before the window
     * lowers nothing now, whenever it was made).
     */
    public Uni<Map<String, Long>> qualifyingPointsOf(SqlConnection connection, Collection<String> memberIds,
            Instant since) {
        if (memberIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        LocalDate month = since.atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1);
        return connection.preparedQuery("select member_id, sum(points) as total from ("
                        + " select member_id, points from qualifying_month where member_id = any($1) and month > $3"
                        + " union all"
                        + " select member_id, points from entry where member_id = any($1) and type = 'points.earned'"
                        + " and occurred_at >= $2 and occurred_at < $4 and reference not like 'TIER_BONUS:%'"
                        // Net of refunds (V13): those of the credits the window counts, by the credit's time.
                        + " union all"
                        + " select member_id, -points from qualifying_refund where member_id = any($1)"
                        + " and credited_at >= $2"
                        + ") q group by member_id")
                .execute(Tuple.of(memberIds.toArray(String[]::new), utc(since), month,
                        utc(month.plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant())))
                .map(rows -> {
                    Map<String, Long> totals = new HashMap<>();
                    rows.forEach(row -> totals.put(row.getString("member_id"), row.getLong("total")));
                    return totals;
                });
    }

    /**
     * Saves changed accounts, in one statement, each with a new version; then keeps each in
     * {@link AccountCache} under it (a transaction that rolls back leaves the committed version,
     * which no kept account has). An account's snapshot is written only when it is {@link
     * #snapshotDue due}; until then its entries after the last one stand for the rest. Runs after
     * every entry of the transaction is written. The caller changes them no more.
     */
    public Uni<Void> saveAll(SqlConnection connection, List<Account> accounts, Instant now) {
        if (accounts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int n = accounts.size();
        String[] memberIds = new String[n];
        Buffer[] snapshots = new Buffer[n];
        OffsetDateTime[] nextExpiries = new OffsetDateTime[n];
        Map<String, Integer> positions = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            Account account = accounts.get(i);
            if (positions.put(account.memberId(), i) != null) {
                throw new IllegalArgumentException("account " + account.memberId() + " given twice");
            }
            memberIds[i] = account.memberId();
            snapshots[i] = snapshotDue(account) ? snapshot(account) : null;
            nextExpiries[i] = utc(account.nextExpiry());
        }
        return connection.preparedQuery(SAVE_ALL).execute(Tuple.of(memberIds, snapshots, utc(now), nextExpiries))
                .invoke(rows -> {
                    if (rows.rowCount() != n) {
                        throw new IllegalStateException("saved " + rows.rowCount() + " of " + n + " accounts");
                    }
                    // Rows come back in no particular order.
                    for (Row row : rows) {
                        int i = positions.get(row.getString("member_id"));
                        if (snapshots[i] != null) {
                            accounts.get(i).markSnapshot();
                        }
                        cache.put(memberIds[i], row.getLong("version"), accounts.get(i));
                    }
                }).replaceWithVoid();
    }

    /**
     * Whether a save writes the account's snapshot: when the events after the last one reach a
     * quarter of its lots, at least {@value #MIN_EVENTS_PER_SNAPSHOT} and at most
     * {@code points.ledger.snapshot.max-events}. Writing one costs in proportion to the lots;
     * reading an account not kept in memory, in proportion to those events too: both stay a few
     * lots' worth per event, whatever the account's size.
     */
    boolean snapshotDue(Account account) {
        int due = Math.min(maxEventsPerSnapshot, Math.max(MIN_EVENTS_PER_SNAPSHOT, account.lotCount() / 4));
        return account.eventsSinceSnapshot() >= due;
    }

    /** Creates an empty account unless one exists (a credit's first arrival). */
    public Uni<Void> createIfAbsent(SqlConnection connection, String memberId, Instant now) {
        Account account = new Account(memberId);
        return connection.preparedQuery("insert into member_points (member_id, snapshot, updated_at)"
                        + " values ($1, convert_from($2, 'UTF8'), $3) on conflict (member_id) do nothing")
                .execute(Tuple.of(memberId, snapshot(account), utc(now)))
                .replaceWithVoid();
    }

    /**
     * Records events the ledger decided in their accounts' histories and, those new there, in the
     * outbox, in the order given: one statement. Returns how many were new (an id recorded before
     * writes nothing).
     */
    public Uni<Integer> recordDecisions(SqlConnection connection, List<CloudEvent> events,
            ToLongFunction<PointsEvent> pointsOf, Function<PointsEvent, String> referenceOf, String topic) {
        Object[] columns = Arrays.copyOf(entryColumns(events, pointsOf, referenceOf), 9);
        columns[8] = topic;
        return connection.preparedQuery("with d as (select m, i, t, p, r, convert_from(b, 'UTF8') as payload, o, h, n"
                        + " from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::bytea[],"
                        + " $7::timestamptz[], $8::text[]) with ordinality as u(m, i, t, p, r, b, o, h, n)),"
                        + " e as (insert into entry (member_id, event_id, type, points, reference, event, occurred_at, hold_id)"
                        + " select m, i, t, p, r, payload, o, h from d order by n on conflict (event_id) do nothing"
                        + " returning event_id)"
                        + " insert into outbox (topic, message_key, event_id, payload)"
                        + " select $9, d.m, d.i, d.payload from d join e on e.event_id = d.i order by d.n")
                .execute(Tuple.from(columns))
                .map(result -> result.rowCount());
    }

    /** A record found on another partition than its member's: the event, its text as read, and where it was. */
    public record Misplaced(CloudEvent event, String payload, int partition, long offset) {
    }

    /**
     * Forwards credits found off their member's partition to it, through the outbox (the relay keys
     * the record by member id), the text as read under the same event id: one statement. Each event is
     * forwarded once ({@code forwarded_event}), and not at all when its id is already in the history
     * (a copy was applied, or a ledger older than the rule applied it where it was found). Returns the
     * ids forwarded now.
     */
    public Uni<Set<String>> forward(SqlConnection connection, List<Misplaced> records, String topic) {
        int n = records.size();
        String[] ids = new String[n];
        String[] members = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            Misplaced record = records.get(i);
            ids[i] = record.event().id();
            members[i] = record.event().subject();
            partitions[i] = record.partition();
            offsets[i] = record.offset();
            payloads[i] = record.payload();
        }
        return connection.preparedQuery("with f as (select i, m, p, o, b, n from unnest($1::text[], $2::text[],"
                        + " $3::int[], $4::bigint[], $5::text[]) with ordinality as u(i, m, p, o, b, n)"
                        + " where not exists (select 1 from entry e where e.event_id = u.i)),"
                        + " fresh as (insert into forwarded_event (event_id, member_id, from_partition, from_offset)"
                        + " select i, m, p, o from f order by n on conflict (event_id) do nothing returning event_id)"
                        + " insert into outbox (topic, message_key, event_id, payload)"
                        + " select $6, f.m, f.i, f.b from f join fresh on fresh.event_id = f.i order by f.n returning event_id")
                .execute(Tuple.of(ids, members, partitions, offsets, payloads, topic))
                .map(rows -> {
                    Set<String> forwarded = new HashSet<>();
                    for (Row row : rows) {
                        forwarded.add(row.getString("event_id"));
                    }
                    return forwarded;
                });
    }

    /** The event recorded under this id, if any. */
    public Uni<Optional<CloudEvent>> findEvent(SqlConnection connection, String eventId) {
        return connection.preparedQuery("select event from entry where event_id = $1")
                .execute(Tuple.of(eventId))
                .map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? Optional.of(codec.read(it.next().getString("event"))) : Optional.empty();
                });
    }

    /** The returns of a member's captured hold recorded so far, oldest first. */
    public Uni<List<CloudEvent>> returnsOf(SqlConnection connection, String memberId, String holdId) {
        return connection.preparedQuery("select event from entry where hold_id = $1 and member_id = $2"
                        + " and type = '" + PointsReturned.TYPE + "' order by seq")
                .execute(Tuple.of(holdId, memberId))
                .map(rows -> {
                    List<CloudEvent> returns = new ArrayList<>();
                    rows.forEach(row -> returns.add(codec.read(row.getString("event"))));
                    return returns;
                });
    }

    /**
     * When the member's credit of each order was recorded (its {@code points.earned}, origin that
     * order; {@code order_credited_at}, V13, which also files each refund's row in
     * {@code qualifying_refund}); orders without one are left out.
     */
    public Uni<Map<String, Instant>> orderCreditedAt(SqlConnection connection, String memberId,
            Collection<String> orderIds) {
        if (orderIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return connection.preparedQuery("select o, order_credited_at($1, o) as at from unnest($2::text[]) as o")
                .execute(Tuple.of(memberId, orderIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Instant> at = new HashMap<>();
                    for (Row row : rows) {
                        OffsetDateTime time = row.getOffsetDateTime("at");
                        if (time != null) {
                            at.put(row.getString("o"), time.toInstant());
                        }
                    }
                    return at;
                });
    }

    /** A member's expiries and reversals recorded so far, oldest first: what a refund's reversal reads. */
    public Uni<List<CloudEvent>> expiriesAndReversalsOf(SqlConnection connection, String memberId) {
        return connection.preparedQuery("select event from entry where member_id = $1 and type = any($2)"
                        + " order by seq")
                .execute(Tuple.of(memberId, new String[] {PointsExpired.TYPE, PointsReversed.TYPE}))
                .map(rows -> {
                    List<CloudEvent> events = new ArrayList<>();
                    rows.forEach(row -> events.add(codec.read(row.getString("event"))));
                    return events;
                });
    }

    /**
     * A member's tier changes recorded so far and the event of id {@code eventId} (a tier's upgrade
     * bonus), oldest first: whether the member fell below a tier after its bonus was given.
     */
    public Uni<List<CloudEvent>> tierChangesAnd(SqlConnection connection, String memberId, String eventId) {
        return connection.preparedQuery("select event from entry where member_id = $1 and (type = $2 or event_id = $3)"
                        + " order by seq")
                .execute(Tuple.of(memberId, TierChanged.TYPE, eventId))
                .map(rows -> {
                    List<CloudEvent> events = new ArrayList<>();
                    rows.forEach(row -> events.add(codec.read(row.getString("event"))));
                    return events;
                });
    }

    /** Newest first, before {@code beforeSeq} (exclusive; Long.MAX_VALUE for the first page). */
    public Uni<List<Entry>> entries(SqlConnection connection, String memberId, long beforeSeq, int limit) {
        return connection.preparedQuery("select seq, type, points, reference, event from entry"
                        + " where member_id = $1 and seq < $2 order by seq desc limit $3")
                .execute(Tuple.of(memberId, beforeSeq, limit))
                .map(rows -> {
                    List<Entry> entries = new ArrayList<>();
                    for (Row row : rows) {
                        String reference = row.getString("reference");
                        entries.add(new Entry(row.getLong("seq"), row.getString("type"), row.getLong("points"),
                                reference == null || reference.isEmpty() ? null : reference,
                                codec.read(row.getString("event"))));
                    }
                    return entries;
                });
    }

    /** Opens holds: {memberId, holdId, reference} with their expiry times, one statement. */
    public Uni<Void> openHolds(SqlConnection connection, List<String[]> holds, List<Instant> expiresAt) {
        int n = holds.size();
        String[] members = new String[n];
        String[] ids = new String[n];
        String[] references = new String[n];
        OffsetDateTime[] expiries = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            members[i] = holds.get(i)[0];
            ids[i] = holds.get(i)[1];
            references[i] = holds.get(i)[2];
            expiries[i] = utc(expiresAt.get(i));
        }
        return connection.preparedQuery("insert into hold (member_id, hold_id, expires_at, reference)"
                        + " select * from unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[])")
                .execute(Tuple.of(members, ids, expiries, references))
                .replaceWithVoid();
    }

    /**
     * An open hold as its closing found it: the reference it was made with (may be null) and when
     * its TTL ends.
     */
    public record ClosedHold(String reference, Instant expiresAt) {

        /**
         * Whether the hold had lapsed at {@code now}: at or after its expiry, as {@link #expiredHolds}
         * finds it for the job that releases it.
         */
        public boolean lapsedAt(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }

    /**
     * Closes open holds ({memberId, holdId} pairs), one statement; returns the holds that were
     * open, keyed by {@link #holdKey}, each with its reference and expiry.
     */
    public Uni<Map<String, ClosedHold>> closeHolds(SqlConnection connection, List<String[]> holds) {
        String[] members = holds.stream().map(h -> h[0]).toArray(String[]::new);
        String[] ids = holds.stream().map(h -> h[1]).toArray(String[]::new);
        return connection.preparedQuery("delete from hold h using unnest($1::text[], $2::text[]) as x(m, i)"
                        + " where h.member_id = x.m and h.hold_id = x.i"
                        + " returning h.member_id, h.hold_id, h.reference, h.expires_at")
                .execute(Tuple.of(members, ids))
                .map(rows -> {
                    Map<String, ClosedHold> closed = new HashMap<>();
                    rows.forEach(row -> closed.put(holdKey(row.getString("member_id"), row.getString("hold_id")),
                            new ClosedHold(row.getString("reference"), row.getOffsetDateTime("expires_at").toInstant())));
                    return closed;
                });
    }

    /** One key for a member's hold, in every map of holds the ledger keeps. */
    public static String holdKey(String memberId, String holdId) {
        return memberId + '\u0000' + holdId;
    }

    /** Closes an open hold; returns its reference and expiry, empty when it was not open. */
    public Uni<Optional<ClosedHold>> closeHold(SqlConnection connection, String memberId, String holdId) {
        return closeHolds(connection, List.<String[]>of(new String[] {memberId, holdId}))
                .map(closed -> Optional.ofNullable(closed.get(holdKey(memberId, holdId))));
    }

    /** Holds past their TTL, oldest first: {memberId, holdId} pairs. */
    public Uni<List<String[]>> expiredHolds(SqlConnection connection, Instant now, int limit) {
        return connection.preparedQuery("select member_id, hold_id from hold where expires_at <= $1 order by expires_at limit $2")
                .execute(Tuple.of(utc(now), limit))
                .map(rows -> {
                    List<String[]> due = new ArrayList<>();
                    for (Row row : rows) {
                        due.add(new String[] {row.getString("member_id"), row.getString("hold_id")});
                    }
                    return due;
                });
    }

    /** Members with a lot whose expiresAt has passed, soonest first. */
    public Uni<List<String>> membersWithExpiredLots(SqlConnection connection, Instant now, int limit) {
        return connection.preparedQuery("select member_id from member_points where next_expiry_at <= $1"
                        + " order by next_expiry_at limit $2")
                .execute(Tuple.of(utc(now), limit))
                .map(rows -> {
                    List<String> due = new ArrayList<>();
                    for (Row row : rows) {
                        due.add(row.getString("member_id"));
                    }
                    return due;
                });
    }

    /**
     * The account's snapshot as the bytes of its JSON text, for {@code convert_from($n, 'UTF8')}: the
     * client sends bytes as they are, where it would encode a text parameter character by character
     * (a quarter of the ledger's CPU in the earnings benchmark, for snapshots of about 8 KB).
     */
    public static Buffer snapshot(Account account) {
        return Buffer.buffer(AccountSnapshots.toJsonBytes(account));
    }

    /** {@link #snapshot} of an account written once and dropped (a rebuild's): it keeps no lot's text. */
    public static Buffer snapshotOnce(Account account) {
        return Buffer.buffer(AccountSnapshots.toJsonBytes(account, false));
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
