package io.pointsplatform.ledger.adjustment.service;

import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.ledger.account.service.LedgerBook;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Manual adjustments, maker-checker: one admin requests, a second, different admin approves (the
 * points move then, in the same transaction as the approval) or rejects. The names are the
 * subjects of the admins' tokens (the resource passes them; no body names anyone), so the check
 * that the two differ compares identities. Both names and the reason are in the
 * {@code points.adjusted} event.
 */
@ApplicationScoped
public class Adjustments {

    public enum Status { PENDING, APPROVED, REJECTED }

    public record Adjustment(String adjustmentId, String memberId, long points, String reason, String requestedBy,
                             Instant requestedAt, Status status, String decidedBy, Instant decidedAt, String note) {
    }

    /** An adjustment and whether this call changed it (false: a repeat answered from the record). */
    public record Outcome(Adjustment adjustment, boolean changed) {
    }

    private final Pool pool;
    private final LedgerBook book;
    private final Clock clock;
    private final Duration creditLifetime;

    public Adjustments(Pool pool, LedgerBook book, Clock clock,
                       @ConfigProperty(name = "points.expiry-months", defaultValue = "12") int expiryMonths) {
        this.pool = pool;
        this.book = book;
        this.clock = clock;
        this.creditLifetime = Duration.ofDays(30L * expiryMonths + expiryMonths / 2);
    }

    public Uni<Outcome> request(String adjustmentId, String memberId, long points, String reason, String requestedBy) {
        if (points == 0) {
            throw ApiException.validation("points", "must not be 0");
        }
        Instant now = clock.instant();
        return pool.withTransaction(c -> c.preparedQuery("insert into adjustment (adjustment_id, member_id, points, reason,"
                        + " requested_by, requested_at, status) values ($1, $2, $3, $4, $5, $6, 'PENDING')"
                        + " on conflict (adjustment_id) do nothing")
                .execute(Tuple.from(java.util.List.of(adjustmentId, memberId, points, reason, requestedBy,
                        now.atOffset(ZoneOffset.UTC))))
                .chain(inserted -> find(c, adjustmentId, false).map(existing -> {
                    Adjustment a = existing;
                    if (inserted.rowCount() == 0 && !a.requestedBy().equals(requestedBy)) {
                        throw ApiException.conflict("ADJUSTMENT_CONFLICT", "Adjustment " + adjustmentId
                                + " was requested before by another admin");
                    }
                    if (inserted.rowCount() == 0 && (!a.memberId().equals(memberId) || a.points() != points
                            || !a.reason().equals(reason))) {
                        throw ApiException.conflict("ADJUSTMENT_CONFLICT", "Adjustment " + adjustmentId
                                + " was requested before with other content");
                    }
                    return new Outcome(a, inserted.rowCount() == 1);
                })));
    }

    public Uni<Outcome> approve(String adjustmentId, String approvedBy, String note) {
        return decide(adjustmentId, approvedBy, note, Status.APPROVED);
    }

    public Uni<Outcome> reject(String adjustmentId, String rejectedBy, String note) {
        return decide(adjustmentId, rejectedBy, note, Status.REJECTED);
    }

    public Uni<Adjustment> get(String adjustmentId) {
        return pool.withConnection(c -> find(c, adjustmentId, false));
    }

    private Uni<Outcome> decide(String adjustmentId, String by, String note, Status decision) {
        Instant now = clock.instant();
        return pool.withTransaction(c -> find(c, adjustmentId, true).chain(a -> {
                    if (a.status() != Status.PENDING) {
                        if (a.status() == decision && Objects.equals(a.decidedBy(), by)) {
                            return Uni.createFrom().item(new Outcome(a, false));
                        }
                        throw ApiException.conflict("ADJUSTMENT_DECIDED", "Adjustment " + adjustmentId + " was "
                                + a.status() + " by " + a.decidedBy() + " already");
                    }
                    if (a.requestedBy().equals(by)) {
                        // Who decides is the token's subject: refused as that identity's, not as a state's.
                        throw new ApiException(403, "SELF_APPROVAL", "Not your own request", "Adjustment "
                                + adjustmentId + " was requested by " + by + "; another admin must approve or reject it");
                    }
                    Uni<Void> effect = decision == Status.APPROVED
                            ? book.adjustOn(c, a.memberId(), adjustmentId, a.points(), a.reason(), a.requestedBy(), by,
                                    creditLifetime).replaceWithVoid()
                            : Uni.createFrom().voidItem();
                    return effect.chain(() -> c.preparedQuery("update adjustment set status = $2, decided_by = $3,"
                                    + " decided_at = $4, decision_note = $5 where adjustment_id = $1")
                                    .execute(Tuple.of(adjustmentId, decision.name(), by, now.atOffset(ZoneOffset.UTC), note)))
                            .chain(() -> find(c, adjustmentId, false))
                            .map(updated -> new Outcome(updated, true));
                }))
                .invoke(outcome -> book.publishSoon());
    }

    private static Uni<Adjustment> find(SqlConnection c, String adjustmentId, boolean lock) {
        return c.preparedQuery("select * from adjustment where adjustment_id = $1" + (lock ? " for update" : ""))
                .execute(Tuple.of(adjustmentId))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        throw ApiException.notFound("Adjustment", adjustmentId);
                    }
                    Row r = it.next();
                    return new Adjustment(r.getString("adjustment_id"), r.getString("member_id"), r.getLong("points"),
                            r.getString("reason"), r.getString("requested_by"),
                            r.getOffsetDateTime("requested_at").toInstant(), Status.valueOf(r.getString("status")),
                            r.getString("decided_by"),
                            r.getOffsetDateTime("decided_at") == null ? null : r.getOffsetDateTime("decided_at").toInstant(),
                            r.getString("decision_note"));
                });
    }
}
