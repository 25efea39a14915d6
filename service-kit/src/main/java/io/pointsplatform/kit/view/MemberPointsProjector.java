package io.pointsplatform.kit.view;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountSnapshots;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.InvariantViolation;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.kit.inbox.Batches.Refusal;
import io.pointsplatform.kit.inbox.ProcessedEvents;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies events of {@code points.ledger} to the {@link MemberPoints} view, once per event id, a
 * batch at a time: one transaction and a fixed handful of statements whatever the batch's size.
 *
 * <p>In that transaction: every event id is marked processed (one statement, which tells the new
 * ones from the repeats), every touched member's row is locked (one statement, in member order),
 * the new events are folded in record order with the shared {@link Account#apply}, and the changed
 * rows are written (one update, one insert). The marks and the rows commit together, so an event
 * is applied exactly once however often Kafka delivers it.
 *
 * <p>An event the fold refuses leaves its account as it was and is not marked (its mark is taken
 * back in the same transaction): it is returned to the caller as a {@link Refusal}, and the rest of
 * the batch is applied.
 */
@ApplicationScoped
public class MemberPointsProjector {

    /** The most events one transaction applies: the arrays bound to each statement have this many. */
    public static final int MAX_BATCH = 1_000;

    private static final String LOCK = "select member_id, snapshot from member_points"
            + " where member_id = any($1::text[]) order by member_id for update";
    private static final String UPDATE = "update member_points m set snapshot = u.snapshot, updated_at = $3"
            + " from unnest($1::text[], $2::text[]) as u(member_id, snapshot) where m.member_id = u.member_id";
    /** No "on conflict": a row that appeared since LOCK found none fails the batch, which is then retried. */
    private static final String INSERT = "insert into member_points (member_id, snapshot, updated_at)"
            + " select member_id, snapshot, $3 from unnest($1::text[], $2::text[]) as u(member_id, snapshot)";

    private final Pool pool;
    private final ProcessedEvents processed;
    private final Clock clock;

    public MemberPointsProjector(Pool pool, ProcessedEvents processed, Clock clock) {
        this.pool = pool;
        this.processed = processed;
        this.clock = clock;
    }

    /** What a batch did: events applied, repeats skipped, and the events the fold refused. */
    public record Outcome(int applied, int repeats, List<Refusal> refused) {
    }

    /**
     * Applies the events, in their order, in one transaction of its own. Every event must carry a
     * {@link PointsEvent}; at most {@link #MAX_BATCH} of them. Fails (and changes nothing) only for
     * something no single event is to blame for, e.g. the database, or a stored snapshot it cannot read.
     */
    public Uni<Outcome> apply(List<CloudEvent> events) {
        if (events.size() > MAX_BATCH) {
            throw new IllegalArgumentException("at most " + MAX_BATCH + " events a batch, got " + events.size());
        }
        if (events.isEmpty()) {
            return Uni.createFrom().item(new Outcome(0, 0, List.of()));
        }
        Set<String> ids = new LinkedHashSet<>();
        for (CloudEvent event : events) {
            ids.add(event.id());
        }
        return pool.withTransaction(connection -> processed.firstTimes(connection, ids)
                .chain(fresh -> fresh.isEmpty()
                        ? Uni.createFrom().item(new Outcome(0, events.size(), List.of()))
                        : foldAndSave(connection, events, fresh)));
    }

    public Uni<Optional<Account>> find(String memberId) {
        return MemberPoints.<MemberPoints>findById(memberId)
                .map(row -> Optional.ofNullable(row).map(r -> AccountSnapshots.fromJson(r.snapshot)));
    }

    private Uni<Outcome> foldAndSave(SqlConnection connection, List<CloudEvent> events, Set<String> fresh) {
        Set<String> members = new TreeSet<>();
        for (CloudEvent event : events) {
            if (fresh.contains(event.id())) {
                members.add(points(event).memberId());
            }
        }
        return lock(connection, members).chain(stored -> {
            Fold fold = new Fold(stored);
            for (int position = 0; position < events.size(); position++) {
                fold.apply(position, events.get(position), fresh);
            }
            Set<String> refusedIds = new HashSet<>();
            for (Refusal refusal : fold.refused) {
                String id = events.get(refusal.position()).id();
                if (!fold.appliedIds.contains(id)) {
                    refusedIds.add(id);
                }
            }
            Outcome outcome = new Outcome(fold.appliedIds.size(), events.size() - fold.appliedIds.size()
                    - fold.refused.size(), List.copyOf(fold.refused));
            return processed.forget(connection, refusedIds)
                    .chain(() -> save(connection, fold, stored.keySet()))
                    .replaceWith(outcome);
        });
    }

    /** The stored accounts of these members, row-locked until the transaction ends. */
    private Uni<Map<String, Account>> lock(SqlConnection connection, Set<String> memberIds) {
        return connection.preparedQuery(LOCK)
                .execute(Tuple.of(memberIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Account> accounts = new HashMap<>(rows.size() * 2);
                    for (Row row : rows) {
                        accounts.put(row.getString("member_id"), AccountSnapshots.fromJson(row.getString("snapshot")));
                    }
                    return accounts;
                });
    }

    private Uni<Void> save(SqlConnection connection, Fold fold, Set<String> existing) {
        List<String> updatedIds = new ArrayList<>();
        List<String> updatedSnapshots = new ArrayList<>();
        List<String> createdIds = new ArrayList<>();
        List<String> createdSnapshots = new ArrayList<>();
        for (String memberId : fold.changed) {
            String snapshot = AccountSnapshots.toJson(fold.accounts.get(memberId));
            if (existing.contains(memberId)) {
                updatedIds.add(memberId);
                updatedSnapshots.add(snapshot);
            } else {
                createdIds.add(memberId);
                createdSnapshots.add(snapshot);
            }
        }
        OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        return write(connection, UPDATE, updatedIds, updatedSnapshots, now)
                .chain(() -> write(connection, INSERT, createdIds, createdSnapshots, now));
    }

    private static Uni<Void> write(SqlConnection connection, String sql, List<String> memberIds, List<String> snapshots,
            OffsetDateTime now) {
        if (memberIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery(sql)
                .execute(Tuple.of(memberIds.toArray(String[]::new), snapshots.toArray(String[]::new), now))
                .replaceWithVoid();
    }

    private static PointsEvent points(CloudEvent event) {
        if (event.data() instanceof PointsEvent pointsEvent) {
            return pointsEvent;
        }
        throw new IllegalArgumentException("event " + event.id() + " of type " + event.type()
                + " is not a points event");
    }

    /**
     * The batch's accounts as the fold leaves them. Pure arithmetic on what {@link #lock} read: an
     * event applies if its id is new to the table and not applied earlier in this batch; a refused
     * one leaves its account whole ({@link Account#apply} checks before it changes anything).
     */
    private static final class Fold {
        final Map<String, Account> accounts;
        final Set<String> changed = new LinkedHashSet<>();
        final Set<String> appliedIds = new HashSet<>();
        final List<Refusal> refused = new ArrayList<>();

        Fold(Map<String, Account> stored) {
            this.accounts = new HashMap<>(stored);
        }

        void apply(int position, CloudEvent event, Set<String> fresh) {
            if (!fresh.contains(event.id()) || appliedIds.contains(event.id())) {
                return;
            }
            PointsEvent data = points(event);
            Account account = accounts.computeIfAbsent(data.memberId(), Account::new);
            try {
                account.apply(data);
            } catch (InvariantViolation refusal) {
                refused.add(new Refusal(position, refusal));
                return;
            }
            appliedIds.add(event.id());
            changed.add(data.memberId());
        }
    }
}
