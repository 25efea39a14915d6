package io.pointsplatform.kit.openapi;

import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * What every {@code /api} operation can answer whatever it does: 401 without a valid token and 403
 * for a role it does not admit, both problem+json. Added here once rather than on each method; the
 * {@code Problem} schema is defined here too when no annotation has brought it in.
 */
public class ProblemResponses implements OASFilter {

    static final String PROBLEM = "Problem";
    static final String PROBLEM_REF = "#/components/schemas/" + PROBLEM;

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
                // secured methods before this filter runs: those are replaced by the problem form.
                if (!hasContent(responses, "401")) {
                    responses.addAPIResponse("401", problem("No valid bearer token: missing, expired, signed by "
                            + "another key, or for another issuer or audience (code UNAUTHENTICATED)"));
                }
                if (!hasContent(responses, "403")) {
                    responses.addAPIResponse("403", problem("The token's role may not call this operation "
                            + "(code FORBIDDEN)"));
                }
            }
        }
    }

    private static boolean hasContent(APIResponses responses, String status) {
        APIResponse response = responses.getAPIResponse(status);
        return response != null && response.getContent() != null
                && response.getContent().getMediaTypes() != null && !response.getContent().getMediaTypes().isEmpty();
    }

    private static APIResponse problem(String description) {
        return OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType("application/problem+json",
                        OASFactory.createMediaType().schema(OASFactory.createSchema().ref(PROBLEM_REF))));
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
                .required(java.util.List.of("type", "title", "status", "code"));
    }
}
