package io.pointsplatform.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.testing.Tokens;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Members, rewards and redemptions on an assembled platform, for the tests of spending points. */
final class Spending {

    private final Platform platform;

    Spending(Platform platform) {
        this.platform = platform;
    }

    /** Enrols {@code count} members (100 sign-up points each) and waits until the ledger has them. */
    List<String> enrol(String prefix, int count) {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String memberId = prefix + "-m" + i;
            given().auth().oauth2(Tokens.checkout()).baseUri(platform.url("earning-service")).contentType(ContentType.JSON)
                    .body(Map.of("memberId", memberId)).post("/api/v1/members").then().statusCode(201);
            members.add(memberId);
        }
        for (String memberId : List.of(members.get(0), members.get(count - 1))) {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(Tokens.analyst())
                    .baseUri(platform.url("ledger-service")).get("/api/v1/accounts/{m}", memberId).then()
                    .statusCode(200).body("available", equalTo(100)));
        }
        // catalog's own view of the ledger knows them too (eligibility reads it).
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().auth().oauth2(Tokens.member(members.get(count - 1)))
                .baseUri(platform.url("catalog-service")).queryParam("memberId", members.get(count - 1))
                .get("/api/v1/rewards").then().statusCode(200));
        return members;
    }

    String reward(Map<String, Object> body) {
        given().auth().oauth2(Tokens.admin()).baseUri(platform.url("catalog-service")).contentType(ContentType.JSON)
                .body(body).post("/api/v1/rewards").then().statusCode(201);
        return (String) body.get("rewardId");
    }

    Response redeem(String memberId, String rewardId, String key) {
        Map<String, Object> body = new HashMap<>(Map.of("memberId", memberId, "rewardId", rewardId, "quantity", 1));
        return given().auth().oauth2(Tokens.member(memberId)).baseUri(platform.url("redemption-service"))
                .contentType(ContentType.JSON).header("Idempotency-Key", key).body(body).post("/api/v1/redemptions");
    }

    /** The redemption's final status: its answer's, or polled after a 202 until it settles. */
    String settle(Response answer, String memberId) {
        assertThat(answer.statusCode()).as(answer.asString()).isIn(201, 202);
        if (answer.statusCode() == 201) {
            return answer.path("status");
        }
        String redemptionId = answer.path("redemptionId");
        String[] status = {"PENDING"};
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() -> {
            status[0] = given().auth().oauth2(Tokens.member(memberId)).baseUri(platform.url("redemption-service"))
                    .get("/api/v1/redemptions/{id}", redemptionId).path("status");
            return !"PENDING".equals(status[0]);
        });
        return status[0];
    }

    Response completed(String memberId, String rewardId) {
        Response answer = redeem(memberId, rewardId, "k-" + UUID.randomUUID());
        String status = settle(answer, memberId);
        assertThat(status).as(answer.asString()).isEqualTo("COMPLETED");
        return answer.statusCode() == 201 ? answer
                : given().auth().oauth2(Tokens.member(memberId)).baseUri(platform.url("redemption-service"))
                        .get("/api/v1/redemptions/{id}", answer.<String>path("redemptionId"));
    }
}
