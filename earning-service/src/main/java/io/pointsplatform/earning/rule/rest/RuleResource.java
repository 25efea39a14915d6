package io.pointsplatform.earning.rule.rest;

import io.pointsplatform.earning.rule.service.Rule;
import io.pointsplatform.earning.rule.service.RuleAdmin;
import io.pointsplatform.earning.rule.service.RuleAdmin.Change;
import io.pointsplatform.earning.rule.service.RuleAdmin.Mode;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** Admin: earning rules. Every change bumps the rule-set version, which the answer carries. */
@Path("/api/v1/rules")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class RuleResource {

    private final RuleAdmin admin;
    private final IdempotencyKeys keys;

    public RuleResource(RuleAdmin admin, IdempotencyKeys keys) {
        this.admin = admin;
        this.keys = keys;
    }

    @GET
    public Uni<List<Rule>> list() {
        return admin.rules();
    }

    @GET
    @Path("/{ruleId}")
    public Uni<Rule> get(@RestPath String ruleId) {
        return admin.rule(ruleId);
    }

    @POST
    public Uni<RestResponse<Change<Rule>>> create(@Valid @NotNull RuleRequest request,
                                                  @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                                  @Context UriInfo uri) {
        return keys.once(idempotencyKey, uri, request, () -> admin.save(request.toRule(request.ruleId()), Mode.CREATE)
                .map(change -> RestResponse.status(RestResponse.Status.CREATED, change)));
    }

    @PUT
    @Path("/{ruleId}")
    public Uni<Change<Rule>> change(@RestPath String ruleId, @Valid @NotNull RuleRequest request) {
        return admin.save(request.toRule(ruleId), Mode.CHANGE);
    }

    /** Deactivates the rule; it stays listed, so earnings recorded with it can still be explained. */
    @DELETE
    @Path("/{ruleId}")
    public Uni<Change<Rule>> deactivate(@RestPath String ruleId) {
        return admin.deactivateRule(ruleId);
    }
}
