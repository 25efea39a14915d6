package io.pointsplatform.earning.grant;

import static io.pointsplatform.earning.Callers.asAdmin;
import static io.pointsplatform.earning.Callers.asCheckout;
import static io.pointsplatform.earning.Orders.id;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Bulk grants: all or nothing, once per grant id, each credit once, within the campaign's budget. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
class GrantTest {

    @Inject
    Pool pool;

    private final EventCodec codec = new EventCodec();

    @Test
    void aGrantCreditsEachMemberOnceAndARepeatAnswersTheSame() {
        String campaign = campaign(null);
        List<String> members = List.of(enrol(), enrol(), enrol());
        String grantId = id("g");
        String first = grant(campaign, grantId, 120, members).statusCode(201)
                .body("totalPoints", equalTo(360)).body("members", equalTo(3))
                .body("requestedBy", equalTo("admin-1")).extract().asString();
        String again = grant(campaign, grantId, 120, List.of(members.get(2), members.get(0), members.get(1)))
                .statusCode(200).extract().asString();
        assertThat(again).isEqualTo(first);
        grant(campaign, grantId, 121, members).statusCode(409).body("code", equalTo("GRANT_CONFLICT"));
        grant(campaign, grantId, 120, members.subList(0, 2)).statusCode(409).body("code", equalTo("GRANT_CONFLICT"));

        for (String member : members) {
            PointsEarned credit = (PointsEarned) codec.read(TopicReader.awaitKey(Topics.POINTS_LEDGER, member, 2).stream()
                    .filter(r -> r.value().contains("grant-")).findFirst().orElseThrow().value()).data();
            assertThat(credit.lotId()).isEqualTo("grant-" + grantId + "/" + member);
            assertThat(credit.points()).isEqualTo(120);
            assertThat(credit.origin().kind()).isEqualTo(OriginKind.CAMPAIGN);
            assertThat(credit.origin().ref()).isEqualTo(campaign + ":" + grantId);
        }
        // Sign-up bonus and the grant: the repeat published nothing more.
        String member = members.get(0);
        assertThat(TopicReader.all(Topics.POINTS_LEDGER, r -> member.equals(r.key()))).hasSize(2);
    }

    @Test
    void anUnknownMemberRefusesTheWholeGrant() {
        String campaign = campaign(500L);
        String known = enrol();
        String ghost = id("ghost");
        String grantId = id("g");
        grant(campaign, grantId, 100, List.of(known, ghost)).statusCode(422).body("code", equalTo("UNKNOWN_MEMBERS"))
                .body("detail", containsString(ghost));
        asAdmin().get("/api/v1/campaigns/" + campaign).then().statusCode(200).body("spent", equalTo(0));
        // Nothing was recorded under that id: the corrected grant goes through.
        grant(campaign, grantId, 100, List.of(known)).statusCode(201);
        asAdmin().get("/api/v1/campaigns/" + campaign).then().body("spent", equalTo(100));
        TopicReader.awaitKey(Topics.POINTS_LEDGER, known, 2);
        assertThat(TopicReader.all(Topics.POINTS_LEDGER, r -> ghost.equals(r.key()))).isEmpty();
    }

    @Test
    void aGrantFitsTheCampaignsBudgetOrIsRefusedWhole() {
        String campaign = campaign(250L);
        List<String> members = List.of(enrol(), enrol(), enrol());
        grant(campaign, id("g"), 100, members).statusCode(409).body("code", equalTo("BUDGET_EXHAUSTED"))
                .body("detail", containsString("250 points of budget left"));
        grant(campaign, id("g"), 100, members.subList(0, 2)).statusCode(201);
        grant(campaign, id("g"), 51, members.subList(2, 3)).statusCode(409).body("code", equalTo("BUDGET_EXHAUSTED"));
        grant(campaign, id("g"), 50, members.subList(2, 3)).statusCode(201);
        asAdmin().get("/api/v1/campaigns/" + campaign).then().body("spent", equalTo(250));
    }

