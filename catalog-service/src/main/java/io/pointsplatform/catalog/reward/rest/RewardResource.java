package io.pointsplatform.catalog.reward.rest;

import io.pointsplatform.catalog.reward.service.RewardService;
import io.pointsplatform.catalog.reward.service.RewardView;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/rewards")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Rewards", description = "The catalogue: rewards, their stock and whether a member may redeem them")
public class RewardResource {

    private final RewardService rewards;
    private final Caller caller;

    private final IdempotencyKeys keys;

    public RewardResource(RewardService rewards, Caller caller, IdempotencyKeys keys) {
        this.rewards = rewards;
        this.caller = caller;
        this.keys = keys;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createReward", summary = "Create a reward",
            description = "Creates a reward of any kind once and publishes reward.upserted on catalog.rewards in the"
                    + " same transaction. The same reward again answers 200 with it; the same id with other content is"
                    + " a conflict. With an Idempotency-Key, a repeat answers the first response again.")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RewardView.class)))
    @APIResponse(responseCode = "200", description = "The same reward was created before: it is answered again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RewardView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not JSON, not a reward, or a "
            + "field is missing, of the wrong type, out of range, unknown, or not for this kind (errors names each "
            + "field); or a bad Idempotency-Key")
    @APIResponse(responseCode = "409", description = "REWARD_CONFLICT: a reward with this id exists with other content; "
            + "IDEMPOTENCY_KEY_REUSED: the key was used for another body")
    public Uni<RestResponse<RewardView>> create(@Valid @NotNull RewardRequest request,
                                                @Parameter(description = "Makes a retry safe: the same key and body"
                                                        + " answer the first response again")
                                                @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                                @Context UriInfo uri) {
        if (request.rewardId() == null) {
            throw ApiException.validation("rewardId", "must not be null");
        }
        return keys.once(idempotencyKey, uri, request, () -> rewards.create(request.toSpec(request.rewardId()))
                .map(view -> view.created()
                        ? RestResponse.status(RestResponse.Status.CREATED, view)
                        : RestResponse.ok(view)));
    }

    @PUT
    @Path("/{rewardId}")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "changeReward", summary = "Change a reward",
            description = "Replaces a reward's definition as a whole (a field left out is cleared: stock absent is "
                    + "unlimited) and publishes reward.upserted. Its kind cannot change; a COUPON's stock is its codes. "
                    + "The same definition again changes nothing.")
    @APIResponse(responseCode = "200", description = "The reward as it now is",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RewardView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: as for create, or rewardId in the body is not "
            + "the path's, or the kind differs from the reward's")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no reward has this id")
    @APIResponse(responseCode = "409", description = "REWARD_RETIRED: a retired reward cannot change")
    @APIResponse(responseCode = "412", description = VERSION_MISMATCH)
    public Uni<RewardView> change(
            @Parameter(description = "The reward's id") @PathParam("rewardId")
            @Pattern(regexp = Identifiers.ID_PATTERN) String rewardId,
            @Parameter(description = IF_MATCH) @RestHeader("If-Match") String ifMatch,
            @Valid @NotNull RewardRequest request) {
        if (request.rewardId() != null && !request.rewardId().equals(rewardId)) {
            throw ApiException.validation("rewardId", "must be the path's reward id, or left out");
        }
        return rewards.change(rewardId, request.toSpec(rewardId), version(ifMatch));
    }

    static final String IF_MATCH = "The reward's version as read (its \"version\", e.g. \"7\" with the quotes,"
            + " or * for any): the change is refused with 412 if the reward moved since. Without it the change is"
            + " made whatever moved since, stock included";
    static final String VERSION_MISMATCH = "VERSION_MISMATCH: If-Match names another version than the reward's"
            + " (a change, or a reservation that took or gave back stock, moved it since it was read); nothing changed";

    /** If-Match as a version: {@code "7"} (or {@code 7}, {@code W/"7"}); null for none or {@code *}. */
    static Long version(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
            return null;
        }
        String tag = ifMatch.strip();
        if (tag.startsWith("W/")) {
            tag = tag.substring(2);
        }
        if (tag.length() >= 2 && tag.startsWith("\"") && tag.endsWith("\"")) {
            tag = tag.substring(1, tag.length() - 1);
        }
        if (!tag.matches("[0-9]{1,18}")) {
            throw ApiException.validation("If-Match", "must be the reward's version in quotes (\"7\"), or *");
        }
        return Long.parseLong(tag);
    }

    @POST
    @Path("/{rewardId}/retire")
    @RolesAllowed(Roles.ADMIN)
    @Operation(operationId = "retireReward", summary = "Retire a reward",
            description = "The reward can no longer be reserved or changed; reservations already made still confirm, "
                    + "release and return. Publishes reward.retired. Idempotent: a retired reward answers as it is.")
    @APIResponse(responseCode = "200", description = "The reward, RETIRED",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RewardView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: rewardId is not an id")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no reward has this id")
    @APIResponse(responseCode = "412", description = VERSION_MISMATCH)
    public Uni<RewardView> retire(
            @Parameter(description = "The reward's id") @PathParam("rewardId")
            @Pattern(regexp = Identifiers.ID_PATTERN) String rewardId,
            @Parameter(description = IF_MATCH) @RestHeader("If-Match") String ifMatch) {
        return rewards.retire(rewardId, version(ifMatch));
    }

    @GET
    @Path("/{rewardId}")
    @RolesAllowed({Roles.MEMBER, Roles.CHECKOUT, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "getReward", summary = "Get a reward",
            description = "With memberId, the reward says whether that member may redeem it now and every reason why not. "
                    + "A HIDDEN reward is found by admin, analyst and service only.")
    @APIResponse(responseCode = "200", description = "The reward",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RewardView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: rewardId or memberId is not an id "
            + "(1-64 letters, digits or ._:-)")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: the token's role may not call this; NOT_OWN_ACCOUNT: "
            + "a member's token names another member in memberId")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no reward has this id")
    public Uni<RewardView> get(
            @Parameter(description = "The reward's id") @PathParam("rewardId")
            @Pattern(regexp = Identifiers.ID_PATTERN) String rewardId,
            @Parameter(description = "A member: the answer then carries that member's eligibility (a member's token: its own id only)")
            @QueryParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId) {
        if (memberId != null) {
            caller.requireAccess(memberId);
        }
        return rewards.get(rewardId, memberId, seesEverything());
    }

    @GET
    @RolesAllowed({Roles.MEMBER, Roles.CHECKOUT, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "listRewards", summary = "List rewards",
            description = "A page of rewards ordered by rewardId; pass the last id of a page as after for the next. "
                    + "With memberId, each reward says whether that member may redeem it now and every reason why not. "
                    + "Members and checkout see PUBLIC, ACTIVE rewards; admin, analyst and service every one.")
    @APIResponse(responseCode = "200", description = "A page of rewards",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = RewardView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: memberId or after is not an id, or limit "
            + "is not a whole number from 1 to 200")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: the token's role may not call this; NOT_OWN_ACCOUNT: "
            + "a member's token names another member in memberId")
    public Uni<List<RewardView>> list(
            @Parameter(description = "A member: each reward then carries that member's eligibility (a member's token: its own id only)")
            @QueryParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
            @Parameter(description = "The last rewardId of the previous page")
            @QueryParam("after") @Pattern(regexp = Identifiers.ID_PATTERN) String after,
            @Parameter(description = "Rewards per page, 1 to 200")
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(RewardService.MAX_PAGE) int limit) {
        if (memberId != null) {
            caller.requireAccess(memberId);
        }
        return rewards.list(memberId, after, limit, seesEverything());
    }

    /** Admin, analyst and service see HIDDEN and RETIRED rewards; members and checkout the public catalogue. */
    private boolean seesEverything() {
        return caller.hasRole(Roles.ADMIN) || caller.hasRole(Roles.ANALYST) || caller.hasRole(Roles.SERVICE);
    }
}
