package io.pointsplatform.earning;

import static io.pointsplatform.earning.Callers.asCheckout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.events.MemberUpdated;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Enrolment through HTTP, PostgreSQL, the outbox and a real broker. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
class EnrolmentTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void enrolmentPublishesTheMemberAndCreditsTheSignupBonusOnce() {
        String memberId = "m-" + UUID.randomUUID();
        Map<String, Object> body = Map.of("memberId", memberId, "name", "Li Lei", "birthday", "1990-05-17");

        String first = asCheckout().contentType(ContentType.JSON).body(body).post("/api/v1/members")
                .then().statusCode(201)
                .body("memberId", equalTo(memberId))
                .body("bonuses.rule", hasItem("signup"))
                .body("bonuses.points", hasItem(100))
                .extract().asString();
        String again = asCheckout().contentType(ContentType.JSON).body(body).post("/api/v1/members")
                .then().statusCode(200).extract().asString();
        assertThat(again).isEqualTo(first);

        CloudEvent enrolled = codec.read(TopicReader.awaitKey(Topics.MEMBERS, memberId, 1).get(0).value());
        assertThat(enrolled.data()).isEqualTo(new MemberEnrolled(memberId, "Li Lei",
                java.time.LocalDate.parse("1990-05-17"), null, "zh-CN", null));
        CloudEvent earned = codec.read(TopicReader.awaitKey(Topics.POINTS_LEDGER, memberId, 1).get(0).value());
        PointsEarned credit = (PointsEarned) earned.data();
        assertThat(credit.points()).isEqualTo(100);
        assertThat(credit.origin().kind()).isEqualTo(OriginKind.SIGNUP);
        assertThat(credit.expiresAt()).isAfter(credit.availableAt());
    }

    @Test
    void aLocaleAndAnAddressGivenAtEnrolmentAreOnMemberEnrolledAndBothCanBeChanged() {
        String memberId = "m-" + UUID.randomUUID();
        asCheckout().contentType(ContentType.JSON)
                .body(Map.of("memberId", memberId, "locale", "en", "email", "li.lei@example.com"))
                .post("/api/v1/members").then().statusCode(201)
                .body("locale", equalTo("en")).body("email", equalTo("li.lei@example.com"));
        CloudEvent enrolled = codec.read(TopicReader.awaitKey(Topics.MEMBERS, memberId, 1).get(0).value());
        assertThat(enrolled.data()).isEqualTo(new MemberEnrolled(memberId, null, null, null, "en", "li.lei@example.com"));

        // The member itself changes its locale, then an admin its address; the same values again publish nothing more.
        io.restassured.RestAssured.given().auth().oauth2(io.pointsplatform.testing.Tokens.member(memberId))
                .contentType(ContentType.JSON).body(Map.of("locale", "zh-CN"))
                .put("/api/v1/members/{id}/contact", memberId).then().statusCode(200)
                .body("memberId", equalTo(memberId)).body("locale", equalTo("zh-CN"))
                .body("email", equalTo("li.lei@example.com"));
        io.restassured.RestAssured.given().auth().oauth2(io.pointsplatform.testing.Tokens.admin())
                .contentType(ContentType.JSON).body(Map.of("locale", "zh-CN", "email", "li.lei@example.com"))
                .put("/api/v1/members/{id}/contact", memberId).then().statusCode(200);
        io.restassured.RestAssured.given().auth().oauth2(io.pointsplatform.testing.Tokens.admin())
                .contentType(ContentType.JSON).body(Map.of("email", "lei.li@example.org"))
                .put("/api/v1/members/{id}/contact", memberId).then().statusCode(200)
                .body("locale", equalTo("zh-CN")).body("email", equalTo("lei.li@example.org"));
        List<CloudEvent> events = TopicReader.awaitKey(Topics.MEMBERS, memberId, 3).stream()
                .map(r -> codec.read(r.value())).toList();
        assertThat(events).extracting(CloudEvent::data).containsExactly(enrolled.data(),
                new MemberUpdated(memberId, null, null, "zh-CN", null),
                new MemberUpdated(memberId, null, null, null, "lei.li@example.org"));
        // Enrolment again with the details as they now are is still the same enrolment.
        asCheckout().contentType(ContentType.JSON)
                .body(Map.of("memberId", memberId, "locale", "zh-CN", "email", "lei.li@example.org"))
                .post("/api/v1/members").then().statusCode(200);
    }

    @Test
    void theSameMemberWithOtherDetailsIsAConflict() {
        String memberId = "m-" + UUID.randomUUID();
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", memberId, "name", "A"))
                .post("/api/v1/members").then().statusCode(201);
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", memberId, "name", "B"))
                .post("/api/v1/members").then().statusCode(409)
                .contentType("application/problem+json").body("code", equalTo("MEMBER_CONFLICT"));
    }

    @Test
    void aReferralCreditsBothSides() {
        String referrer = "m-" + UUID.randomUUID();
        String friend = "m-" + UUID.randomUUID();
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", referrer)).post("/api/v1/members")
                .then().statusCode(201);
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", friend, "referredBy", referrer))
                .post("/api/v1/members").then().statusCode(201)
                .body("bonuses.rule", equalTo(List.of("signup", "referral")));

        List<PointsEarned> referrerCredits = TopicReader.awaitKey(Topics.POINTS_LEDGER, referrer, 2).stream()
                .map(r -> (PointsEarned) codec.read(r.value()).data()).toList();
        assertThat(referrerCredits).extracting(c -> c.origin().kind())
                .containsExactlyInAnyOrder(OriginKind.SIGNUP, OriginKind.REFERRAL);
        assertThat(TopicReader.awaitKey(Topics.POINTS_LEDGER, friend, 2)).hasSize(2);
    }

    @Test
    void membersWhoseIdsExtendAnothersGetEveryCredit() {
        // With lot ids joined by "-", a's referrer credit was a-referrer's own referral credit: one was dropped.
        String x = "m-" + UUID.randomUUID();
        String y = "m-" + UUID.randomUUID();
        String a = "m-" + UUID.randomUUID();
        String aReferrer = a + "-referrer";
        for (String member : List.of(x, y)) {
            asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", member)).post("/api/v1/members")
                    .then().statusCode(201);
        }
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", a, "referredBy", x)).post("/api/v1/members")
                .then().statusCode(201);
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", aReferrer, "referredBy", y))
                .post("/api/v1/members").then().statusCode(201);

        Set<String> members = Set.of(a, aReferrer, x, y);
        TopicReader.await(Topics.POINTS_LEDGER, r -> members.contains(r.key()) && r.value().contains("\"REFERRAL\""), 4,
                Duration.ofSeconds(30));
        List<CloudEvent> credits = TopicReader.all(Topics.POINTS_LEDGER, r -> members.contains(r.key())).stream()
                .map(r -> codec.read(r.value())).toList();
        assertThat(credits).extracting(e -> e.subject() + " " + ((PointsEarned) e.data()).lotId() + " " + e.id())
                .containsExactlyInAnyOrder(
                        x + " signup/" + x + " points.earned:signup/" + x,
                        y + " signup/" + y + " points.earned:signup/" + y,
                        a + " signup/" + a + " points.earned:signup/" + a,
                        a + " referral/" + a + " points.earned:referral/" + a,
                        x + " referral/" + a + "/referrer points.earned:referral/" + a + "/referrer",
                        aReferrer + " signup/" + aReferrer + " points.earned:signup/" + aReferrer,
                        aReferrer + " referral/" + aReferrer + " points.earned:referral/" + aReferrer,
                        y + " referral/" + aReferrer + "/referrer points.earned:referral/" + aReferrer + "/referrer");
    }

    @Test
    void badInputIsRefusedClearlyAndRecordsNothing() {
        String memberId = "m-" + UUID.randomUUID();
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", memberId, "referredBy", "ghost-" + memberId))
                .post("/api/v1/members").then().statusCode(422)
                .contentType("application/problem+json").body("code", equalTo("UNKNOWN_REFERRER"));
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", "has spaces"))
                .post("/api/v1/members").then().statusCode(400)
                .body("code", equalTo("VALIDATION_FAILED")).body("errors[0].field", equalTo("memberId"));
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", memberId, "birthday", "2999-01-01"))
                .post("/api/v1/members").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        asCheckout().contentType(ContentType.JSON).body("{\"memberId\": ").post("/api/v1/members")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED"));
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", memberId, "birthday", "17 May"))
                .post("/api/v1/members").then().statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        // PostgreSQL cannot store U+0000 in text: refused at the edge, not a 500 from the database.
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", memberId, "name", "Li\u0000Lei"))
                .post("/api/v1/members").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("name"))
                .body("errors[0].message", equalTo("must not contain U+0000 or a lone surrogate"));
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", memberId, "name", " "))
                .post("/api/v1/members").then().statusCode(400).body("errors[0].field", equalTo("name"));

        // None of the refusals left anything behind: the id is still free.
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", memberId)).post("/api/v1/members")
                .then().statusCode(201);
    }
}
