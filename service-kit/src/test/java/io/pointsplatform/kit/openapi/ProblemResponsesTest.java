package io.pointsplatform.kit.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.junit.jupiter.api.Test;

class ProblemResponsesTest {

    private static final String JSON = "application/json";
    private static final String PROBLEM = "application/problem+json";

    @Test
    void anErrorNamedWithoutABodyAnswersAProblemAndKeepsItsDescription() {
        Operation operation = operation(OASFactory.createAPIResponses()
                .addAPIResponse("200", OASFactory.createAPIResponse().description("ok").content(json()))
                .addAPIResponse("404", OASFactory.createAPIResponse().description("NOT_FOUND: no such thing"))
                .addAPIResponse("503", OASFactory.createAPIResponse().description("UNAVAILABLE: try later")));

        OpenAPI document = filtered("/api/v1/things/{id}", operation);

        APIResponses responses = operationOf(document, "/api/v1/things/{id}").getResponses();
        assertThat(problemRef(responses.getAPIResponse("404"))).isEqualTo(ProblemResponses.PROBLEM_REF);
        assertThat(responses.getAPIResponse("404").getDescription()).isEqualTo("NOT_FOUND: no such thing");
        assertThat(problemRef(responses.getAPIResponse("503"))).isEqualTo(ProblemResponses.PROBLEM_REF);
        assertThat(responses.getAPIResponse("200").getContent().getMediaTypes()).containsOnlyKeys(JSON);
        assertThat(document.getComponents().getSchemas()).containsKey(ProblemResponses.PROBLEM);
    }

    @Test
    void quarkusBareAuthAnswersBecomeProblemsAndAMethodsOwn403KeepsItsWords() {
        OpenAPI stock = filtered("/api/v1/a", operation(OASFactory.createAPIResponses()
                .addAPIResponse("401", OASFactory.createAPIResponse().description("Not Authorized"))
                .addAPIResponse("403", OASFactory.createAPIResponse().description("Not Allowed"))));
        APIResponses replaced = operationOf(stock, "/api/v1/a").getResponses();
        assertThat(replaced.getAPIResponse("401").getDescription()).contains("UNAUTHENTICATED");
        assertThat(replaced.getAPIResponse("403").getDescription()).contains("FORBIDDEN");
        assertThat(problemRef(replaced.getAPIResponse("401"))).isEqualTo(ProblemResponses.PROBLEM_REF);

        OpenAPI own = filtered("/api/v1/b", operation(OASFactory.createAPIResponses()
                .addAPIResponse("403", OASFactory.createAPIResponse().description("NOT_OWN_ACCOUNT: another member's"))));
        APIResponses kept = operationOf(own, "/api/v1/b").getResponses();
        assertThat(kept.getAPIResponse("403").getDescription()).isEqualTo("NOT_OWN_ACCOUNT: another member's");
        assertThat(problemRef(kept.getAPIResponse("403"))).isEqualTo(ProblemResponses.PROBLEM_REF);
        assertThat(problemRef(kept.getAPIResponse("401"))).isEqualTo(ProblemResponses.PROBLEM_REF);
    }

    @Test
    void anOpenOperationHasNo401() {
        Operation open = operation(OASFactory.createAPIResponses()
                .addAPIResponse("401", OASFactory.createAPIResponse().description("Not Authorized")));
        open.setSecurity(new java.util.ArrayList<>());
        APIResponses responses = operationOf(filtered("/api/v1/open", open), "/api/v1/open").getResponses();
        assertThat(responses.getAPIResponses()).doesNotContainKey("401");
    }

    @Test
    void anErrorWithItsOwnBodyAndOperationsOutsideTheApiAreLeftAlone() {
        Content own = OASFactory.createContent().addMediaType(PROBLEM,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref("#/components/schemas/Special")));
        OpenAPI document = filtered("/api/v1/c", operation(OASFactory.createAPIResponses()
                .addAPIResponse("422", OASFactory.createAPIResponse().description("special").content(own))));
        assertThat(problemRef(operationOf(document, "/api/v1/c").getResponses().getAPIResponse("422")))
                .isEqualTo("#/components/schemas/Special");

