package io.pointsplatform.kit.openapi;

import io.pointsplatform.kit.problem.Problem;
import io.pointsplatform.kit.problem.ProblemMappers;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.headers.Header;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.RequestBody;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * What every {@code /api} operation's errors look like, written here once rather than on each
 * method: 401 without a valid token and 403 for a role it does not admit; 413 and 415 for an
 * operation that reads a body; 503 UNAVAILABLE with Retry-After for every operation (what it needs
 * cannot be reached just now, ProblemMappers); and every error status a method's {@code @APIResponse} names without
 * a body (its description lists the codes) answers problem+json with the {@code Problem} schema,
 * which is defined here too when no annotation has brought it in.
 */
public class ProblemResponses implements OASFilter {

    static final String PROBLEM = "Problem";
    static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;
    private static final String BODY_LIMIT = "quarkus.http.limits.max-body-size";
    static final String UNAVAILABLE = "UNAVAILABLE: " + ProblemMappers.UNAVAILABLE_DETAIL;

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        Map<String, Schema> schemas = openAPI.getComponents().getSchemas();
        if (schemas == null || !schemas.containsKey(PROBLEM)) {
            openAPI.getComponents().addSchema(PROBLEM, problemSchema());
        }
        if (openAPI.getPaths() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (Operation operation : path.getValue().getOperations().values()) {
                APIResponses responses = operation.getResponses();
                if (responses == null) {
                    responses = OASFactory.createAPIResponses();
                    operation.setResponses(responses);
                }
                // Quarkus adds a bare "401 Not Authorized" / "403 Not Allowed" (no content) for
                // secured methods before this filter runs: those are replaced by the problem form. A
                // method's own 403 (naming NOT_OWN_ACCOUNT and the like) keeps its description.
                if (operation.getSecurity() != null && operation.getSecurity().isEmpty()) {
                    // An open operation (security: [], e.g. a signed unsubscribe link) takes no token to refuse.
                    responses.removeAPIResponse("401");
                } else if (isQuarkusDefault(responses.getAPIResponse("401"), "Not Authorized")) {
                    responses.addAPIResponse("401", problem("No valid bearer token: missing, expired, signed by "
                            + "another key, or for another issuer or audience (code UNAUTHENTICATED)"));
                }
                if (isQuarkusDefault(responses.getAPIResponse("403"), "Not Allowed")) {
                    responses.addAPIResponse("403", problem("The token's role may not call this operation "
                            + "(code FORBIDDEN)"));
                }
                if (operation.getRequestBody() != null) {
                    bodyRefusals(responses, operation.getRequestBody());
                }
                unavailable(responses);
                for (Map.Entry<String, APIResponse> response : responses.getAPIResponses().entrySet()) {
                    if (isError(response.getKey()) && !hasContent(response.getValue())) {
                        response.getValue().setContent(problemContent());
                    }
                }
            }
        }
    }

    /**
     * What an operation that reads a body answers before it runs (service-kit's BodyLimit and
     * ProblemMappers): 413 past the service's {@code quarkus.http.limits.max-body-size}, 415 for a
     * body of another media type than it reads. An operation's own description of either is kept.
     */
    private static void bodyRefusals(APIResponses responses, RequestBody body) {
        if (responses.getAPIResponse("413") == null) {
            String limit = ConfigProvider.getConfig().getOptionalValue(BODY_LIMIT, String.class)
                    .map(size -> " (" + BODY_LIMIT + ", " + size + ")").orElse("");
            responses.addAPIResponse("413", problem("PAYLOAD_TOO_LARGE: the body is larger than this service accepts"
                    + limit + "; nothing of it is read"));
        }
        if (responses.getAPIResponse("415") == null) {
            Set<String> types = body.getContent() == null || body.getContent().getMediaTypes() == null ? Set.of()
                    : body.getContent().getMediaTypes().keySet();
            responses.addAPIResponse("415", problem("UNSUPPORTED_MEDIA_TYPE: the body is not "
                    + (types.isEmpty() ? "of the media type this operation reads" : String.join(" or ", types))));
        }
    }

    /** 503 UNAVAILABLE on every operation; an operation's own 503 (BUSY and the like) gets it added to its description. */
    private static void unavailable(APIResponses responses) {
        APIResponse own = responses.getAPIResponse("503");
        if (own == null) {
            responses.addAPIResponse("503", problem(UNAVAILABLE).addHeader("Retry-After", retryAfter()));
            return;
        }
        if (own.getDescription() == null || !own.getDescription().contains("UNAVAILABLE")) {
            own.setDescription(own.getDescription() == null ? UNAVAILABLE : own.getDescription() + "; or " + UNAVAILABLE);
        }
        if (own.getHeaders() == null || !own.getHeaders().containsKey("Retry-After")) {
            own.addHeader("Retry-After", retryAfter());
        }
    }

    private static Header retryAfter() {
        return OASFactory.createHeader().description("Seconds to wait before repeating the request ("
                        + ProblemMappers.RETRY_AFTER_SECONDS + ")")
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER));
    }

    /** Absent, or as Quarkus adds it for a secured method: no content, its stock description. */
    private static boolean isQuarkusDefault(APIResponse response, String stockDescription) {
        return response == null || (!hasContent(response) && (response.getDescription() == null
                || stockDescription.equals(response.getDescription())));
    }

    private static boolean hasContent(APIResponse response) {
        return response.getContent() != null
                && response.getContent().getMediaTypes() != null && !response.getContent().getMediaTypes().isEmpty();
    }

    /** A 4xx or 5xx status (not "default", not a 2xx or 3xx). */
    private static boolean isError(String status) {
        return status.length() == 3 && (status.charAt(0) == '4' || status.charAt(0) == '5');
    }

    private static APIResponse problem(String description) {
        return OASFactory.createAPIResponse().description(description).content(problemContent());
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE,
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF)));
    }

    private static Schema problemSchema() {
        Schema string = OASFactory.createSchema().addType(Schema.SchemaType.STRING);
        Schema fieldError = OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .addProperty("field", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("The JSON name of the field or parameter, e.g. lines[0].quantity or limit"))
                .addProperty("message", string);
        return OASFactory.createSchema().addType(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem with the platform's machine code")
                .addProperty("type", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("urn:points:problem:<code in kebab case>"))
                .addProperty("title", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("status", OASFactory.createSchema().addType(Schema.SchemaType.INTEGER).format("int32"))
                .addProperty("detail", OASFactory.createSchema().addType(Schema.SchemaType.STRING))
                .addProperty("code", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("A machine code to switch on, e.g. VALIDATION_FAILED, NOT_FOUND, UNAUTHENTICATED"))
                .addProperty("errors", OASFactory.createSchema().addType(Schema.SchemaType.ARRAY).items(fieldError))
                .addProperty("state", OASFactory.createSchema().addType(Schema.SchemaType.STRING)
                        .description("On a conflict that depends on it, the state the request found the thing in,"
                                + " e.g. a hold's CAPTURED, RELEASED or EXPIRED for HOLD_NOT_OPEN"))
                .required(java.util.List.of("type", "title", "status", "code"));
    }
}
