package io.pointsplatform.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The local PostgreSQL server that {@code deploy/local/postgres.sh} runs, found through the same
 * environment variables as the services and scripts, and throw-away databases on it.
 */
public final class LocalPostgres {

    public static final String HOST = env("POINTS_DB_HOST", "127.0.0.1");
    public static final String PORT = env("POINTS_DB_PORT", "5432");
    public static final String USER = env("POINTS_DB_USER", "points");
    public static final String PASSWORD = env("POINTS_DB_PASSWORD", "points");

    private LocalPostgres() {
    }

    /** Creates a database no other run uses, named after {@code purpose}; returns its name. */
    public static String createDatabase(String purpose) {
        String database = "test_" + purpose.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_"
                + Long.toString(System.currentTimeMillis(), 36) + "_"
                + Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20), 36);
        execute("create database " + database);
        return database;
    }

    public static void dropDatabase(String database) {
        execute("drop database if exists " + database + " with (force)");
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    public static String reactiveUrl(String database) {
        return "postgresql://" + HOST + ":" + PORT + "/" + database;
    }

    /**
     * Runs the service's own migration scripts ({@code db/migration/<script>} on the test's class
     * path) as Flyway runs them, each a script of statements: for tests of a migration on data
     * written before it.
     */
    public static void migrate(Connection connection, String... scripts) throws IOException, SQLException {
        for (String script : scripts) {
            try (InputStream in = Thread.currentThread().getContextClassLoader()
                    .getResourceAsStream("db/migration/" + script);
                 Statement statement = connection.createStatement()) {
                if (in == null) {
                    throw new IllegalArgumentException("no migration script " + script + " on the class path");
                }
                statement.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    /** A query's rows of (text, bigint), as a map in key order: what a migration test compares. */
    public static Map<String, Long> longsByKey(Connection connection, String query) throws SQLException {
        Map<String, Long> found = new TreeMap<>();
        try (Statement s = connection.createStatement(); ResultSet rows = s.executeQuery(query)) {
            while (rows.next()) {
                found.put(rows.getString(1), rows.getLong(2));
            }
        }
        return found;
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD);
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + HOST + ":" + PORT + " refused '" + sql
                    + "' (run deploy/local/postgres.sh first): " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
