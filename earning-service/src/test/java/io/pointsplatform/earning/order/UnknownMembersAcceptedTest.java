package io.pointsplatform.earning.order;

import static io.pointsplatform.earning.Callers.asCheckout;
import static io.pointsplatform.earning.Orders.MID_MONTH;
import static io.pointsplatform.earning.Orders.earn;
import static io.pointsplatform.earning.Orders.id;
import static io.pointsplatform.earning.Orders.line;
import static io.pointsplatform.earning.Orders.order;
import static io.pointsplatform.earning.Orders.preview;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Topics;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code points.earning.unknown-member=accept}: orders for members who were never enrolled earn as
 * they did before the edge (a programme that enrols elsewhere, or migrates). Activities still
 * need the member.
 */
@QuarkusTest
@TestProfile(UnknownMembersAcceptedTest.Accepting.class)
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "earning"))
class UnknownMembersAcceptedTest {

    public static class Accepting implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("points.earning.unknown-member", "accept");
        }
    }

    @Test
    void anOrderForAMemberNeverEnrolledEarnsWhenTheProgrammeAcceptsThem() {
        String ghost = id("ghost");
        Map<String, Object> order = order(id("o"), ghost, MID_MONTH, List.of(line("10.00")));
        preview(order).statusCode(200).body("points", equalTo(10));
        earn(order).statusCode(201).body("points", equalTo(10));
        earn(order).statusCode(200);
        PointsEarned credit = (PointsEarned) new EventCodec()
                .read(TopicReader.awaitKey(Topics.POINTS_LEDGER, ghost, 1).get(0).value()).data();
        assertThat(credit.points()).isEqualTo(10);

        asCheckout().contentType(ContentType.JSON).body(Map.of("memberId", ghost, "kind", "CHECKIN"))
                .post("/api/v1/activities").then().statusCode(422).body("code", equalTo("UNKNOWN_MEMBER"));
    }
}
