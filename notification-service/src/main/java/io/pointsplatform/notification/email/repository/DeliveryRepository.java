package io.pointsplatform.notification.email.repository;

import io.pointsplatform.kit.validation.Texts;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The state of each notice's delivery per channel (table notice_delivery). */
@ApplicationScoped
public class DeliveryRepository {

    /** The most of a delivery's reason kept. */
    static final int MAX_REASON_CHARS = 1000;

    public static final String EMAIL = "email";

    /**
     * Takes up to {@code $1} due e-mail deliveries and pushes their next attempt {@code $2} seconds
     * ahead (a lease: another instance, or this one after a crash, tries again only after it), with
     * what a send needs: the member's contact and whether the member opted out of e-mail for the kind
     * (one statement per batch rather than a look-up per delivery).
     */
    private static final String CLAIM = """
            update notice_delivery d set next_attempt_at = now() + make_interval(secs => $2)
              from notification n left join member_contact c on c.member_id = n.member_id
             where d.notification_id = n.notification_id and d.channel = 'email'
               and d.notification_id in (select notification_id from notice_delivery
                                          where status = 'PENDING' and channel = 'email' and next_attempt_at <= now()
                                          order by next_attempt_at limit $1 for update skip locked)
            returning d.notification_id, d.attempts, n.member_id, n.kind, n.params::text, c.locale, c.email, c.name,
                      c.member_id is not null as contact_known,
                      exists (select 1 from notification_preference p
                               where p.member_id = n.member_id and p.channel = 'email' and p.kind in (n.kind, '*'))
                        as opted_out, n.created_at""";

    /**
     * Stores a batch's outcomes at once: per delivery its status, reason, recipient, whether an attempt
     * was made (attempts + 1) and when it is due next (null once done). A released delivery (given
     * back unsent) keeps its reason and recipient.
     */
    private static final String RECORD = """
            update notice_delivery d
               set status = o.status,
                   reason = case when o.released then d.reason else o.reason end,
                   recipient = case when o.released then d.recipient else o.recipient end,
                   attempts = d.attempts + o.attempted, next_attempt_at = o.next_attempt_at, updated_at = now()
              from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::bool[])
                   as o(notification_id, status, reason, recipient, attempted, next_attempt_at, released)
             where d.notification_id = o.notification_id and d.channel = 'email'""";

    private final Pool pool;

    public DeliveryRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * A delivery taken to be tried now: its notice and what is known of its member
     * ({@code contactKnown}: whether the member's enrolment or update has been read at all;
     * {@code noticedAt}: when its notice was stored).
     */
    public record Due(String notificationId, int attempts, String memberId, String kind, Map<String, Object> params,
                      String locale, String email, String name, boolean contactKnown, boolean optedOut,
                      Instant noticedAt) {
    }

    /**
     * What became of one claimed delivery: {@code attempted} 1 when a send was tried (or the member
     * looked for), {@code next} when it is due again (null: done), {@code released} when it was given
     * back unsent (due at once, nothing else changed).
     */
    public record Outcome(String notificationId, String status, String reason, String recipient, int attempted,
                          Instant next, boolean released) {

        /**
         * The reason as stored: its text may be the SMTP server's reply (with U+0000 in it, say), and
         * one text PostgreSQL refuses would fail the statement that stores the whole batch's outcomes.
         */
        public Outcome {
            reason = Texts.forStorage(reason, MAX_REASON_CHARS);
        }

        public static Outcome sent(String notificationId, String recipient) {
            return new Outcome(notificationId, "SENT", null, recipient, 1, null, false);
        }

        public static Outcome skipped(String notificationId, String reason) {
            return new Outcome(notificationId, "SKIPPED", reason, null, 0, null, false);
        }

        public static Outcome failed(String notificationId, String reason, String recipient) {
            return new Outcome(notificationId, "FAILED", reason, recipient, 1, null, false);
        }

        /** One more attempt failed; the next is due at {@code next}. */
        public static Outcome retry(String notificationId, String reason, String recipient, Instant next) {
            return new Outcome(notificationId, "PENDING", reason, recipient, 1, next, false);
        }

        /** Not tried: waiting for something else (the member's enrolment) until {@code next}; no attempt counted. */
        public static Outcome waiting(String notificationId, String reason, Instant next) {
            return new Outcome(notificationId, "PENDING", reason, null, 0, next, false);
        }

        public static Outcome released(String notificationId) {
            return new Outcome(notificationId, "PENDING", null, null, 0, Instant.now(), true);
        }
    }

