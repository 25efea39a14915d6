package io.pointsplatform.ledger.admin.rest;

import io.pointsplatform.ledger.account.replay.LedgerAudit;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Operations on the whole ledger: verify the live accounts against a replay of the log. */
@Path("/api/v1/admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminResource {

    private final LedgerAudit audit;

    public AdminResource(LedgerAudit audit) {
        this.audit = audit;
    }

    @GET
    @Path("/verify")
    public Uni<LedgerAudit.Report> verify() {
        return audit.verify();
    }
}
