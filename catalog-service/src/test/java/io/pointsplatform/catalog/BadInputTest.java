package io.pointsplatform.catalog;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.BadInputs;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Bad input on every endpoint of catalog-service, each answered with the right 4xx problem and its
 * field named as the client wrote it; afterwards no table has a row more or less and no reward of
 * the table reached catalog.rewards.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "catalog"))
class BadInputTest {

    private static final String REWARDS = "/api/v1/rewards";
    private static final String V = "VALIDATION_FAILED";

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    /** Every reward id of this run starts so, to find any of them on the topic afterwards. */
    private final String run = "r-bad-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    /** A reward that would be created, but for what a row changes in it. */
    private Body reward(int n) {
        return new Body().set("rewardId", "\"" + run + n + "\"").set("name", "\"Voucher 5 yuan\"")
                .set("kind", "\"VOUCHER\"").set("pointsCost", "500").set("stock", "10");
    }

    private BadInputs table() {
        String tooLong = "x".repeat(65);
        return new BadInputs(Tokens.admin())
                // The body as a whole.
                .json("malformed JSON", "POST", REWARDS, "{\"rewardId\":\"" + run + "1\",\"name\":", 400, V, null)
                .json("a JSON array where a reward is expected", "POST", REWARDS, "[" + reward(2) + "]", 400, V, null)
                .json("a JSON string where a reward is expected", "POST", REWARDS, "\"a reward\"", 400, V, null)
                .json("JSON null", "POST", REWARDS, "null", 400, V, null)
                .json("an empty body", "POST", REWARDS, "", 400, V, null)
                .raw("text/plain", "POST", REWARDS, "text/plain", utf8(reward(3)), 415, "UNSUPPORTED_MEDIA_TYPE", null)
                .raw("XML", "POST", REWARDS, "application/xml", utf8("<reward/>"), 415, "UNSUPPORTED_MEDIA_TYPE", null)
                .raw("bytes", "POST", REWARDS, "application/octet-stream", utf8(reward(4)), 415, "UNSUPPORTED_MEDIA_TYPE", null)
                .raw("a body not UTF-8 (Latin-1)", "POST", REWARDS, "application/json",
                        reward(5).set("name", "\"Caf\u00e9\"").toString().getBytes(StandardCharsets.ISO_8859_1), 400, V, null)
                .json("a body over 64 KiB", "POST", REWARDS,
                        reward(6).set("name", "\"" + "x".repeat(70_000) + "\"").toString(), 413, "PAYLOAD_TOO_LARGE", null)
                // Properties: unknown, of the wrong JSON type, missing.
                .json("an unknown property", "POST", REWARDS, reward(7).set("colour", "\"red\"").toString(), 400, V, "colour")
                .json("a misspelt property", "POST", REWARDS, reward(8).set("perMemberLimt", "1").toString(), 400, V, "perMemberLimt")
                .json("pointsCost as a string", "POST", REWARDS, reward(9).set("pointsCost", "\"500\"").toString(), 400, V, "pointsCost")
                .json("pointsCost with a fraction", "POST", REWARDS, reward(10).set("pointsCost", "500.5").toString(), 400, V, "pointsCost")
                .json("stock as true", "POST", REWARDS, reward(11).set("stock", "true").toString(), 400, V, "stock")
                .json("name as a number", "POST", REWARDS, reward(12).set("name", "5").toString(), 400, V, "name")
                .json("name as an object", "POST", REWARDS, reward(13).set("name", "{\"zh\":\"券\"}").toString(), 400, V, "name")
                .json("kind as a number", "POST", REWARDS, reward(14).set("kind", "1").toString(), 400, V, "kind")
                .json("an unknown kind", "POST", REWARDS, reward(15).set("kind", "\"CAR\"").toString(), 400, V, "kind")
                .json("an unknown minTier", "POST", REWARDS, reward(16).set("minTier", "\"DIAMOND\"").toString(), 400, V, "minTier")
                .json("perMemberLimit as a string", "POST", REWARDS, reward(17).set("perMemberLimit", "\"x\"").toString(), 400, V, "perMemberLimit")
                .json("validFrom not a time", "POST", REWARDS, reward(18).set("validFrom", "\"yesterday\"").toString(), 400, V, "validFrom")
                .json("validFrom without an offset", "POST", REWARDS,
                        reward(19).set("validFrom", "\"2026-12-01T00:00:00\"").toString(), 400, V, "validFrom")
                .json("rewardId as a number", "POST", REWARDS, reward(20).set("rewardId", "20").toString(), 400, V, "rewardId")
                .json("rewardId missing", "POST", REWARDS, reward(21).without("rewardId").toString(), 400, V, "rewardId")
                .json("name missing", "POST", REWARDS, reward(22).without("name").toString(), 400, V, "name")
                .json("kind missing", "POST", REWARDS, reward(23).without("kind").toString(), 400, V, "kind")
                .json("pointsCost missing", "POST", REWARDS, reward(24).without("pointsCost").toString(), 400, V, "pointsCost")
                .json("rewardId null", "POST", REWARDS, reward(25).set("rewardId", "null").toString(), 400, V, "rewardId")
                // Out of range.
                .json("pointsCost 0", "POST", REWARDS, reward(26).set("pointsCost", "0").toString(), 400, V, "pointsCost")
                .json("pointsCost negative", "POST", REWARDS, reward(27).set("pointsCost", "-500").toString(), 400, V, "pointsCost")
                .json("pointsCost over 100 000 000", "POST", REWARDS, reward(28).set("pointsCost", "100000001").toString(), 400, V, "pointsCost")
                // A number beyond its type: named from the parser (Jackson's InputCoercionException has no path).
                .json("pointsCost beyond a long", "POST", REWARDS,
                        reward(29).set("pointsCost", "9223372036854775808").toString(), 400, V, "pointsCost")
                .json("stock negative", "POST", REWARDS, reward(30).set("stock", "-1").toString(), 400, V, "stock")
                .json("stock over 1 000 000 000", "POST", REWARDS, reward(31).set("stock", "1000000001").toString(), 400, V, "stock")
                .json("perMemberLimit 0", "POST", REWARDS, reward(32).set("perMemberLimit", "0").toString(), 400, V, "perMemberLimit")
                .json("perMemberLimit over 10 000", "POST", REWARDS, reward(33).set("perMemberLimit", "10001").toString(), 400, V, "perMemberLimit")
                .json("perMemberLimit beyond an int", "POST", REWARDS,
                        reward(34).set("perMemberLimit", "2147483648").toString(), 400, V, "perMemberLimit")
                .json("validFrom in the year 10000", "POST", REWARDS,
                        reward(35).set("validFrom", "\"+10000-01-01T00:00:00Z\"").toString(), 400, V, "validFrom")
                .json("validUntil not after validFrom", "POST", REWARDS, reward(36).set("validFrom", "\"2026-12-01T00:00:00Z\"")
                        .set("validUntil", "\"2026-11-01T00:00:00Z\"").toString(), 400, V, "validUntil")
                .json("a blank name", "POST", REWARDS, reward(37).set("name", "\"   \"").toString(), 400, V, "name")
                .json("a name over 200 characters", "POST", REWARDS,
                        reward(38).set("name", "\"" + "x".repeat(201) + "\"").toString(), 400, V, "name")
                .json("a name holding U+0000", "POST", REWARDS, reward(39).set("name", "\"a\\u0000b\"").toString(), 400, V, "name")
                .json("a name holding a lone surrogate", "POST", REWARDS, reward(40).set("name", "\"a\\ud800b\"").toString(), 400, V, "name")
                // Bad ids in the body, the path and the query.
                .json("a rewardId with a space", "POST", REWARDS, reward(41).set("rewardId", "\"r bad\"").toString(), 400, V, "rewardId")
                .json("a rewardId of 65 characters", "POST", REWARDS, reward(42).set("rewardId", "\"" + tooLong + "\"").toString(), 400, V, "rewardId")
                .json("an empty rewardId", "POST", REWARDS, reward(43).set("rewardId", "\"\"").toString(), 400, V, "rewardId")
                .json("a rewardId with a slash", "POST", REWARDS, reward(44).set("rewardId", "\"r/44\"").toString(), 400, V, "rewardId")
                .call("a path id with a space", "GET", REWARDS + "/r%20bad", 400, V, "rewardId")
                .call("a path id of 65 characters", "GET", REWARDS + "/" + tooLong, 400, V, "rewardId")
                .call("a path id not ASCII", "GET", REWARDS + "/%E5%A5%96", 400, V, "rewardId")
                .call("a path id holding U+0000", "GET", REWARDS + "/r%00x", 400, V, "rewardId")
                .call("a reward that does not exist", "GET", REWARDS + "/" + run + "none", 404, "NOT_FOUND", null)
                .call("a bad memberId on a reward", "GET", REWARDS + "/" + run + "none?memberId=m%20x", 400, V, "memberId")
                .call("a bad memberId on the list", "GET", REWARDS + "?memberId=m%20x", 400, V, "memberId")
                .call("a bad after", "GET", REWARDS + "?after=" + tooLong, 400, V, "after")
                .call("?limit=abc", "GET", REWARDS + "?limit=abc", 400, V, "limit")
                .call("?limit=0", "GET", REWARDS + "?limit=0", 400, V, "limit")
                .call("?limit=-1", "GET", REWARDS + "?limit=-1", 400, V, "limit")
                .call("?limit=201", "GET", REWARDS + "?limit=201", 400, V, "limit")
                .call("?limit=1.5", "GET", REWARDS + "?limit=1.5", 400, V, "limit")
                .call("?limit beyond an int", "GET", REWARDS + "?limit=2147483648", 400, V, "limit")
                // A method the path does not have.
                .call("DELETE on the rewards", "DELETE", REWARDS, 405, "METHOD_NOT_ALLOWED", null)
                .json("PUT on a reward (not built yet)", "PUT", REWARDS + "/" + run + "45", reward(45).toString(),
                        405, "METHOD_NOT_ALLOWED", null);
    }

