package io.pointsplatform.earning.rule.rest;

import io.pointsplatform.earning.rule.service.Rule;
import io.pointsplatform.earning.rule.service.RuleAdmin;
import io.pointsplatform.earning.rule.service.RuleAdmin.Change;
import io.pointsplatform.earning.rule.service.RuleAdmin.Mode;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestResponse;

/** Admin: earning rules. Every change bumps the rule-set version, which the answer carries. */
@Path("/api/v1/rules")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class RuleResource {

    private static final String ID_MESSAGE = "must be 1-64 letters, digits or ._:-";

    private final RuleAdmin admin;
    private final IdempotencyKeys keys;

    public RuleResource(RuleAdmin admin, IdempotencyKeys keys) {
        this.admin = admin;
        this.keys = keys;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "listRules", summary = "Every earning rule, active or not, by rule id")
    @APIResponse(responseCode = "200", description = "The rules")
    public Uni<List<Rule>> list() {
        return admin.rules();
    }

    @GET
    @Path("/{ruleId}")
    @RolesAllowed({Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "getRule", summary = "One earning rule")
    @APIResponse(responseCode = "200", description = "The rule")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: a bad ruleId in the path")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such rule")
    public Uni<Rule> get(@RestPath @Pattern(regexp = Identifiers.ID_PATTERN, message = ID_MESSAGE) String ruleId) {
        return admin.rule(ruleId);
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "createRule", summary = "Create an earning rule",
            description = "What the rule needs depends on its kind; the rule-set version is bumped.")
    @APIResponse(responseCode = "201", description = "Created: the rule as saved and the new rule-set version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "ChangeRule")))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not valid (JSON, types, unknown"
            + " properties, the fields its kind needs), or a bad Idempotency-Key; every field at fault is listed")
    @APIResponse(responseCode = "409", description = "RULE_EXISTS: a rule has that id;"
            + " IDEMPOTENCY_KEY_REUSED: the key was used for another body")
    public Uni<RestResponse<Change<Rule>>> create(@Valid @NotNull RuleRequest request,
                                                  @Parameter(description = "Makes a retry safe: the same key and"
                                                          + " body answer the first response again")
                                                  @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                                  @Context UriInfo uri) {
        return keys.once(idempotencyKey, uri, request, () -> admin.save(request.toRule(request.ruleId()), Mode.CREATE)
                .map(change -> RestResponse.status(RestResponse.Status.CREATED, change)));
    }

    @PUT
    @Path("/{ruleId}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "replaceRule", summary = "Replace an earning rule",
            description = "The whole rule is replaced (the path's id counts); the rule-set version is bumped.")
    @APIResponse(responseCode = "200", description = "The rule as saved and the new rule-set version")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not valid, or a bad ruleId in"
            + " the path; every field at fault is listed")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such rule")
    public Uni<Change<Rule>> change(@RestPath @Pattern(regexp = Identifiers.ID_PATTERN, message = ID_MESSAGE)
                                    String ruleId,
                                    @Valid @NotNull RuleRequest request) {
        return admin.save(request.toRule(ruleId), Mode.CHANGE);
    }

    /** Deactivates the rule; it stays listed, so earnings recorded with it can still be explained. */
    @DELETE
    @Path("/{ruleId}")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "deactivateRule", summary = "Deactivate an earning rule",
            description = "The rule stops firing and stays listed, so earnings recorded with it can still be"
                    + " explained; the rule-set version is bumped.")
    @APIResponse(responseCode = "200", description = "The rule, inactive, and the new rule-set version")
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: a bad ruleId in the path")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such rule")
    public Uni<Change<Rule>> deactivate(@RestPath @Pattern(regexp = Identifiers.ID_PATTERN, message = ID_MESSAGE)
                                        String ruleId) {
        return admin.deactivateRule(ruleId);
    }
}
