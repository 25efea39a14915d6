package io.pointsplatform.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.testing.Tokens;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker killed (SIGKILL) while checkout goes on, then started again, on the local stack's
 * broker (SASL and ACLs on, each service logged in as itself): earning-service takes every order
 * all along (each credit waits in its outbox), the ledger goes on deciding holds and captures from
 * its own database, and once the broker is back every credit and every decision reaches the log
 * exactly once: the ledger's balances equal what checkout was told, and a replay of the log agrees.
 */
class BrokerCrashTest {

    private static final int MEMBERS = 4;
    private static final Duration CATCH_UP = Duration.ofSeconds(120);

    private static LocalBroker broker;
    private static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        broker = LocalBroker.start("broker-crash");
        platform = Platform.start(broker, Map.of(), "earning-service", "ledger-service");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (platform != null) {
                platform.close();
            }
        } finally {
            if (broker != null) {
                broker.close();
            }
        }
    }

    /** A request stuck behind a blocked event loop fails the test instead of holding up the build. */
    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void ordersTakenWhileTheBrokerIsDownReachTheLedgerOnceWhenItIsBack() throws Exception {
        String prefix = "bc-" + UUID.randomUUID() + "-";
        List<String> members = new ArrayList<>();
        int[] earned = new int[MEMBERS];
        for (int i = 0; i < MEMBERS; i++) {
            members.add(prefix + i);
            given().auth().oauth2(Tokens.checkout()).baseUri(earning()).contentType(ContentType.JSON)
                    .body(Map.of("memberId", members.get(i))).post("/api/v1/members").then().statusCode(201);
            earned[i] = 100;
        }
        for (int i = 0; i < MEMBERS; i++) {
            earned[i] += order(members.get(i), "before");
        }
        awaitLedger(members, earned);

        broker.kill();
        // Answered at once all along: a producer waiting for the broker never holds up a request
        // (the relays' sends left the event loops).
        long started = System.nanoTime();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < MEMBERS; i++) {
                earned[i] += order(members.get(i), "down-" + round);
            }
        }
        // The ledger decides a debit without the broker: its events wait in its outbox. Its relay's
        // first send of the run is one of them: the producer knows no partitions of the topic yet.
        String spender = members.get(0);
        for (int round = 0; round < 4; round++) {
            given().auth().oauth2(Tokens.member(spender)).baseUri(ledger()).contentType(ContentType.JSON)
                    .body(Map.of("holdId", "h-down-" + round, "points", 15)).post("/api/v1/accounts/{m}/holds", spender)
                    .then().statusCode(201).body("status", equalTo("OPEN"));
            given().auth().oauth2(Tokens.member(spender)).baseUri(ledger()).post("/api/v1/accounts/{m}/holds/h-down-{r}/capture", spender, round)
                    .then().statusCode(201).body("status", equalTo("CAPTURED"));
            Thread.sleep(500);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("12 orders and 4 holds with their captures while the broker is down")
                .isLessThan(Duration.ofSeconds(30));

        broker.restart();
        for (int i = 0; i < MEMBERS; i++) {
            earned[i] += order(members.get(i), "after");
        }

        awaitLedger(members, earned);
        given().auth().oauth2(Tokens.analyst()).baseUri(ledger()).get("/api/v1/accounts/{m}", spender).then()
                .body("spent", equalTo(60)).body("available", equalTo(40)).body("reserved", equalTo(0));
        // The log holds each credit and decision once: its replay equals the live balances.
        await().atMost(CATCH_UP).untilAsserted(() -> given().auth().oauth2(Tokens.analyst()).baseUri(ledger())
                .get("/api/v1/admin/verify").then().statusCode(200)
                .body("membersChecked", equalTo(MEMBERS))
                .body("eventsReplayed", equalTo(MEMBERS * 6 + 8))
                .body("mismatchCount", equalTo(0)));
    }

    /** A paid order of 12 yuan for the member; its points, as checkout is told them at once (201). */
    private static int order(String memberId, String name) {
        int points = given().auth().oauth2(Tokens.checkout()).baseUri(earning()).contentType(ContentType.JSON)
                .body(Map.of("orderId", "o-" + memberId + "-" + name, "memberId", memberId,
                        "paidAt", Platform.paidAtNotOnAMemberDay().toString(), "currency", "CNY",
                        "lines", List.of(Map.of("sku", "tea", "quantity", 1, "unitPrice", "12.00"))))
                .post("/api/v1/earnings").then().statusCode(201).extract().path("points");
        assertThat(points).isEqualTo(12);
        return points;
    }

    /** Waits until the ledger has folded every credit: each member's lifetime earnings as checkout was told. */
    private static void awaitLedger(List<String> members, int[] earned) {
        for (int i = 0; i < members.size(); i++) {
            String memberId = members.get(i);
            int expected = earned[i];
            await().atMost(CATCH_UP).untilAsserted(() -> given().auth().oauth2(Tokens.analyst()).baseUri(ledger())
                    .get("/api/v1/accounts/{m}", memberId).then().statusCode(200)
                    .body("lifetimeEarned", equalTo(expected)));
        }
    }

    private static String earning() {
        return platform.url("earning-service");
    }

    private static String ledger() {
        return platform.url("ledger-service");
    }
}