    @Test
    void everyBadInputIsAProblemNamingTheFieldAndChangesNothing() throws InterruptedException {
        Map<String, Long> before = BadInputs.settledRowCounts(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD);

        List<String> wrong = table().wrongAnswers();
        Map<String, Long> after = BadInputs.rowCounts(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD);
        // A good reward after the bad ones: once it is on the topic, anything the bad ones had
        // enqueued would be there before it (the relay publishes the outbox oldest first).
        String marker = run + "good";
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(reward(0).set("rewardId", "\"" + marker + "\"").toString()).post(REWARDS).then().statusCode(201);
        TopicReader.awaitKey(Topics.CATALOG_REWARDS, marker, 1);
        List<String> published = TopicReader.all(Topics.CATALOG_REWARDS, r -> r.key() != null && r.key().startsWith(run)
                && !r.key().equals(marker)).stream().map(ConsumerRecord::key).toList();

        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(wrong).as("bad inputs answered wrongly:\n  " + String.join("\n  ", wrong)).isEmpty();
            softly.assertThat(after).as("rows per table after the bad inputs").isEqualTo(before);
            softly.assertThat(published).as("rewards of the bad inputs on " + Topics.CATALOG_REWARDS).isEmpty();
        });
    }

    /** Quarkus reads {@code ?memberId=} as no memberId at all, and {@code ?limit=} as the default. */
    @Test
    void anEmptyQueryParameterIsTheSameAsNone() {
        String rewardId = run + "empty";
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body(reward(0).set("rewardId", "\"" + rewardId + "\"").toString()).post(REWARDS).then().statusCode(201);
        given().auth().oauth2(Tokens.member("m-1")).urlEncodingEnabled(false).get(REWARDS + "/" + rewardId + "?memberId=")
                .then().statusCode(200).body("rewardId", equalTo(rewardId)).body("eligibility", nullValue());
        given().auth().oauth2(Tokens.admin()).urlEncodingEnabled(false).get(REWARDS + "?memberId=&limit=&after=")
                .then().statusCode(200).body("rewardId", hasItem(rewardId)).body("eligibility", everyItem(nullValue()));
    }

    private static byte[] utf8(Object text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON object written property by property, each value as raw JSON, so a row can make it wrong. */
    private static final class Body {

        private final Map<String, String> properties = new LinkedHashMap<>();

        Body set(String name, String rawJson) {
            properties.put(name, rawJson);
            return this;
        }

        Body without(String name) {
            properties.remove(name);
            return this;
        }

        @Override
        public String toString() {
            StringBuilder json = new StringBuilder("{");
            properties.forEach((name, value) -> json.append(json.length() > 1 ? "," : "")
                    .append('"').append(name).append("\":").append(value));
            return json.append('}').toString();
        }
    }
}