        OpenAPI health = filtered("/q/health", operation(OASFactory.createAPIResponses()
                .addAPIResponse("503", OASFactory.createAPIResponse().description("DOWN"))));
        APIResponses untouched = operationOf(health, "/q/health").getResponses();
        assertThat(untouched.getAPIResponse("503").getContent()).isNull();
        assertThat(untouched.getAPIResponse("401")).isNull();
    }

    @Test
    void everyOperationAnswers503UnavailableWithRetryAfterAndAnOwn503GetsItAdded() {
        APIResponses plain = operationOf(filtered("/api/v1/d", operation(OASFactory.createAPIResponses()
                .addAPIResponse("200", OASFactory.createAPIResponse().description("ok").content(json())))), "/api/v1/d")
                .getResponses();
        assertThat(plain.getAPIResponse("503").getDescription()).isEqualTo(ProblemResponses.UNAVAILABLE);
        assertThat(plain.getAPIResponse("503").getHeaders()).containsKey("Retry-After");
        assertThat(problemRef(plain.getAPIResponse("503"))).isEqualTo(ProblemResponses.PROBLEM_REF);

        APIResponses busy = operationOf(filtered("/api/v1/e", operation(OASFactory.createAPIResponses()
                .addAPIResponse("503", OASFactory.createAPIResponse().description("BUSY: too many waiting")))), "/api/v1/e")
                .getResponses();
        assertThat(busy.getAPIResponse("503").getDescription())
                .isEqualTo("BUSY: too many waiting; or " + ProblemResponses.UNAVAILABLE);
        assertThat(busy.getAPIResponse("503").getHeaders()).containsKey("Retry-After");
    }

    @Test
    void anOperationThatReadsABodyAnswers413And415AsProblemsUnlessItSaysItsOwn() {
        Operation csv = operation(OASFactory.createAPIResponses()
                .addAPIResponse("201", OASFactory.createAPIResponse().description("ok").content(json())))
                .requestBody(OASFactory.createRequestBody().content(OASFactory.createContent()
                        .addMediaType("text/csv", OASFactory.createMediaType())));
        APIResponses answers = operationOf(filtered("/api/v1/codes", csv), "/api/v1/codes").getResponses();
        assertThat(answers.getAPIResponse("413").getDescription()).startsWith("PAYLOAD_TOO_LARGE");
        assertThat(answers.getAPIResponse("415").getDescription()).isEqualTo("UNSUPPORTED_MEDIA_TYPE: the body is not text/csv");
        assertThat(problemRef(answers.getAPIResponse("413"))).isEqualTo(ProblemResponses.PROBLEM_REF);
        assertThat(problemRef(answers.getAPIResponse("415"))).isEqualTo(ProblemResponses.PROBLEM_REF);

        Operation own = operation(OASFactory.createAPIResponses()
                .addAPIResponse("413", OASFactory.createAPIResponse().description("PAYLOAD_TOO_LARGE: over 1 MiB")))
                .requestBody(OASFactory.createRequestBody().content(json()));
        APIResponses kept = operationOf(filtered("/api/v1/own", own), "/api/v1/own").getResponses();
        assertThat(kept.getAPIResponse("413").getDescription()).isEqualTo("PAYLOAD_TOO_LARGE: over 1 MiB");
        assertThat(kept.getAPIResponse("415").getDescription()).endsWith("application/json");

        Operation read = operation(OASFactory.createAPIResponses()
                .addAPIResponse("200", OASFactory.createAPIResponse().description("ok").content(json())));
        APIResponses none = operationOf(filtered("/api/v1/read", read), "/api/v1/read").getResponses();
        assertThat(none.getAPIResponse("413")).isNull();
        assertThat(none.getAPIResponse("415")).isNull();
    }

    private static OpenAPI filtered(String path, Operation operation) {
        OpenAPI document = OASFactory.createOpenAPI().paths(OASFactory.createPaths()
                .addPathItem(path, OASFactory.createPathItem().GET(operation)));
        new ProblemResponses().filterOpenAPI(document);
        return document;
    }

    private static Operation operation(APIResponses responses) {
        return OASFactory.createOperation().operationId("op").responses(responses);
    }

    private static Operation operationOf(OpenAPI document, String path) {
        return document.getPaths().getPathItem(path).getGET();
    }

    private static Content json() {
        return OASFactory.createContent().addMediaType(JSON,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref("#/components/schemas/Thing")));
    }

    private static String problemRef(APIResponse response) {
        return response.getContent().getMediaType(PROBLEM).getSchema().getRef();
    }
}
