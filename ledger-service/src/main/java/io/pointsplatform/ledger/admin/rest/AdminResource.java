package io.pointsplatform.ledger.admin.rest;

import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.ledger.account.replay.LedgerAudit;
import io.pointsplatform.ledger.account.replay.LedgerRebuild;
import io.pointsplatform.ledger.rest.ApiDocs;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operations on the whole ledger: rebuild every account from the log (admins only: it replaces
 * every balance); verify the live ones against it (a read: staff and services).
 */
@Path("/api/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocs.ADMIN, description = ApiDocs.ADMIN_ABOUT)
public class AdminResource {

    private final LedgerAudit audit;
    private final LedgerRebuild rebuild;

    public AdminResource(LedgerAudit audit, LedgerRebuild rebuild) {
        this.audit = audit;
        this.rebuild = rebuild;
    }

    @POST
    @Path("/rebuild")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "rebuildLedger", summary = "Rebuild every account from points.ledger and swap it in")
    @APIResponse(responseCode = "200", description = "Rebuilt and swapped in",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = LedgerRebuild.Report.class)))
    @APIResponse(responseCode = "409", description = "REBUILD_RUNNING: a rebuild is running already. LOG_INCOMPLETE:"
            + " points.ledger holds fewer distinct ledger events than the ledger's history (nothing changed).")
    @APIResponse(responseCode = "503", description = "LEDGER_BEHIND: the live consumer did not reach the end of the"
            + " replay within 60 s (nothing changed; try again).")
    public Uni<LedgerRebuild.Report> rebuild() {
        return rebuild.rebuild();
    }

    @GET
    @Path("/verify")
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "verifyLedger", summary = "Compare every live account with one replayed from points.ledger")
    @APIResponse(responseCode = "200", description = "What was compared, and each member that differs",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = LedgerAudit.Report.class)))
    public Uni<LedgerAudit.Report> verify() {
        return audit.verify();
    }
}
