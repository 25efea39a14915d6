package io.pointsplatform.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One claimed batch whose deliveries end differently (the job stores a batch's outcomes in one
 * statement, and reads opt-outs in its claim): each delivery's status, reason, attempts and recipient
 * are its own, and only the e-mails that should go reach the SMTP server (GreenMail in the test).
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
@WithTestResource(GreenMailResource.class)
class EmailBatchTest {

    @Inject
    Pool pool;

    /** A delivery's state as stored. */
    record State(String status, String reason, int attempts, String recipient, boolean due) {
    }

    @Test
    void aBatchWithMixedOutcomesStoresEachDeliverysOwnAndHonoursOptOutsReadInTheClaim() {
        String p = "mb-" + UUID.randomUUID() + "-";
        String title = "{\"title\":\"Spring offer\",\"body\":\"Double points\"}";
        // member suffix, address (null: none known), notice params, opt-outs as channel:kind
        List<List<String>> rows = List.of(
                List.of("sent", "sent", title, ""),
                List.of("out-kind", "out-kind", title, "email:marketing"),
                List.of("out-all", "out-all", title, "email:*"),
                List.of("out-elsewhere", "out-elsewhere", title, "email:points.earned,webhook:*,stream:marketing"),
                List.of("no-address", "", title, ""),
                List.of("bad-template", "bad-template", "{}", ""),
                // an address the SMTP client refuses: every attempt fails, then FAILED
                List.of("refused", "refused<", title, ""));
        pool.withTransaction(c -> {
            io.smallrye.mutiny.Uni<?> chain = io.smallrye.mutiny.Uni.createFrom().voidItem();
            for (List<String> row : rows) {
                String member = p + row.get(0);
                String address = row.get(1).isEmpty() ? null : p + row.get(1) + "@example.com";
                chain = chain.chain(() -> c.preparedQuery("insert into member_contact (member_id, locale, name, email) "
                                + "values ($1, 'en', 'Reader', $2)").execute(Tuple.of(member, address)))
                        .chain(() -> c.preparedQuery("insert into notification (notification_id, member_id, kind, title, "
                                        + "body, occurred_at, params) values ($1, $2, 'marketing', 't', 'b', now(), $3::text::jsonb)")
                                .execute(Tuple.of("n-" + member, member, row.get(2))));
                for (String optOut : row.get(3).isEmpty() ? new String[0] : row.get(3).split(",")) {
                    String[] channelKind = optOut.split(":");
                    chain = chain.chain(() -> c.preparedQuery("insert into notification_preference (member_id, channel, "
                            + "kind) values ($1, $2, $3)").execute(Tuple.of(member, channelKind[0], channelKind[1])));
                }
            }
            // every delivery due at once, in the same commit: one claim takes them all (batch 100)
            return chain.chain(() -> c.preparedQuery("insert into notice_delivery (notification_id, channel, status, "
                    + "next_attempt_at) select notification_id, 'email', 'PENDING', now() from notification "
                    + "where member_id like $1").execute(Tuple.of(p + "%")));
        }).await().atMost(Duration.ofSeconds(30));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(states(p).values()).extracting(State::status).doesNotContain("PENDING").hasSize(rows.size()));
        Map<String, State> states = states(p);
        assertThat(states.get(p + "sent")).isEqualTo(new State("SENT", null, 1, p + "sent@example.com", false));
        assertThat(states.get(p + "out-kind")).isEqualTo(new State("SKIPPED", "opted out", 0, null, false));
        assertThat(states.get(p + "out-all")).isEqualTo(new State("SKIPPED", "opted out", 0, null, false));
        assertThat(states.get(p + "out-elsewhere"))
                .isEqualTo(new State("SENT", null, 1, p + "out-elsewhere@example.com", false));
        assertThat(states.get(p + "no-address")).isEqualTo(new State("SKIPPED", "no e-mail address", 0, null, false));
        State badTemplate = states.get(p + "bad-template");
        assertThat(badTemplate.status()).isEqualTo("FAILED");
        assertThat(badTemplate.attempts()).isEqualTo(1);
        assertThat(badTemplate.recipient()).isEqualTo(p + "bad-template@example.com");
        assertThat(badTemplate.reason()).isNotBlank();
        State refused = states.get(p + "refused");
        // an address the mail client cannot parse: no later try can change that, FAILED at the first
        assertThat(refused.status()).isEqualTo("FAILED");
        assertThat(refused.attempts()).isEqualTo(1);
        assertThat(refused.recipient()).isEqualTo(p + "refused<@example.com");
        assertThat(refused.reason()).contains("address is invalid");
        assertThat(refused.due()).isFalse();

        assertThat(receivedBy(p)).containsExactlyInAnyOrder(p + "sent@example.com", p + "out-elsewhere@example.com");
    }

    /** Each delivery of the members whose ids start with the prefix, by member id. */
    private Map<String, State> states(String prefix) {
        Map<String, State> states = new HashMap<>();
        for (Row r : pool.preparedQuery("select n.member_id, d.status, d.reason, d.attempts, d.recipient, "
                        + "d.next_attempt_at is not null from notice_delivery d join notification n using (notification_id) "
                        + "where n.member_id like $1").execute(Tuple.of(prefix + "%")).await().atMost(Duration.ofSeconds(10))) {
            states.put(r.getString(0), new State(r.getString(1), r.getString(2), r.getInteger(3), r.getString(4),
                    r.getBoolean(5)));
        }
        return states;
    }

    /** The addresses GreenMail received mail for, of the members whose ids start with the prefix. */
    private static List<String> receivedBy(String prefix) {
        try {
            List<String> to = new java.util.ArrayList<>();
            for (MimeMessage message : GreenMailResource.server().getReceivedMessages()) {
                Arrays.stream(message.getAllRecipients()).map(Object::toString).filter(a -> a.startsWith(prefix))
                        .forEach(to::add);
            }
            return to;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
