package io.pointsplatform.earning.activity;

import static io.pointsplatform.earning.Callers.asCheckout;
import static io.pointsplatform.earning.Orders.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.earning.activity.service.ActivityService;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
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
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Check-ins once a day and birthdays once a year, by call and by the daily job. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
class ActivityTest {

    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    @Inject
    ActivityService activities;

    @Inject
    Pool pool;

    private final EventCodec codec = new EventCodec();

    @Test
    void aCheckinIsCreditedOnceADay() {
        String member = enrol(null);
        LocalDate today = LocalDate.now(ZONE);
        activity(member, "CHECKIN", null).statusCode(201).body("points", equalTo(5))
                .body("lotId", equalTo("checkin/" + member + "/" + today));
        activity(member, "CHECKIN", today.toString()).statusCode(200);
        activity(member, "CHECKIN", today.minusDays(1).toString()).statusCode(201);
        activity(member, "CHECKIN", today.plusDays(1).toString()).statusCode(400).body("code", equalTo("VALIDATION_FAILED"));
        activity(member, "DANCING", null).statusCode(400).body("errors[0].field", equalTo("kind"));
        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", member, "kind", "CHECKIN",
                        "occurredAt", Instant.now().plusSeconds(120).toString()))
                .post("/api/v1/activities").then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("VALIDATION_FAILED")).body("errors[0].field", equalTo("occurredAt"));
        activity(id("ghost"), "CHECKIN", null).statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("UNKNOWN_MEMBER"));

        PointsEarned credit = (PointsEarned) codec.read(TopicReader.await(Topics.POINTS_LEDGER,
                r -> member.equals(r.key()) && r.value().contains("checkin/"), 2, Duration.ofSeconds(30)).get(0).value()).data();
        assertThat(credit.origin().kind()).isEqualTo(OriginKind.CHECKIN);
    }

    @Test
    void aBirthdayIsCreditedOnceAYearByCallOrByTheDailyJob() {
        LocalDate today = LocalDate.now(ZONE);
        // Born in leap years, so that on 29 February they are born on the 29th (1990 made it the 28th,
        // whose birthday a leap year keeps on the 28th, and the test failed that day).
        String byCall = enrol(today.withYear(1988).toString());
        String byJob = enrol(today.withYear(1984).toString());
        String notToday = enrol(today.plusDays(2).withYear(1992).toString());

        activity(byCall, "BIRTHDAY", null).statusCode(201).body("points", equalTo(500))
                .body("lotId", equalTo("birthday/" + byCall + "/" + today.getYear()));
        activity(byCall, "BIRTHDAY", null).statusCode(200);
        activity(notToday, "BIRTHDAY", null).statusCode(422).body("code", equalTo("NOT_ELIGIBLE"));

        int credited = activities.awardBirthdays(today).await().atMost(Duration.ofSeconds(30));
        assertThat(credited).isGreaterThanOrEqualTo(1);
        assertThat(activities.awardBirthdays(today).await().atMost(Duration.ofSeconds(30))).isZero();
        TopicReader.await(Topics.POINTS_LEDGER, r -> byJob.equals(r.key()) && r.value().contains("birthday/"), 1,
                Duration.ofSeconds(30));
        // The call already credited this year's birthday: the job did not credit it again.
        assertThat(TopicReader.await(Topics.POINTS_LEDGER, r -> byCall.equals(r.key()) && r.value().contains("birthday/"),
                1, Duration.ofSeconds(30))).hasSize(1);
    }

    @Test
    void aLeapDayBirthdayIsCreditedOnTheTwentyEighthInOtherYears() {
        String leap = enrol("2000-02-29");
        int credited = activities.awardBirthdays(LocalDate.of(2027, 2, 28)).await().atMost(Duration.ofSeconds(30));
        assertThat(credited).isGreaterThanOrEqualTo(1);
        TopicReader.await(Topics.POINTS_LEDGER, r -> leap.equals(r.key()) && r.value().contains("birthday/" + leap + "/2027"),
                1, Duration.ofSeconds(30));
    }

    @Test
    void aDayCreditedUnderTheFormerLotIdIsNotCreditedAgain() {
        String member = enrol(null);
        LocalDate today = LocalDate.now(ZONE);
        String former = "checkin-" + member + "-" + today;
        pool.preparedQuery("insert into activity (lot_id, member_id, kind, points, day) values ($1, $2, 'CHECKIN', 5, $3)")
                .execute(Tuple.of(former, member, today)).await().atMost(Duration.ofSeconds(10));
        activity(member, "CHECKIN", null).statusCode(200).body("lotId", equalTo(former));
        activity(member, "CHECKIN", today.minusDays(1).toString()).statusCode(201)
                .body("lotId", equalTo("checkin/" + member + "/" + today.minusDays(1)));
        TopicReader.await(Topics.POINTS_LEDGER, r -> member.equals(r.key()) && r.value().contains("checkin/"), 1,
                Duration.ofSeconds(30));
        assertThat(TopicReader.all(Topics.POINTS_LEDGER, r -> member.equals(r.key()) && r.value().contains("checkin")))
                .hasSize(1);
    }

    private static String enrol(String birthday) {
        String member = id("m");
        Map<String, Object> body = new HashMap<>();
        body.put("memberId", member);
        if (birthday != null) {
            body.put("birthday", birthday);
        }
        asCheckout().contentType(ContentType.JSON).body(body).post("/api/v1/members").then().statusCode(201);
        return member;
    }

    private static ValidatableResponse activity(String memberId, String kind, String date) {
        Map<String, Object> body = new HashMap<>();
        body.put("memberId", memberId);
        body.put("kind", kind);
        if (date != null) {
            body.put("date", date);
        }
        return asCheckout().contentType(ContentType.JSON).body(body).post("/api/v1/activities").then();
    }
}
