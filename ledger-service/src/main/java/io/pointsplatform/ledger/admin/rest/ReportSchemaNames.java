package io.pointsplatform.ledger.admin.rest;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Names the answers of rebuild and verify in the OpenAPI document. Both are records named
 * {@code Report} (in {@code LedgerRebuild} and {@code LedgerAudit}), which SmallRye names by simple
 * name: {@code Report} and {@code Report1}, and a generated client would have classes of those
 * names. Each is renamed after its operation ({@code RebuildReport}, {@code VerifyReport}), found
 * by operation id, so the order SmallRye met them in does not matter. A {@code @Schema(name = …)}
 * on each record would make this filter unnecessary.
 */
@OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
public class ReportSchemaNames implements OASFilter {

    private static final Map<String, String> NAMES = Map.of("rebuildLedger", "RebuildReport",
            "verifyLedger", "VerifyReport");
    private static final String COMPONENTS = "#/components/schemas/";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getComponents() == null
                || openAPI.getComponents().getSchemas() == null) {
            return;
        }
        for (PathItem path : openAPI.getPaths().getPathItems().values()) {
            for (Operation operation : path.getOperations().values()) {
                String name = NAMES.get(operation.getOperationId());
                Schema answer = answer(operation);
                if (name == null || answer == null || answer.getRef() == null
                        || !answer.getRef().startsWith(COMPONENTS)) {
                    continue;
                }
                String old = answer.getRef().substring(COMPONENTS.length());
                Schema schema = openAPI.getComponents().getSchemas().get(old);
                if (schema == null || old.equals(name)) {
                    continue;
                }
                openAPI.getComponents().removeSchema(old);
                openAPI.getComponents().addSchema(name, schema);
                answer.setRef(COMPONENTS + name);
            }
        }
    }

    /** The schema of the operation's 200 application/json answer, or null. */
    private static Schema answer(Operation operation) {
        if (operation.getResponses() == null) {
            return null;
        }
        APIResponse ok = operation.getResponses().getAPIResponse("200");
        if (ok == null || ok.getContent() == null) {
            return null;
        }
        MediaType json = ok.getContent().getMediaType(jakarta.ws.rs.core.MediaType.APPLICATION_JSON);
        return json == null ? null : json.getSchema();
    }
}
