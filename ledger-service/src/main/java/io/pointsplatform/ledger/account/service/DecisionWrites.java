package io.pointsplatform.ledger.account.service;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.Topics;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What decisions made in one transaction write, gathered in memory and written together by
 * {@link #flush}: the decided events (history and outbox, in decision order) and the holds they
 * open. A hold opened and closed within the same writes never reaches the table.
 */
public final class DecisionWrites {

    private record Opened(String memberId, String holdId, Instant expiresAt, String reference) {
    }

    private final List<CloudEvent> events = new ArrayList<>();
    private final Map<String, CloudEvent> byId = new HashMap<>();
    private int changes;
    private final Map<String, Opened> opened = new LinkedHashMap<>();

    /** A decided event, to be written to the history and the outbox; a repeated id fails at once. */
    public void record(CloudEvent event) {
        if (byId.putIfAbsent(event.id(), event) != null) {
            throw new DecisionBatches.AlreadyDecided();
        }
        events.add(event);
        changes++;
    }

    /** The event decided under this id in these writes and not yet written, if any. */
    public Optional<CloudEvent> find(String eventId) {
        return Optional.ofNullable(byId.get(eventId));
    }

    /** The events decided in these writes and not yet written, in decision order (a view). */
    public List<CloudEvent> pending() {
        return java.util.Collections.unmodifiableList(events);
    }

    /** How many changes were gathered so far: a decision that failed without adding one changed nothing. */
    int changes() {
        return changes;
    }

    /** Counts a change made beside these writes (a hold closed for the batch) as one of theirs. */
    void changed() {
        changes++;
    }

    public void openHold(String memberId, String holdId, Instant expiresAt, String reference) {
        opened.put(AccountStore.holdKey(memberId, holdId), new Opened(memberId, holdId, expiresAt, reference));
        changes++;
    }

    /** A hold opened in these writes, now closed before it was written: its reference and expiry; null when there is none. */
    Optional<AccountStore.ClosedHold> cancelOpen(String memberId, String holdId) {
        Opened hold = opened.remove(AccountStore.holdKey(memberId, holdId));
        if (hold == null) {
            return null;
        }
        changes++;
        return Optional.of(new AccountStore.ClosedHold(hold.reference(), hold.expiresAt()));
    }

    /**
     * Writes everything gathered so far ({@link #flush}), then saves the changed accounts: in that
     * order, since a snapshot the save writes stands for every entry of its member so far (V9).
     */
    public Uni<Void> flushAndSave(SqlConnection connection, AccountStore store, List<Account> changed, Instant now) {
        return flush(connection, store).chain(() -> store.saveAll(connection, changed, now));
    }

    /**
     * Writes everything gathered so far (at most two statements, sent together) and forgets it.
     * Fails with {@link DecisionBatches.AlreadyDecided} when an event's id was recorded before.
     */
    public Uni<Void> flush(SqlConnection connection, AccountStore store) {
        List<Uni<Void>> writes = new ArrayList<>(2);
        if (!events.isEmpty()) {
            List<CloudEvent> decided = List.copyOf(events);
            writes.add(store.recordDecisions(connection, decided, LedgerBook::pointsOf, LedgerBook::referenceOf,
                            Topics.POINTS_LEDGER)
                    .map(inserted -> {
                        if (inserted != decided.size()) {
                            throw new DecisionBatches.AlreadyDecided();
                        }
                        return null;
                    }));
        }
        if (!opened.isEmpty()) {
            List<String[]> holds = new ArrayList<>(opened.size());
            List<Instant> expiries = new ArrayList<>(opened.size());
            for (Opened hold : opened.values()) {
                holds.add(new String[] {hold.memberId(), hold.holdId(), hold.reference()});
                expiries.add(hold.expiresAt());
            }
            writes.add(store.openHolds(connection, holds, expiries));
        }
        events.clear();
        byId.clear();
        opened.clear();
        if (writes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return writes.size() == 1 ? writes.get(0) : Uni.combine().all().unis(writes).discardItems();
    }
}