    public record Delivery(String notificationId, String memberId, String kind, String channel, String status,
                           int attempts, Instant nextAttemptAt, String reason, String recipient, Instant updatedAt) {
    }

    /** Why a member's e-mail is not sent when it has given no address. */
    public static final String NO_ADDRESS = "no e-mail address";

    /**
     * An e-mail delivery for each of these new notices: due now, or (its member read and known to
     * have no address: {@code noAddress}) SKIPPED at once, as the sender would mark it, without
     * being claimed and recorded for nothing.
     */
    public Uni<Void> insertEmails(SqlClient client, List<String> notificationIds, List<Boolean> noAddress) {
        if (notificationIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return client.preparedQuery("""
                        insert into notice_delivery (notification_id, channel, status, next_attempt_at, reason)
                        select id, 'email', case when skip then 'SKIPPED' else 'PENDING' end,
                               case when skip then null else now() end, case when skip then $3 end
                        from unnest($1::text[], $2::bool[]) as d(id, skip)
                        on conflict do nothing""")
                .execute(Tuple.of(notificationIds.toArray(String[]::new), noAddress.toArray(Boolean[]::new), NO_ADDRESS))
                .replaceWithVoid();
    }

    public Uni<List<Due>> claimDue(int limit, Duration lease) {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(limit, (double) lease.toMillis() / 1000.0)).map(rows -> {
            List<Due> due = new ArrayList<>();
            for (Row r : rows) {
                due.add(new Due(r.getString(0), r.getInteger(1), r.getString(2), r.getString(3),
                        new JsonObject(r.getString(4)).getMap(), r.getString(5), r.getString(6), r.getString(7),
                        r.getBoolean(8), r.getBoolean(9), r.getOffsetDateTime(10).toInstant()));
            }
            return due;
        });
    }

    /** Stores the outcomes of a batch in one statement. */
    public Uni<Void> record(List<Outcome> outcomes) {
        Tuple columns = Tuple.of(
                outcomes.stream().map(Outcome::notificationId).toArray(String[]::new),
                outcomes.stream().map(Outcome::status).toArray(String[]::new),
                outcomes.stream().map(Outcome::reason).toArray(String[]::new),
                outcomes.stream().map(Outcome::recipient).toArray(String[]::new),
                outcomes.stream().map(Outcome::attempted).toArray(Integer[]::new),
                outcomes.stream().map(o -> o.next() == null ? null : OffsetDateTime.ofInstant(o.next(), ZoneOffset.UTC))
                        .toArray(OffsetDateTime[]::new))
                .addValue(outcomes.stream().map(Outcome::released).toArray(Boolean[]::new));
        return pool.preparedQuery(RECORD).execute(columns).replaceWithVoid();
    }

    /** Deliveries, most recently changed first, of one status (null: any), optionally of one member. */
    public Uni<List<Delivery>> list(String status, String memberId, int limit) {
        return pool.preparedQuery("""
                        select d.notification_id, n.member_id, n.kind, d.channel, d.status, d.attempts, d.next_attempt_at,
                               d.reason, d.recipient, d.updated_at
                          from notice_delivery d join notification n on n.notification_id = d.notification_id
                         where ($1::text is null or d.status = $1) and ($2::text is null or n.member_id = $2)
                         order by d.updated_at desc, d.notification_id desc limit $3""")
                .execute(Tuple.of(status, memberId, limit))
                .map(rows -> {
                    List<Delivery> list = new ArrayList<>();
                    for (Row r : rows) {
                        list.add(new Delivery(r.getString(0), r.getString(1), r.getString(2), r.getString(3),
                                r.getString(4), r.getInteger(5), instant(r, 6), r.getString(7), r.getString(8),
                                instant(r, 9)));
                    }
                    return list;
                });
    }

    private static Instant instant(Row row, int column) {
        OffsetDateTime time = row.getOffsetDateTime(column);
        return time == null ? null : time.toInstant();
    }
}
