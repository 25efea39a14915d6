package io.pointsplatform.redemption;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.kit.view.MemberViewMarksPurge;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The member view's marks of applied events are forgotten once older than their retention (7 days
 * here, as configured), every one of them however many, and younger ones are kept.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "redemption"))
@WithTestResource(FakeServices.class)
class MemberViewMarksTest {

    @Inject
    MemberViewMarksPurge purge;

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    @Test
    void marksOlderThanTheRetentionAreForgottenEveryOneAndYoungerOnesKept() throws SQLException {
        String prefix = "marks-" + UUID.randomUUID() + "-";
        // More old marks than one round deletes, so that the purge must go round again.
        int old = 10_005;
        update("insert into processed_event (event_id, processed_at) select ? || 'old-' || n,"
                + " now() - interval '8 days' - n * interval '1 second' from generate_series(1, " + old + ") as n", prefix);
        update("insert into processed_event (event_id, processed_at) values (? || 'young', now() - interval '6 days')", prefix);
        update("insert into processed_event (event_id) values (? || 'now')", prefix);

        long forgotten = purge.purge().await().atMost(Duration.ofMinutes(1));

        assertThat(forgotten).isGreaterThanOrEqualTo(old);
        assertThat(count("select count(*) from processed_event where event_id like ? || 'old-%'", prefix)).isZero();
        assertThat(count("select count(*) from processed_event where event_id like ? || '%'", prefix)).isEqualTo(2);
        assertThat(count("select count(*) from processed_event where processed_at < now() - interval '7 days'"
                + " and ? <> ''", prefix)).isZero();
    }

    private void update(String sql, String prefix) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD);
             PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, prefix);
            s.executeUpdate();
        }
    }

    private long count(String sql, String prefix) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD);
             PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, prefix);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
