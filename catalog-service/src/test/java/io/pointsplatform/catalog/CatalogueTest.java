package io.pointsplatform.catalog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.RewardRetired;
import io.pointsplatform.events.RewardUpserted;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The catalogue's admin API for every kind: created, changed and retired through HTTP, each change
 * read back from catalog.rewards as the event the outbox published; Idempotency-Key as CONTRACT.md says.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "catalog"))
class CatalogueTest {

    private static final String REWARDS = "/api/v1/rewards";
    private final EventCodec codec = new EventCodec();

    static RequestSpecification asAdmin() {
        return given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON);
    }

    static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 12);
    }

    /** A reward of each kind, as JSON, with what that kind needs. */
    static String body(String rewardId, String kind, String extra) {
        String specific = switch (kind) {
            case "VOUCHER" -> ",\"voucherValue\":5.5";
            case "LOTTERY" -> ",\"pointsCost\":100,\"prizes\":[{\"prizeId\":\"mug\",\"name\":\"Mug\",\"odds\":0.25,"
                    + "\"stock\":3},{\"prizeId\":\"pen\",\"name\":\"Pen\",\"odds\":0.5}]";
            case "DONATION" -> ",\"pointsCost\":100,\"cause\":\"cause-" + rewardId + "\"";
            case "COUPON" -> ",\"pointsCost\":300";
            default -> ",\"pointsCost\":800,\"stock\":10";
        };
        return "{\"rewardId\":\"" + rewardId + "\",\"name\":\"A " + kind.toLowerCase() + "\",\"kind\":\"" + kind + "\""
                + specific + (extra == null ? "" : "," + extra) + "}";
    }

    private List<CloudEvent> events(String rewardId, int count) {
        return TopicReader.awaitKey(Topics.CATALOG_REWARDS, rewardId, count).stream()
                .map(r -> codec.read(r.value())).toList();
    }

    @Test
    void everyKindIsCreatedChangedAndRetiredEachChangeAnEvent() {
        for (String kind : List.of("GIFT", "VOUCHER", "COUPON", "LOTTERY", "DONATION")) {
            String rewardId = id("r-" + kind.toLowerCase());
            asAdmin().body(body(rewardId, kind, "\"perMemberLimit\":{\"count\":2,\"period\":\"MONTH\"},"
                            + "\"minTier\":\"SILVER\",\"validFrom\":\"2026-01-01T00:00:00Z\"")).post(REWARDS)
                    .then().statusCode(201).body("kind", equalTo(kind)).body("status", equalTo("ACTIVE"))
                    .body("visibility", equalTo("PUBLIC")).body("perMemberLimit.period", equalTo("MONTH"));
            asAdmin().body(body(rewardId, kind, "\"name\":\"renamed\",\"visibility\":\"HIDDEN\"")
                            .replace("\"name\":\"A " + kind.toLowerCase() + "\",", ""))
                    .put(REWARDS + "/" + rewardId).then().statusCode(200).body("name", equalTo("renamed"))
                    .body("visibility", equalTo("HIDDEN")).body("perMemberLimit", nullValue());
            given().auth().oauth2(Tokens.admin()).post(REWARDS + "/" + rewardId + "/retire")
                    .then().statusCode(200).body("status", equalTo("RETIRED"));
            given().auth().oauth2(Tokens.admin()).post(REWARDS + "/" + rewardId + "/retire")
                    .then().statusCode(200).body("status", equalTo("RETIRED"));
            asAdmin().body(body(rewardId, kind, null)).put(REWARDS + "/" + rewardId)
                    .then().statusCode(409).body("code", equalTo("REWARD_RETIRED"));

            List<CloudEvent> published = events(rewardId, 3);
            assertThat(published).extracting(CloudEvent::type)
                    .containsExactly("reward.upserted", "reward.upserted", "reward.retired");
            RewardUpserted created = (RewardUpserted) published.get(0).data();
            RewardUpserted changed = (RewardUpserted) published.get(1).data();
            assertThat(created.kind()).isEqualTo(kind);
            assertThat(created.perMemberLimit()).isEqualTo(2);
            assertThat(created.perMemberLimitPeriod()).isEqualTo("MONTH");
            assertThat(created.minTier()).isEqualTo("SILVER");
            assertThat(changed.name()).isEqualTo("renamed");
            assertThat(changed.visibility()).isEqualTo("HIDDEN");
            assertThat(changed.perMemberLimit()).isNull();
            assertThat(published.get(2).data()).isEqualTo(new RewardRetired(rewardId));
            assertThat(published).extracting(CloudEvent::id).doesNotHaveDuplicates();
            switch (kind) {
                case "VOUCHER" -> {
                    assertThat(created.voucherValue()).isEqualTo("5.5");
                    assertThat(created.pointsCost()).as("100 points a yuan by default").isEqualTo(550);
                }
                case "LOTTERY" -> {
                    assertThat(created.prizes()).extracting(RewardUpserted.Prize::prizeId).containsExactly("mug", "pen");
                    assertThat(created.prizes().get(0).odds()).isEqualTo("0.25");
                    assertThat(created.prizes().get(1).stock()).isNull();
                    assertThat(created.stock()).as("unlimited draws").isNull();
                }
                case "DONATION" -> assertThat(created.cause()).isEqualTo("cause-" + rewardId);
                case "COUPON" -> assertThat(created.stock()).as("no codes yet").isZero();
                default -> assertThat(created.stock()).isEqualTo(10);
            }
        }
    }

    @Test
    void theSameDefinitionAgainChangesNothingAndPublishesNothing() {
        String rewardId = id("r-same");
        asAdmin().body(body(rewardId, "GIFT", null)).post(REWARDS).then().statusCode(201);
        asAdmin().body(body(rewardId, "GIFT", null)).post(REWARDS).then().statusCode(200);
        asAdmin().body(body(rewardId, "GIFT", null)).put(REWARDS + "/" + rewardId).then().statusCode(200);
        asAdmin().body(body(rewardId, "GIFT", "\"stock\":11").replace("\"stock\":10,", "").replace(",\"stock\":10", ""))
                .put(REWARDS + "/" + rewardId).then().statusCode(200).body("stock", equalTo(11));
        asAdmin().body(body(rewardId, "GIFT", "\"minTier\":\"GOLD\"")).post(REWARDS)
                .then().statusCode(409).body("code", equalTo("REWARD_CONFLICT"));
        asAdmin().body(body(rewardId, "VOUCHER", null)).put(REWARDS + "/" + rewardId)
                .then().statusCode(400).body("errors.field", hasItem("kind"));
        asAdmin().body(body(rewardId, "GIFT", null).replace(rewardId + "\"", rewardId + "-other\""))
                .put(REWARDS + "/" + rewardId).then().statusCode(400).body("errors.field", hasItem("rewardId"));

        List<CloudEvent> published = events(rewardId, 2);
        assertThat(TopicReader.all(Topics.CATALOG_REWARDS, r -> rewardId.equals(r.key()))).hasSize(2);
        assertThat(((RewardUpserted) published.get(1).data()).stock()).isEqualTo(11);
    }

    @Test
    void anIdempotencyKeyAnswersTheFirstResponseAndRefusesAnotherBody() {
        String key = UUID.randomUUID().toString();
        String rewardId = id("r-key");
        Map<String, Object> first = asAdmin().header(IdempotencyKeys.HEADER, key).body(body(rewardId, "GIFT", null))
                .post(REWARDS).then().statusCode(201).extract().jsonPath().getMap("");
        // The reward changes meanwhile: the repeat still answers the first response, as it was.
        asAdmin().body(body(rewardId, "GIFT", "\"name\":\"changed\"").replace("\"name\":\"A gift\",", ""))
                .put(REWARDS + "/" + rewardId).then().statusCode(200);
        Map<String, Object> again = asAdmin().header(IdempotencyKeys.HEADER, key).body(body(rewardId, "GIFT", null))
                .post(REWARDS).then().statusCode(201).header(IdempotencyKeys.REPLAYED_HEADER, "true")
                .extract().jsonPath().getMap("");
        assertThat(again).isEqualTo(first);
        asAdmin().header(IdempotencyKeys.HEADER, key).body(body(id("r-key"), "GIFT", null)).post(REWARDS)
                .then().statusCode(409).body("code", equalTo("IDEMPOTENCY_KEY_REUSED"));
        asAdmin().header(IdempotencyKeys.HEADER, "bad key").body(body(id("r-key"), "GIFT", null)).post(REWARDS)
                .then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
    }

    @Test
    void aHiddenRewardIsSeenByStaffAndServicesOnlyAndARetiredOneLeavesThePublicList() {
        String hidden = id("r-hidden");
        String retired = id("r-retired");
        asAdmin().body(body(hidden, "GIFT", "\"visibility\":\"HIDDEN\"")).post(REWARDS).then().statusCode(201);
        asAdmin().body(body(retired, "GIFT", null)).post(REWARDS).then().statusCode(201);
        given().auth().oauth2(Tokens.admin()).post(REWARDS + "/" + retired + "/retire").then().statusCode(200);
        for (String token : List.of(Tokens.admin(), Tokens.analyst(), Tokens.service())) {
            given().auth().oauth2(token).get(REWARDS + "/" + hidden).then().statusCode(200);
            given().auth().oauth2(token).queryParam("limit", 200).queryParam("after", hidden.substring(0, 8))
                    .get(REWARDS).then().statusCode(200).body("rewardId", hasItem(hidden));
        }
        for (String token : List.of(Tokens.member("m-hidden"), Tokens.checkout())) {
            given().auth().oauth2(token).get(REWARDS + "/" + hidden).then().statusCode(404);
            given().auth().oauth2(token).get(REWARDS + "/" + retired).then().statusCode(200)
                    .body("status", equalTo("RETIRED"));
            given().auth().oauth2(token).queryParam("limit", 200).queryParam("after", "r-h")
                    .get(REWARDS).then().statusCode(200).body("rewardId", not(hasItem(hidden)));
            given().auth().oauth2(token).queryParam("limit", 200).queryParam("after", "r-r")
                    .get(REWARDS).then().statusCode(200).body("rewardId", not(hasItem(retired)));
        }
    }

    @Test
    void whatAKindNeedsIsCheckedAndAVouchersRateIsOneHundredPointsAYuan() {
        asAdmin().body(body(id("r-v"), "VOUCHER", null).replace(",\"voucherValue\":5.5", "")).post(REWARDS)
                .then().statusCode(400).body("errors.field", hasItem("voucherValue"));
        asAdmin().body(body(id("r-g"), "GIFT", "\"voucherValue\":5")).post(REWARDS)
                .then().statusCode(400).body("errors.field", hasItem("voucherValue"));
        asAdmin().body(body(id("r-l"), "LOTTERY", null).replace("0.25", "0.75")).post(REWARDS)
                .then().statusCode(400).body("errors.field", hasItem("prizes"));
        asAdmin().body(body(id("r-l"), "LOTTERY", null).replace("\"pen\"", "\"mug\"")).post(REWARDS)
                .then().statusCode(400).body("errors.field", hasItem("prizes"));
        asAdmin().body(body(id("r-d"), "DONATION", null).replace(",\"cause\":", ",\"x\":")).post(REWARDS)
                .then().statusCode(400);
        asAdmin().body(body(id("r-c"), "COUPON", "\"stock\":5")).post(REWARDS)
                .then().statusCode(400).body("errors.field", hasItem("stock"));
        asAdmin().body(body(id("r-g"), "GIFT", null).replace(",\"pointsCost\":800", "")).post(REWARDS)
                .then().statusCode(400).body("errors.field", hasItem("pointsCost"));
        String voucher = id("r-v");
        asAdmin().body(body(voucher, "VOUCHER", "\"pointsCost\":400")).post(REWARDS)
                .then().statusCode(201).body("pointsCost", equalTo(400)).body("voucherValue", equalTo(5.5f));
    }
}
