package io.pointsplatform.replay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The analytics schema ({@code analytics/schema.sql}, applied at start, idempotent). One transaction
 * per batch, which writes the batch's events, every aggregate they change, the batch's unreadable
 * records and the offsets after it, so a replay killed at any point and resumed {@code --from saved}
 * ends with exactly what one run gives.
 *
 * <p>Each event is inserted once (by its CloudEvent id), and every aggregate changes only by the rows
 * actually inserted, so a range replayed twice changes nothing. Two ways, the first tried first:
 * <ul>
 * <li>new events (a replay going forward): the batch's rows are copied (COPY) straight into
 * {@code analytics.events}, and the aggregates computed from the same rows in a temporary table,
 * without their data;</li>
 * <li>when some are there already (a range replayed again, or overlapping): that COPY fails on the
 * key and is rolled back to a savepoint; the rows then go through the temporary table with their
 * data, moved by one {@code INSERT … ON CONFLICT DO NOTHING RETURNING}, and the aggregates are
 * computed from what it returned.</li>
 * </ul>
 * The COPY texts are made by the reader's thread ({@link #prepare}) while the previous batch is
 * being written.
 */
final class PostgresSink implements Sink {

    /** The columns of analytics.events but its data. */
    private static final String TYPED = "event_id, topic, kafka_partition, kafka_offset, type, occurred_at, day,"
            + " member_id, tier, points, outstanding_delta, lot_id, hold_id, order_id, reward_id, redemption_id";
    private static final String COLUMNS = TYPED + ", data";
    /** What each line of the COPY into replay_batch holds, in its order (data only where a statement reads it). */
    private static final String STAGED = TYPED + ", lot_expires_at, data";

    private static final String TEMPORARY_TABLES = """
            CREATE TEMP TABLE IF NOT EXISTS replay_batch (
                event_id text NOT NULL, topic text NOT NULL, kafka_partition int NOT NULL,
                kafka_offset bigint NOT NULL, type text NOT NULL, occurred_at timestamptz NOT NULL, day date NOT NULL,
                member_id text, tier text, points bigint, outstanding_delta bigint NOT NULL, lot_id text, hold_id text,
                order_id text, reward_id text, redemption_id text, lot_expires_at timestamptz, data jsonb,
                seq int GENERATED ALWAYS AS IDENTITY
            ) ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS replay_data (event_id text NOT NULL, data jsonb NOT NULL) ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS replay_moves (event_id text NOT NULL, lot_id text NOT NULL, taken bigint NOT NULL)
                ON COMMIT DELETE ROWS;
            CREATE TEMP TABLE IF NOT EXISTS replay_inserted (event_id text PRIMARY KEY) ON COMMIT DELETE ROWS;
            """;

    private static final String DAILY = """
            INSERT INTO analytics.daily_points AS d (day, type, tier, events, points, outstanding_delta)
            SELECT day, type, coalesce(tier, '-'), count(*), coalesce(sum(points), 0), sum(outstanding_delta)
            FROM %s GROUP BY 1, 2, 3
            ON CONFLICT (day, type, tier) DO UPDATE SET events = d.events + excluded.events,
                points = d.points + excluded.points, outstanding_delta = d.outstanding_delta + excluded.outstanding_delta""";

    /** Some events may be there already: only what this statement inserts is counted, in the same statement. */
    private static final String INSERT_EVENTS = """
            WITH inserted AS (
                INSERT INTO analytics.events (%1$s)
                SELECT %2$s, d.data FROM replay_batch b JOIN replay_data d USING (event_id)
                ON CONFLICT (event_id) DO NOTHING
                RETURNING event_id, day, type, tier, points, outstanding_delta
            ), daily AS (%3$s)
            INSERT INTO replay_inserted SELECT event_id FROM inserted
            """.formatted(COLUMNS, "b." + TYPED.replace(", ", ", b."), DAILY.formatted("inserted"));

    /** The rows of the batch that were inserted now, by the first way (all) or the second. */
    private static final String ALL_NEW = "replay_batch b";
    private static final String SOME_NEW = "replay_batch b JOIN replay_inserted USING (event_id)";

    private static final String LOTS = """
            INSERT INTO analytics.lots (lot_id, member_id, points, expires_at)
            SELECT b.lot_id, b.member_id, b.points, b.lot_expires_at FROM %s
            WHERE b.type = 'points.earned' OR (b.type = 'points.adjusted' AND b.points > 0)
            ON CONFLICT (lot_id) DO NOTHING""";

