package io.pointsplatform.redemption;

import io.pointsplatform.testing.BadInputs;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Bad input on every endpoint of redemption-service, each answered with the right 4xx problem and
 * its field named as the client wrote it; afterwards no table has a row more or less.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "redemption"))
class BadInputTest {

    private static final String V = "VALIDATION_FAILED";

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    private static String capacity(String memberId) {
        return "/api/v1/members/" + memberId + "/payment-capacity";
    }

    private static BadInputs table(String token) {
        return new BadInputs(token)
                .call("a memberId with a space", "GET", capacity("m%20x"), 400, V, "memberId")
                .call("a memberId of 65 characters", "GET", capacity("m".repeat(65)), 400, V, "memberId")
                .call("a memberId not ASCII", "GET", capacity("%E4%BC%9A%E5%91%98"), 400, V, "memberId")
                .call("a memberId holding U+0000", "GET", capacity("m%00x"), 400, V, "memberId")
                .call("a memberId holding a percent sign", "GET", capacity("m%25x"), 400, V, "memberId")
                .call("a memberId holding an encoded slash", "GET", capacity("m%2Fx"), 400, V, "memberId")
                .json("POST on the capacity", "POST", capacity("m-1"), "{}", 405, "METHOD_NOT_ALLOWED", null)
                .call("DELETE on the capacity", "DELETE", capacity("m-1"), 405, "METHOD_NOT_ALLOWED", null);
    }

    @Test
    void everyBadInputIsAProblemNamingTheFieldAndChangesNothing() throws InterruptedException {
        Map<String, Long> before = BadInputs.settledRowCounts(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD);

        // The ids are checked before ownership: a member's own token gets the same answers.
        List<String> wrong = table(Tokens.checkout()).wrongAnswers();
        List<String> wrongForAMember = table(Tokens.member("m-1")).wrongAnswers();
        Map<String, Long> after = BadInputs.rowCounts(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD);

        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(wrong).as("bad inputs answered wrongly:\n  " + String.join("\n  ", wrong)).isEmpty();
            softly.assertThat(wrongForAMember).as("bad inputs from a member answered wrongly:\n  "
                    + String.join("\n  ", wrongForAMember)).isEmpty();
            softly.assertThat(after).as("rows per table after the bad inputs").isEqualTo(before);
        });
    }
}
