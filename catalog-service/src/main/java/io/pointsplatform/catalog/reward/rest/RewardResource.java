package io.pointsplatform.catalog.reward.rest;

import io.pointsplatform.catalog.reward.service.RewardService;
import io.pointsplatform.catalog.reward.service.RewardView;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/rewards")
@Produces(MediaType.APPLICATION_JSON)
public class RewardResource {

    private final RewardService rewards;
    private final Caller caller;

    public RewardResource(RewardService rewards, Caller caller) {
        this.rewards = rewards;
        this.caller = caller;
    }

    @POST
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<RewardView>> create(@Valid @NotNull RewardRequest request) {
        return rewards.create(request).map(view -> view.created()
                ? RestResponse.status(RestResponse.Status.CREATED, view)
                : RestResponse.ok(view));
    }

    @GET
    @Path("/{rewardId}")
    @RolesAllowed({Roles.MEMBER, Roles.CHECKOUT, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    public Uni<RewardView> get(@PathParam("rewardId") @Pattern(regexp = Identifiers.ID_PATTERN) String rewardId,
                               @QueryParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId) {
        if (memberId != null) {
            caller.requireAccess(memberId);
        }
        return rewards.get(rewardId, memberId);
    }

    @GET
    @RolesAllowed({Roles.MEMBER, Roles.CHECKOUT, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    public Uni<List<RewardView>> list(@QueryParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
                                      @QueryParam("after") @Pattern(regexp = Identifiers.ID_PATTERN) String after,
                                      @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(RewardService.MAX_PAGE) int limit) {
        if (memberId != null) {
            caller.requireAccess(memberId);
        }
        return rewards.list(memberId, after, limit);
    }
}
