package io.pointsplatform.dashboard;

import io.pointsplatform.testing.LocalPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The test database's analytics schema, made from replay-cli's own schema.sql (copied onto the test
 * class path by the build, never by hand), emptied, or filled with the fixture of a week. Expected
 * numbers are read back with SQL on the events themselves, not on the aggregates the dashboard reads.
 */
final class AnalyticsData {

    private static final String TABLES = "analytics.events, analytics.daily_points, analytics.members, analytics.rewards,"
            + " analytics.reward_popularity, analytics.lots, analytics.replay_offsets, analytics.unreadable";

    private final String url;

    AnalyticsData(String database) {
        this.url = LocalPostgres.jdbcUrl(database);
    }

    /** The schema as replay-cli makes it, with no rows: a stack before its first event. */
    AnalyticsData empty() {
        run(script("analytics/schema.sql"));
        run("truncate " + TABLES);
        return this;
    }

    /** The week of fixtures/month.sql, alone. */
    AnalyticsData week() {
        empty();
        run(script("fixtures/month.sql"));
        return this;
    }

    void run(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The one number a query answers. */
    long number(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** The points of one event type over the whole log, from analytics.events. */
    long points(String type) {
        return number("select coalesce(sum(points), 0) from analytics.events where type = '" + type + "'");
    }

    long outstanding() {
        return number("select coalesce(sum(outstanding_delta), 0) from analytics.events");
    }

    /** Points left in lots expiring within {@code days} days of now. */
    long expiring(int days) {
        return number("select coalesce(sum(points - taken), 0) from analytics.lots where expires_at > now()"
                + " and expires_at <= now() + interval '" + days + " days'");
    }

    long members() {
        return number("select count(*) from analytics.members");
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, LocalPostgres.USER, LocalPostgres.PASSWORD);
    }

    private static String script(String resource) {
        try (InputStream in = AnalyticsData.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