    private static final String LOTS_TAKEN = """
            UPDATE analytics.lots l SET taken = l.taken + m.taken
            FROM (SELECT m.lot_id, sum(m.taken) AS taken FROM replay_moves m %s GROUP BY m.lot_id) m
            WHERE l.lot_id = m.lot_id""";

    private static final String LOTS_DEFERRED = """
            UPDATE analytics.lots l SET expires_at = d.expires_at
            FROM (SELECT DISTINCT ON (b.lot_id) b.lot_id, b.lot_expires_at AS expires_at FROM %s
                  WHERE b.type = 'expiry.deferred' ORDER BY b.lot_id, b.seq DESC) d
            WHERE l.lot_id = d.lot_id""";

    private static final String MEMBERS_ENROLLED = """
            INSERT INTO analytics.members AS m (member_id, enrolled_at, locale)
            SELECT DISTINCT ON (b.member_id) b.member_id, b.occurred_at, b.data->>'locale' FROM %s
            WHERE b.type = 'member.enrolled' ORDER BY b.member_id, b.seq DESC
            ON CONFLICT (member_id) DO UPDATE SET enrolled_at = excluded.enrolled_at,
                locale = coalesce(excluded.locale, m.locale)""";

    private static final String MEMBERS_UPDATED = """
            INSERT INTO analytics.members AS m (member_id, locale)
            SELECT DISTINCT ON (b.member_id) b.member_id, b.data->>'locale' FROM %s
            WHERE b.type = 'member.updated' AND b.data ? 'locale' ORDER BY b.member_id, b.seq DESC
            ON CONFLICT (member_id) DO UPDATE SET locale = excluded.locale""";

    private static final String MEMBERS_TIER = """
            INSERT INTO analytics.members AS m (member_id, tier)
            SELECT DISTINCT ON (b.member_id) b.member_id, b.tier FROM %s
            WHERE b.type = 'tier.changed' ORDER BY b.member_id, b.seq DESC
            ON CONFLICT (member_id) DO UPDATE SET tier = excluded.tier""";

