package io.pointsplatform.replay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The analytics schema ({@code analytics/schema.sql}, applied at start, idempotent). One transaction
 * per batch: its events are copied into a temporary table (COPY), then moved into
 * {@code analytics.events} by one {@code INSERT … ON CONFLICT DO NOTHING}, and every aggregate is
 * changed only by the rows that statement actually inserted (its {@code RETURNING}), so a range
 * replayed twice changes nothing. The batch's unreadable records and the offsets after it are
 * written in the same transaction: a replay killed at any point and resumed {@code --from saved}
 * ends with exactly what one run gives.
 */
final class PostgresSink implements Sink {

    /** The columns of analytics.events but its data. */
    private static final String TYPED = "event_id, topic, kafka_partition, kafka_offset, type, occurred_at, day,"
            + " member_id, tier, points, outstanding_delta, lot_id, hold_id, order_id, reward_id, redemption_id";
    private static final String COLUMNS = TYPED + ", data";
    /** What each line of the COPY into replay_batch holds, in its order. */
    private static final String COPIED = "seq, " + TYPED + ", lot_expires_at, data";

    private static final String TEMPORARY_TABLES = """
            CREATE TEMP TABLE IF NOT EXISTS replay_batch (
                seq int NOT NULL, event_id text NOT NULL, topic text NOT NULL, kafka_partition int NOT NULL,
                kafka_offset bigint NOT NULL, type text NOT NULL, occurred_at timestamptz NOT NULL, day date NOT NULL,
                member_id text, tier text, points bigint, outstanding_delta bigint NOT NULL, lot_id text, hold_id text,
                order_id text, reward_id text, redemption_id text, lot_expires_at timestamptz, data jsonb NOT NULL
            ) ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS replay_moves (event_id text NOT NULL, lot_id text NOT NULL, taken bigint NOT NULL)
                ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS replay_inserted (event_id text PRIMARY KEY) ON COMMIT DELETE ROWS;
            """;

    /** The events and their daily aggregates, in one statement: only what was inserted is counted. */
    private static final String INSERT_EVENTS = """
            WITH inserted AS (
                INSERT INTO analytics.events (%1$s)
                SELECT %1$s FROM replay_batch
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id, day, type, tier, points, outstanding_delta
            ), daily AS (
                INSERT INTO analytics.daily_points AS d (day, type, tier, events, points, outstanding_delta)
                SELECT day, type, coalesce(tier, '-'), count(*), coalesce(sum(points), 0), sum(outstanding_delta)
                FROM inserted GROUP BY 1, 2, 3
                ON CONFLICT (day, type, tier) DO UPDATE SET events = d.events + excluded.events,
                    points = d.points + excluded.points, outstanding_delta = d.outstanding_delta + excluded.outstanding_delta
            )
            INSERT INTO replay_inserted SELECT event_id FROM inserted
            """.formatted(COLUMNS);

    /** The rows of the batch that were inserted now, newest last per key when ordered by seq. */
    private static final String NEW = "replay_batch b JOIN replay_inserted USING (event_id)";

    private static final String LOTS = """
            INSERT INTO analytics.lots (lot_id, member_id, points, expires_at)
            SELECT b.lot_id, b.member_id, b.points, b.lot_expires_at FROM %s
            WHERE b.type = 'points.earned' OR (b.type = 'points.adjusted' AND b.points > 0)
            ON CONFLICT (lot_id) DO NOTHING""".formatted(NEW);

    private static final String LOTS_TAKEN = """
            UPDATE analytics.lots l SET taken = l.taken + m.taken
            FROM (SELECT m.lot_id, sum(m.taken) AS taken FROM replay_moves m JOIN replay_inserted USING (event_id)
                  GROUP BY m.lot_id) m
            WHERE l.lot_id = m.lot_id""";

    private static final String LOTS_DEFERRED = """
            UPDATE analytics.lots l SET expires_at = d.expires_at
            FROM (SELECT DISTINCT ON (b.lot_id) b.lot_id, b.lot_expires_at AS expires_at FROM %s
                  WHERE b.type = 'expiry.deferred' ORDER BY b.lot_id, b.seq DESC) d
            WHERE l.lot_id = d.lot_id""".formatted(NEW);

    private static final String MEMBERS_ENROLLED = """
            INSERT INTO analytics.members AS m (member_id, enrolled_at, locale)
            SELECT DISTINCT ON (b.member_id) b.member_id, b.occurred_at, b.data->>'locale' FROM %s
            WHERE b.type = 'member.enrolled' ORDER BY b.member_id, b.seq DESC
            ON CONFLICT (member_id) DO UPDATE SET enrolled_at = excluded.enrolled_at,
                locale = coalesce(excluded.locale, m.locale)""".formatted(NEW);

    private static final String MEMBERS_UPDATED = """
            INSERT INTO analytics.members AS m (member_id, locale)
            SELECT DISTINCT ON (b.member_id) b.member_id, b.data->>'locale' FROM %s
            WHERE b.type = 'member.updated' AND b.data ? 'locale' ORDER BY b.member_id, b.seq DESC
            ON CONFLICT (member_id) DO UPDATE SET locale = excluded.locale""".formatted(NEW);

