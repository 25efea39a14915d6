package io.pointsplatform.ledger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The document a client generates from (/q/openapi): every ledger operation under its id, with
 * its answers typed and its refusals as problem+json. deploy/local/lint-openapi.sh lints the same
 * document as the build wrote it; this checks what the service serves.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "ledger"))
class OpenApiDocumentTest {

    private static final List<String> OPERATIONS = List.of("getAccount", "listEntries", "createHold",
            "captureMemberHold", "releaseMemberHold", "captureHold", "releaseHold", "returnHold", "reversePoints",
            "requestAdjustment", "getAdjustment", "approveAdjustment", "rejectAdjustment", "rebuildLedger",
            "verifyLedger");

    @Test
    void everyOperationHasItsIdTypedAnswersAndProblemsForRefusals() {
        JsonPath document = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200)
                .extract().jsonPath();
        Map<String, Map<String, Map<String, Object>>> paths = document.getMap("paths");
        List<String> ids = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            if (!path.startsWith("/api/")) {
                return;
            }
            String id = (String) operation.get("operationId");
            ids.add(id);
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> responses = (Map<String, Map<String, Object>>) operation.get("responses");
            responses.forEach((status, response) -> {
                String content = String.valueOf(response.get("content"));
                if (status.startsWith("2") && !content.contains("application/json={schema={$ref=")) {
                    wrong.add(id + " " + status + " is not typed: " + content);
                }
                if (status.startsWith("4") && !content.contains("application/problem+json")) {
                    wrong.add(id + " " + status + " is not a problem: " + content);
                }
            });
            if (responses.keySet().stream().noneMatch(s -> s.startsWith("4"))) {
                wrong.add(id + " lists no refusal");
            }
        }));
        assertThat(ids).containsExactlyInAnyOrderElementsOf(OPERATIONS);
        assertThat(wrong).isEmpty();
        assertThat(document.getMap("components.schemas")).containsKeys("RebuildReport", "VerifyReport", "Hold", "HoldReturn",
                "Problem").doesNotContainKeys("Report", "Report1");
    }
}
