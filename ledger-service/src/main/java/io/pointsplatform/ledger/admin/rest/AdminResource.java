package io.pointsplatform.ledger.admin.rest;

import io.pointsplatform.ledger.account.replay.LedgerAudit;
import io.pointsplatform.ledger.account.replay.LedgerRebuild;
import jakarta.ws.rs.POST;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Operations on the whole ledger: rebuild every account from the log; verify the live ones against it. */
@Path("/api/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private final LedgerAudit audit;
    private final LedgerRebuild rebuild;

    public AdminResource(LedgerAudit audit, LedgerRebuild rebuild) {
        this.audit = audit;
        this.rebuild = rebuild;
    }

    @POST
    @Path("/rebuild")
    public Uni<LedgerRebuild.Report> rebuild() {
        return rebuild.rebuild();
    }

    @GET
    @Path("/verify")
    public Uni<LedgerAudit.Report> verify() {
        return audit.verify();
    }
}