    private static final String MEMBERS_TIER = """
            INSERT INTO analytics.members AS m (member_id, tier)
            SELECT DISTINCT ON (b.member_id) b.member_id, b.tier FROM %s
            WHERE b.type = 'tier.changed' ORDER BY b.member_id, b.seq DESC
            ON CONFLICT (member_id) DO UPDATE SET tier = excluded.tier""".formatted(NEW);

    private static final String REWARDS = """
            INSERT INTO analytics.rewards AS r (reward_id, name, kind, points_cost, retired)
            SELECT DISTINCT ON (b.reward_id) b.reward_id, b.data->>'name', b.data->>'kind',
                (b.data->>'pointsCost')::bigint, b.type = 'reward.retired' FROM %s
            WHERE b.type IN ('reward.upserted', 'reward.retired') ORDER BY b.reward_id, b.seq DESC
            ON CONFLICT (reward_id) DO UPDATE SET name = coalesce(excluded.name, r.name),
                kind = coalesce(excluded.kind, r.kind), points_cost = coalesce(excluded.points_cost, r.points_cost),
                retired = excluded.retired""".formatted(NEW);

    private static final String POPULARITY = """
            INSERT INTO analytics.reward_popularity AS p (reward_id, requested, completed, failed, cancelled, points_spent)
            SELECT b.reward_id,
                count(*) FILTER (WHERE b.type = 'redemption.requested'),
                count(*) FILTER (WHERE b.type = 'redemption.completed'),
                count(*) FILTER (WHERE b.type = 'redemption.failed'),
                count(*) FILTER (WHERE b.type = 'redemption.cancelled'),
                coalesce(sum(b.points) FILTER (WHERE b.type = 'redemption.completed'), 0)
                    - coalesce(sum(b.points) FILTER (WHERE b.type = 'redemption.cancelled'), 0)
            FROM %s WHERE b.type LIKE 'redemption.%%' GROUP BY b.reward_id
            ON CONFLICT (reward_id) DO UPDATE SET requested = p.requested + excluded.requested,
                completed = p.completed + excluded.completed, failed = p.failed + excluded.failed,
                cancelled = p.cancelled + excluded.cancelled, points_spent = p.points_spent + excluded.points_spent"""
            .formatted(NEW);

    private static final String UNREADABLE = """
            INSERT INTO analytics.unreadable (topic, kafka_partition, kafka_offset, reason, seen_at)
            VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""";

    private static final String SAVE_OFFSET = """
            INSERT INTO analytics.replay_offsets (consumer, topic, kafka_partition, next_offset, updated_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (consumer, topic, kafka_partition) DO UPDATE SET next_offset = excluded.next_offset,
                updated_at = excluded.updated_at""";

    private final Connection connection;
    private final CopyManager copy;
    private final String name;
    private final Bytes events = new Bytes(8 << 20);
    private final Bytes moves = new Bytes(1 << 20);

    PostgresSink(String url, String user, String password, String name) throws SQLException, IOException {
        this.name = name;
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", "replay-cli " + name);
        properties.setProperty("reWriteBatchedInserts", "true");
        connection = DriverManager.getConnection(url, properties);
        applySchema();
        try (Statement statement = connection.createStatement()) {
            // A batch lost in a crash of the server is lost with its offsets, and replayed again.
            statement.execute("SET synchronous_commit = off");
            // The batch's few thousand lots are found by their key, not by reading every lot (the
            // tables are in memory; the default cost of a random read makes the planner scan them).
            statement.execute("SET random_page_cost = 1.1");
            statement.execute(TEMPORARY_TABLES);
        }
        connection.setAutoCommit(false);
        copy = connection.unwrap(PGConnection.class).getCopyAPI();
    }

    private void applySchema() throws SQLException, IOException {
        String schema;
        try (InputStream in = PostgresSink.class.getResourceAsStream("/analytics/schema.sql")) {
            schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            // Two replays starting together would race on CREATE … IF NOT EXISTS.
            statement.execute("SELECT pg_advisory_xact_lock(hashtext('analytics/schema.sql'))");
            statement.execute(schema);
        }
        connection.commit();
        connection.setAutoCommit(true);
    }