    @Test
    void badGrantsAreRefusedWithAReason() {
        String campaign = campaign(null);
        String member = enrol();
        grant(campaign, id("g"), 10, List.of(member, member)).statusCode(400).body("code", equalTo("VALIDATION_FAILED"))
                .body("detail", containsString("more than once"));
        grant(campaign, id("g"), 0, List.of(member)).statusCode(400).body("errors[0].field", containsString("points"));
        grant(campaign, id("g"), 10, List.of()).statusCode(400).body("errors[0].field", containsString("memberIds"));
        List<String> tooMany = IntStream.range(0, 10_001).mapToObj(i -> "m" + i).toList();
        grant(campaign, id("g"), 10, tooMany).statusCode(400).body("errors[0].field", containsString("memberIds"));
        grant(id("nope"), id("g"), 10, List.of(member)).statusCode(404);
        asAdmin().delete("/api/v1/campaigns/" + campaign).then().statusCode(200);
        grant(campaign, id("g"), 10, List.of(member)).statusCode(409).body("code", equalTo("CAMPAIGN_INACTIVE"));
    }

    @Test
    void tenThousandMembersInOneCallAndConcurrentRepeatsGrantOnce() {
        String campaign = campaign(null);
        String prefix = id("bulk") + "-";
        List<String> members = IntStream.range(0, 10_000).mapToObj(i -> prefix + i).toList();
        pool.preparedQuery("insert into member (member_id, enrolled_at) select m, now() from unnest($1::text[]) m")
                .execute(Tuple.of(members.toArray(String[]::new))).await().atMost(Duration.ofSeconds(30));
        String grantId = id("g");
        List<String> shuffled = new ArrayList<>(members);
        Collections.shuffle(shuffled);
        List<CompletableFuture<Integer>> calls = List.of(members, shuffled, members).stream()
                .map(list -> CompletableFuture.supplyAsync(() -> grant(campaign, grantId, 7, list).extract().statusCode()))
                .toList();
        List<Integer> statuses = calls.stream().map(CompletableFuture::join).sorted().toList();
        assertThat(statuses).containsExactly(200, 200, 201);
        assertThat(TopicReader.await(Topics.POINTS_LEDGER, r -> r.key() != null && r.key().startsWith(prefix), 10_000,
                Duration.ofSeconds(60))).hasSize(10_000);
        assertThat(TopicReader.all(Topics.POINTS_LEDGER, r -> r.key() != null && r.key().startsWith(prefix))).hasSize(10_000);
    }

    @Test
    void theRequesterIsTheAdminsTokenNotTextInTheBody() {
        String campaign = campaign(null);
        String member = enrol();
        String grantId = id("g");
        // Another admin's name typed into the body: refused, nothing granted under the id.
        asAdmin().contentType(ContentType.JSON)
                .body(Map.of("grantId", grantId, "points", 5, "memberIds", List.of(member), "requestedBy", "admin-2"))
                .post("/api/v1/campaigns/" + campaign + "/grants").then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("VALIDATION_FAILED"))
                .body("errors[0].field", equalTo("requestedBy"))
                .body("errors[0].message", equalTo("is not a property of this request"));
        given().auth().oauth2(Tokens.admin("admin-2")).contentType(ContentType.JSON)
                .body(Map.of("grantId", grantId, "points", 5, "memberIds", List.of(member)))
                .post("/api/v1/campaigns/" + campaign + "/grants").then().statusCode(201)
                .body("requestedBy", equalTo("admin-2"));
        // A repeat by another admin answers the grant as it was made, by admin-2.
        grant(campaign, grantId, 5, List.of(member)).statusCode(200).body("requestedBy", equalTo("admin-2"));
        assertThat(pool.preparedQuery("select requested_by from grant_batch where grant_id = $1")
                .execute(Tuple.of(grantId)).await().atMost(Duration.ofSeconds(10)).iterator().next()
                .getString("requested_by")).isEqualTo("admin-2");
    }

    private static ValidatableResponse grant(String campaignId, String grantId, long points, List<String> members) {
        return asAdmin().contentType(ContentType.JSON)
                .body(Map.of("grantId", grantId, "points", points, "memberIds", members, "reason", "welcome back"))
                .post("/api/v1/campaigns/" + campaignId + "/grants").then();
    }

    private static String campaign(Long budget) {
        String campaignId = id("c");
        Map<String, Object> body = new HashMap<>();
        body.put("campaignId", campaignId);
        body.put("multiplier", "2");
        body.put("startsAt", "2020-01-01T00:00:00Z");
        body.put("endsAt", "2020-01-02T00:00:00Z");
        if (budget != null) {
            body.put("budget", budget);
        }
        asAdmin().contentType(ContentType.JSON).body(body).post("/api/v1/campaigns").then().statusCode(201);
        return campaignId;
    }

    private static String enrol() {
        String member = id("m");
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", member)).post("/api/v1/members").then()
                .statusCode(201);
        return member;
    }
}
