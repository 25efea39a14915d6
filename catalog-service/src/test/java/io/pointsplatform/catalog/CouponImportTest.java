package io.pointsplatform.catalog;

import static io.pointsplatform.catalog.CatalogueTest.asAdmin;
import static io.pointsplatform.catalog.CatalogueTest.body;
import static io.pointsplatform.catalog.CatalogueTest.id;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.RewardUpserted;
import io.pointsplatform.events.StockChanged;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A COUPON's codes imported from CSV: all or none, every line at fault named, stock = codes left. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "catalog"))
class CouponImportTest {

    private static ValidatableResponse importCodes(String rewardId, String csv) {
        return given().auth().oauth2(Tokens.admin()).contentType("text/csv").body(csv.getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/rewards/" + rewardId + "/coupon-codes").then();
    }

    private static String coupon() {
        String rewardId = id("r-cp");
        asAdmin().body(body(rewardId, "COUPON", null)).post("/api/v1/rewards").then().statusCode(201).body("stock", equalTo(0));
        return rewardId;
    }

    @Test
    void codesAreImportedWithOrWithoutAHeaderAndStockCountsThem() {
        String rewardId = coupon();
        String p = rewardId + "-";
        importCodes(rewardId, "code\r\n" + p + "1\r\n" + p + "2\r\n").statusCode(200).body("imported", equalTo(2))
                .body("stock", equalTo(2));
        importCodes(rewardId, "  " + p + "3  \n" + p + "4").statusCode(200).body("imported", equalTo(2))
                .body("stock", equalTo(4));
        given().auth().oauth2(Tokens.member("m-1")).get("/api/v1/rewards/" + rewardId).then().body("stock", equalTo(4));
        // Created; then per import stock.changed and the reward as it now is (what compaction keeps).
        List<CloudEvent> published = TopicReader.awaitKey(Topics.CATALOG_REWARDS, rewardId, 5).stream()
                .map(r -> new EventCodec().read(r.value())).toList();
        assertThat(published).filteredOn(e -> e.data() instanceof StockChanged)
                .extracting(e -> ((StockChanged) e.data()).stock()).containsExactly(2L, 4L);
        assertThat(published.get(4).data()).isInstanceOfSatisfying(RewardUpserted.class,
                last -> assertThat(last.stock()).isEqualTo(4L));
    }

    @Test
    void anIdempotencyKeyMakesARetriedImportSafe() {
        String rewardId = coupon();
        String file = "code\n" + rewardId + "-k1\n" + rewardId + "-k2\n";
        String key = id("key");
        for (int attempt = 0; attempt < 2; attempt++) {
            given().auth().oauth2(Tokens.admin()).header(IdempotencyKeys.HEADER, key).contentType("text/csv")
                    .body(file.getBytes(StandardCharsets.UTF_8)).post("/api/v1/rewards/" + rewardId + "/coupon-codes")
                    .then().statusCode(200).body("imported", equalTo(2)).body("stock", equalTo(2));
        }
        given().auth().oauth2(Tokens.admin()).header(IdempotencyKeys.HEADER, key).contentType("text/csv")
                .body((rewardId + "-k3\n").getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/rewards/" + rewardId + "/coupon-codes").then().statusCode(409)
                .body("code", equalTo("IDEMPOTENCY_KEY_REUSED"));
        // The same file without its key (its answer was lost before the key was kept, or never sent):
        // answered as the import it made, nothing imported twice. Until 2026-12-06 it was refused,
        // 422 "nothing was imported", although the first had imported every code.
        importCodes(rewardId, file).statusCode(200).body("imported", equalTo(2)).body("stock", equalTo(2));
        // Another file with some of its codes is still refused whole.
        importCodes(rewardId, rewardId + "-k1\n" + rewardId + "-k3\n").statusCode(422)
                .body("errors.field", equalTo(List.of("line 1")));
        // So is the same file for another reward: its codes belong to the first.
        String other = coupon();
        importCodes(other, file).statusCode(422).body("errors.field", equalTo(List.of("line 2", "line 3")));
        asAdmin().get("/api/v1/rewards/" + rewardId).then().body("stock", equalTo(2));
        asAdmin().get("/api/v1/rewards/" + other).then().body("stock", equalTo(0));
    }

    @Test
    void aFileWithDuplicatesIsRefusedAsAWholeNamingEveryLine() {
        String rewardId = coupon();
        String p = rewardId + "-";
        importCodes(rewardId, "code\n" + p + "a\n" + p + "b\n" + p + "a\n" + p + "c\n" + p + "b\n").statusCode(422)
                .contentType("application/problem+json").body("code", equalTo("COUPON_CODES_REFUSED"))
                .body("errors.field", equalTo(List.of("line 4", "line 6")))
                .body("errors.message", equalTo(List.of("repeats the code of line 2", "repeats the code of line 3")));
        asAdmin().get("/api/v1/rewards/" + rewardId).then().body("stock", equalTo(0));

        importCodes(rewardId, p + "a\n" + p + "b\n").statusCode(200);
        // Already imported, for this reward or another: refused, nothing of the file taken.
        String other = coupon();
        importCodes(other, other + "-new\n" + p + "b\n" + other + "-new2\n" + p + "a\n").statusCode(422)
                .body("errors.field", equalTo(List.of("line 2", "line 4")))
                .body("errors.message", equalTo(List.of("the code was imported before", "the code was imported before")));
        asAdmin().get("/api/v1/rewards/" + other).then().body("stock", equalTo(0));
        importCodes(other, other + "-new\n").statusCode(200).body("stock", equalTo(1));
    }

    @Test
    void linesThatAreNotCodesAndFilesThatAreNotCouponsAreRefused() {
        String rewardId = coupon();
        importCodes(rewardId, "code\n\nA,B\n\"Q\"\n" + "x".repeat(65) + "\n").statusCode(422)
                .body("errors.field", equalTo(List.of("line 2", "line 3", "line 4", "line 5")));
        importCodes(rewardId, "code\n").statusCode(422).body("errors.field", equalTo(List.of("body")));
        importCodes(rewardId, "").statusCode(422).body("errors.field", equalTo(List.of("body")));
        given().auth().oauth2(Tokens.admin()).contentType("text/csv").body(new byte[] {'A', (byte) 0xC3, '\n'})
                .post("/api/v1/rewards/" + rewardId + "/coupon-codes").then().statusCode(422)
                .body("errors.message", equalTo(List.of("is not UTF-8")));
        given().auth().oauth2(Tokens.admin()).contentType("text/plain").body("A1\n")
                .post("/api/v1/rewards/" + rewardId + "/coupon-codes").then().statusCode(415)
                .body("code", equalTo("UNSUPPORTED_MEDIA_TYPE"));
        String gift = id("r-gift");
        asAdmin().body(body(gift, "GIFT", null)).post("/api/v1/rewards").then().statusCode(201);
        importCodes(gift, gift + "-1\n").statusCode(409).body("code", equalTo("NOT_A_COUPON"));
        asAdmin().get("/api/v1/rewards/" + rewardId).then().body("stock", equalTo(0));
    }
}
