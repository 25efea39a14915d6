package io.pointsplatform.kit.problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A refusal's extension members are written after the problem's own, and cannot take their names. */
class ProblemMembersTest {

    private final ProblemMappers mappers = new ProblemMappers();

    @Test
    void extensionMembersFollowTheProblemsOwnAndANullOneIsLeftOut() {
        ApiException refusal = new ApiException(422, "NOT_ELIGIBLE", "Not eligible", "tier too low")
                .with("reasons", List.of("TIER_TOO_LOW")).with("rewardName", "金卡礼遇").with("prizeName", null);
        Response answer = mappers.api(refusal);
        assertThat(answer.getStatus()).isEqualTo(422);
        @SuppressWarnings("unchecked")
        Map<String, Object> body = (Map<String, Object>) answer.getEntity();
        assertThat(body.keySet()).containsExactly("type", "title", "status", "detail", "code", "reasons", "rewardName");
        assertThat(body).containsEntry("type", "urn:points:problem:not-eligible").containsEntry("rewardName", "金卡礼遇")
                .containsEntry("reasons", List.of("TIER_TOO_LOW"));
        // Without members the answer is the plain problem, as before.
        assertThat(mappers.api(ApiException.conflict("OUT_OF_STOCK", "none left")).getEntity()).isInstanceOf(Problem.class);
    }

    @Test
    void aMemberMayNotTakeAStandardNameOrOneGivenBefore() {
        ApiException refusal = ApiException.conflict("OUT_OF_STOCK", "none left").with("rewardName", "马克杯");
        assertThatThrownBy(() -> refusal.with("code", "X")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> refusal.with("rewardName", "杯")).isInstanceOf(IllegalArgumentException.class);
        assertThat(refusal.withState("SOLD").members()).containsEntry("rewardName", "马克杯");
    }
}