    @Override
    public Map<TopicPartition, Long> savedOffsets(String consumer) throws SQLException {
        Map<TopicPartition, Long> saved = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT topic, kafka_partition, next_offset FROM analytics.replay_offsets WHERE consumer = ?")) {
            statement.setString(1, consumer);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    saved.put(new TopicPartition(rows.getString(1), rows.getInt(2)), rows.getLong(3));
                }
            }
        }
        connection.commit();
        return saved;
    }

    @Override
    public Map<String, String> knownTiers() throws SQLException {
        Map<String, String> tiers = new HashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT member_id, tier FROM analytics.members")) {
            while (rows.next()) {
                tiers.put(rows.getString(1), rows.getString(2));
            }
        }
        connection.commit();
        return tiers;
    }

    @Override
    public void write(Batch batch) throws SQLException, IOException {
        try {
            Set<String> types = copyEvents(batch);
            if (!batch.events.isEmpty()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(INSERT_EVENTS);
                    StringBuilder rest = new StringBuilder();
                    if (types.contains("points.earned") || types.contains("points.adjusted")) {
                        rest.append(LOTS).append(";\n");
                    }
                    if (moves.size() > 0) {
                        rest.append(LOTS_TAKEN).append(";\n");
                    }
                    if (types.contains("expiry.deferred")) {
                        rest.append(LOTS_DEFERRED).append(";\n");
                    }
                    if (types.contains("member.enrolled")) {
                        rest.append(MEMBERS_ENROLLED).append(";\n");
                    }
                    if (types.contains("member.updated")) {
                        rest.append(MEMBERS_UPDATED).append(";\n");
                    }
                    if (types.contains("tier.changed")) {
                        rest.append(MEMBERS_TIER).append(";\n");
                    }
                    if (types.contains("reward.upserted") || types.contains("reward.retired")) {
                        rest.append(REWARDS).append(";\n");
                    }
                    if (types.stream().anyMatch(type -> type.startsWith("redemption."))) {
                        rest.append(POPULARITY).append(";\n");
                    }
                    if (!rest.isEmpty()) {
                        statement.execute(rest.toString());
                    }
                }
            }
            Timestamp now = Timestamp.from(Instant.now());
            if (!batch.unreadable.isEmpty()) {
                try (PreparedStatement statement = connection.prepareStatement(UNREADABLE)) {
                    for (Unreadable record : batch.unreadable) {
                        statement.setString(1, record.topic());
                        statement.setInt(2, record.partition());
                        statement.setLong(3, record.offset());
                        statement.setString(4, record.reason());
                        statement.setTimestamp(5, now);
                        statement.addBatch();
                    }
                    statement.executeBatch();
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(SAVE_OFFSET)) {
                for (Map.Entry<TopicPartition, Long> offset : batch.nextOffsets.entrySet()) {
                    statement.setString(1, name);
                    statement.setString(2, offset.getKey().topic());
                    statement.setInt(3, offset.getKey().partition());
                    statement.setLong(4, offset.getValue());
                    statement.setTimestamp(5, now);
                    statement.addBatch();
                }
                statement.executeBatch();
            }
            connection.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            connection.rollback();
            throw e;
        }
    }

    /** The batch's events into replay_batch and their lot moves into replay_moves; the types seen. */
    private Set<String> copyEvents(Batch batch) throws SQLException, IOException {
        Set<String> types = new HashSet<>();
        events.clear();
        moves.clear();
        Set<String> ids = new HashSet<>();
        int seq = 0;
        for (ReplayEvent event : batch.events) {
            String id = event.event().id();
            if (!ids.add(id)) {
                // The same event twice in a batch (a producer's retry): the first one counts.
                continue;
            }
            EventColumns c = event.columns();
            types.add(event.event().type());
            events.number(seq++).put((byte) '\t');
            events.copyText(id).put((byte) '\t');
            events.copyText(event.topic()).put((byte) '\t');
            events.number(event.partition()).put((byte) '\t');
            events.number(event.offset()).put((byte) '\t');
            events.copyText(event.event().type()).put((byte) '\t');
            events.ascii(event.event().time().toString()).put((byte) '\t');
            events.ascii(event.day().toString()).put((byte) '\t');
            events.copyText(c.memberId()).put((byte) '\t');
            events.copyText(event.tier()).put((byte) '\t');
            if (c.points() == null) {
                events.ascii("\\N");
            } else {
                events.number(c.points());
            }
            events.put((byte) '\t');
            events.number(c.outstandingDelta()).put((byte) '\t');
            events.copyText(c.lotId()).put((byte) '\t');
            events.copyText(c.holdId()).put((byte) '\t');
            events.copyText(c.orderId()).put((byte) '\t');
            events.copyText(c.rewardId()).put((byte) '\t');
            events.copyText(c.redemptionId()).put((byte) '\t');
            if (c.lotExpiresAt() == null) {
                events.ascii("\\N");
            } else {
                events.ascii(c.lotExpiresAt().toString());
            }
            events.put((byte) '\t');
            int[] data = DataSlice.of(event.value());
            events.copyText(event.value(), data[0], data[1] - data[0]).put((byte) '\n');
            if (c.moveSign() != 0) {
                for (var allocation : c.lotMoves()) {
                    moves.copyText(id).put((byte) '\t');
                    moves.copyText(allocation.lotId()).put((byte) '\t');
                    moves.number(c.moveSign() * allocation.points()).put((byte) '\n');
                }
            }
        }
        if (events.size() > 0) {
            copy.copyIn("COPY replay_batch (" + COPIED + ") FROM STDIN", events.asInput(), 1 << 16);
        }
        if (moves.size() > 0) {
            copy.copyIn("COPY replay_moves (event_id, lot_id, taken) FROM STDIN", moves.asInput(), 1 << 16);
        }
        return types;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