    private static final String REWARDS = """
            INSERT INTO analytics.rewards AS r (reward_id, name, kind, points_cost, retired)
            SELECT DISTINCT ON (b.reward_id) b.reward_id, b.data->>'name', b.data->>'kind',
                (b.data->>'pointsCost')::bigint, b.type = 'reward.retired' FROM %s
            WHERE b.type IN ('reward.upserted', 'reward.retired') ORDER BY b.reward_id, b.seq DESC
            ON CONFLICT (reward_id) DO UPDATE SET name = coalesce(excluded.name, r.name),
                kind = coalesce(excluded.kind, r.kind), points_cost = coalesce(excluded.points_cost, r.points_cost),
                retired = excluded.retired""";

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
                cancelled = p.cancelled + excluded.cancelled, points_spent = p.points_spent + excluded.points_spent""";

    private static final String UNREADABLE = """
            INSERT INTO analytics.unreadable (topic, kafka_partition, kafka_offset, reason, seen_at)
            VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""";

    private static final String SAVE_OFFSET = """
            INSERT INTO analytics.replay_offsets (consumer, topic, kafka_partition, next_offset, updated_at)
            VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (consumer, topic, kafka_partition) DO UPDATE SET next_offset = excluded.next_offset,
                updated_at = excluded.updated_at""";

    /** PostgreSQL's SQLSTATE for a unique key already there. */
    private static final String UNIQUE_VIOLATION = "23505";

    /** A batch's COPY texts, made on the reader's thread. */
    private record Prepared(Bytes events, Bytes staged, Bytes moves, List<ReplayEvent> unique, Set<String> types) {
    }

    private final Connection connection;
    private final CopyManager copy;
    private final String name;

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
    public boolean keepsEventsOnce() {
        return true;
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
             // MEMBER is every member's tier until a tier.changed: only the others are kept in memory.
             ResultSet rows = statement.executeQuery("SELECT member_id, tier FROM analytics.members"
                     + " WHERE tier <> 'MEMBER'")) {
            while (rows.next()) {
                tiers.put(rows.getString(1), rows.getString(2));
            }
        }
        connection.commit();
        return tiers;
    }

    /** Whether the analytics schema holds any event yet. */
    boolean holdsEvents() throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT EXISTS (SELECT 1 FROM analytics.events)")) {
            rows.next();
            boolean some = rows.getBoolean(1);
            connection.commit();
            return some;
        }
    }

    /**
     * The batch's COPY texts: its rows for analytics.events, the same rows for replay_batch (with
     * their data only where a statement reads it: members and rewards), and the lot moves.
     */
    @Override
    public void prepare(Batch batch) {
        int size = batch.events.size();
        Bytes events = new Bytes(Math.max(1024, size * 512));
        Bytes staged = new Bytes(Math.max(1024, size * 256));
        Bytes moves = new Bytes(Math.max(1024, size * 64));
        List<ReplayEvent> unique = new ArrayList<>(size);
        Set<String> types = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (ReplayEvent event : batch.events) {
            String id = event.id();
            if (!ids.add(id)) {
                // The same event twice in a batch (a producer's retry): the first one counts.
                continue;
            }
            unique.add(event);
            String type = event.type();
            types.add(type);
            EventColumns c = event.columns();
            int start = events.size();
            typed(events, event, c);
            int end = events.size();
            staged.put(events.array(), start, end - start);
            int[] data = DataSlice.of(event.value());
            events.copyText(event.value(), data[0], data[1] - data[0]).put((byte) '\n');
            timestamp(staged, c.lotExpiresAt()).put((byte) '\t');
            if (type.startsWith("member.") || type.startsWith("reward.")) {
                staged.copyText(event.value(), data[0], data[1] - data[0]).put((byte) '\n');
            } else {
                staged.ascii("\\N\n");
            }
            if (c.moveSign() != 0) {
                for (var allocation : c.lotMoves()) {
                    moves.copyText(id).put((byte) '\t');
                    moves.copyText(allocation.lotId()).put((byte) '\t');
                    moves.number(c.moveSign() * allocation.points()).put((byte) '\n');
                }
            }
        }
        batch.prepared = new Prepared(events, staged, moves, unique, types);
    }

    /** The typed columns of analytics.events, each followed by a tab. */
    private static void typed(Bytes line, ReplayEvent event, EventColumns c) {
        line.copyText(event.id()).put((byte) '\t');
        line.copyText(event.topic()).put((byte) '\t');
        line.number(event.partition()).put((byte) '\t');
        line.number(event.offset()).put((byte) '\t');
        line.copyText(event.type()).put((byte) '\t');
        timestamp(line, event.time()).put((byte) '\t');
        line.ascii(event.day().toString()).put((byte) '\t');
        line.copyText(c.memberId()).put((byte) '\t');
        line.copyText(event.tier()).put((byte) '\t');
        if (c.points() == null) {
            line.ascii("\\N");
        } else {
            line.number(c.points());
        }
        line.put((byte) '\t');
        line.number(c.outstandingDelta()).put((byte) '\t');
        line.copyText(c.lotId()).put((byte) '\t');
        line.copyText(c.holdId()).put((byte) '\t');
        line.copyText(c.orderId()).put((byte) '\t');
        line.copyText(c.rewardId()).put((byte) '\t');
        line.copyText(c.redemptionId()).put((byte) '\t');
    }

    private static Bytes timestamp(Bytes line, Instant time) {
        return time == null ? line.ascii("\\N") : line.ascii(time.toString());
    }

    @Override
    public void write(Batch batch) throws SQLException, IOException {
        if (batch.prepared == null) {
            prepare(batch);
        }
        Prepared prepared = (Prepared) batch.prepared;
        try {
            try {
                writeEvents(prepared, batch);
            } catch (SQLException e) {
                if (!refusesAValue(e)) {
                    throw e;
                }
                connection.rollback();
                writeOneByOne(prepared, batch);
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

    /** The batch's events and what they change, in the transaction open (not committed). */
    private void writeEvents(Prepared prepared, Batch batch) throws SQLException, IOException {
        if (prepared.unique().isEmpty()) {
            return;
        }
        copy.copyIn("COPY replay_batch (" + STAGED + ") FROM STDIN", prepared.staged().asInput(), 1 << 16);
        if (prepared.moves().size() > 0) {
            copy.copyIn("COPY replay_moves (event_id, lot_id, taken) FROM STDIN", prepared.moves().asInput(), 1 << 16);
        }
        String newRows = insertEvents(prepared, batch);
        try (Statement statement = connection.createStatement()) {
            statement.execute(aggregates(prepared, newRows));
        }
    }

    /**
     * A data exception (SQLSTATE class 22: a value out of range, text or JSON the server refuses) or
     * a limit exceeded (54): something in one of the batch's events, which no retry changes.
     */
    private static boolean refusesAValue(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("54"));
    }

    /**
     * The batch again, after PostgreSQL refused a value in it: each event on its own, in a savepoint,
     * so that an event the server cannot store is set aside as unreadable (with the server's reason,
     * at its offset) and the others are written; the replay goes on. What the reader sets aside
     * itself ({@link UnstorableText}) never comes here; this is for what it does not foresee, since
     * one such event made every run stop at its batch.
     */
    private void writeOneByOne(Prepared prepared, Batch batch) throws SQLException, IOException {
        long inserted = 0;
        Set<String> refused = new HashSet<>();
        for (ReplayEvent event : prepared.unique()) {
            Batch one = new Batch();
            one.events.add(event);
            prepare(one);
            Savepoint before = connection.setSavepoint();
            try {
                writeEvents((Prepared) one.prepared, one);
                connection.releaseSavepoint(before);
                inserted += Math.max(0, one.inserted);
            } catch (SQLException e) {
                if (!refusesAValue(e)) {
                    throw e;
                }
                connection.rollback(before);
                refused.add(event.id());
                // The server's sentence alone (its next lines quote the row): the reason stays short.
                String said = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                batch.unreadable.add(new Unreadable(event.topic(), event.partition(), event.offset(), "event "
                        + event.id() + " (" + event.type() + ") holds a value PostgreSQL refused ("
                        + said.substring(0, Math.min(said.length(), 300)) + ")" + Unreadable.UNSTORABLE));
            }
            try (Statement statement = connection.createStatement()) {
                // The staging tables empty only at commit: the next event's aggregates read them whole.
                statement.execute("DELETE FROM replay_batch; DELETE FROM replay_moves; DELETE FROM replay_data;"
                        + " DELETE FROM replay_inserted");
            }
        }
        batch.events.removeIf(event -> refused.contains(event.id()));
        batch.inserted = inserted;
    }

    /** Inserts the batch's events the first way, else the second; says which rows are new (for {@link #aggregates}). */
    private String insertEvents(Prepared prepared, Batch batch) throws SQLException, IOException {
        Savepoint before = connection.setSavepoint();
        try {
            copy.copyIn("COPY analytics.events (" + COLUMNS + ") FROM STDIN", prepared.events().asInput(), 1 << 16);
            connection.releaseSavepoint(before);
            try (Statement statement = connection.createStatement()) {
                statement.execute(DAILY.formatted(ALL_NEW));
            }
            batch.inserted = prepared.unique().size();
            return ALL_NEW;
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(before);
        }
        Bytes data = new Bytes(prepared.events().size() / 2 + 1024);
        for (ReplayEvent event : prepared.unique()) {
            int[] slice = DataSlice.of(event.value());
            data.copyText(event.id()).put((byte) '\t');
            data.copyText(event.value(), slice[0], slice[1] - slice[0]).put((byte) '\n');
        }
        copy.copyIn("COPY replay_data (event_id, data) FROM STDIN", data.asInput(), 1 << 16);
        try (Statement statement = connection.createStatement()) {
            batch.inserted = statement.executeUpdate(INSERT_EVENTS);
        }
        return SOME_NEW;
    }

    /** The statements that change the aggregates by the new rows, those only that the batch's types need. */
    private static String aggregates(Prepared prepared, String newRows) {
        Set<String> types = prepared.types();
        List<String> statements = new ArrayList<>();
        if (types.contains("points.earned") || types.contains("points.adjusted")) {
            statements.add(LOTS.formatted(newRows));
        }
        if (prepared.moves().size() > 0) {
            statements.add(LOTS_TAKEN.formatted(newRows == ALL_NEW ? "" : "JOIN replay_inserted USING (event_id)"));
        }
        if (types.contains("expiry.deferred")) {
            statements.add(LOTS_DEFERRED.formatted(newRows));
        }
        if (types.contains("member.enrolled")) {
            statements.add(MEMBERS_ENROLLED.formatted(newRows));
        }
        if (types.contains("member.updated")) {
            statements.add(MEMBERS_UPDATED.formatted(newRows));
        }
        if (types.contains("tier.changed")) {
            statements.add(MEMBERS_TIER.formatted(newRows));
        }
        if (types.contains("reward.upserted") || types.contains("reward.retired")) {
            statements.add(REWARDS.formatted(newRows));
        }
        if (types.stream().anyMatch(type -> type.startsWith("redemption."))) {
            statements.add(POPULARITY.formatted(newRows));
        }
        return String.join(";\n", statements);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
