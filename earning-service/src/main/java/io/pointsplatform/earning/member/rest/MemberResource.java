package io.pointsplatform.earning.member.rest;

import io.pointsplatform.earning.member.service.Enrolment;
import io.pointsplatform.earning.member.service.MemberService;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/members")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class MemberResource {

    private final MemberService members;
    private final IdempotencyKeys keys;
    private final Caller caller;

    public MemberResource(MemberService members, IdempotencyKeys keys, Caller caller) {
        this.members = members;
        this.keys = keys;
        this.caller = caller;
    }

    /** Enrols a member once: a repeat of the same enrolment answers 200 with the first result. */
    @POST
    @RolesAllowed(Roles.CHECKOUT)
    @Operation(operationId = "enrolMember", summary = "Enrol a member",
            description = "Records the member, publishes member.enrolled and credits the sign-up and referral bonuses,"
                    + " once per memberId.")
    @APIResponse(responseCode = "201", description = "Enrolled; the member's own bonuses",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Enrolment.class)))
    @APIResponse(responseCode = "200", description = "The same enrolment again: the first answer, nothing credited",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Enrolment.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not valid (JSON, types, unknown"
            + " properties, constraints), a member referring itself, or a bad Idempotency-Key")
    @APIResponse(responseCode = "409", description = "MEMBER_CONFLICT: the id is enrolled with other details;"
            + " IDEMPOTENCY_KEY_REUSED: the key was used for another body")
    @APIResponse(responseCode = "422", description = "UNKNOWN_REFERRER: referredBy was never enrolled")
    public Uni<RestResponse<Enrolment>> enrol(@Valid @NotNull EnrolmentRequest request,
                                              @Parameter(description = "Makes a retry safe: the same key and body"
                                                      + " answer the first response again")
                                              @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                              @Context UriInfo uri) {
        return keys.once(idempotencyKey, uri, request, () -> members.enrol(request).map(enrolment -> enrolment.created()
                ? RestResponse.status(RestResponse.Status.CREATED, enrolment)
                : RestResponse.ok(enrolment)));
    }

    /** The language a member is told in and where it is e-mailed; the member itself or an admin changes them. */
    @PUT
    @Path("/{memberId}/contact")
    @RolesAllowed({Roles.MEMBER, Roles.ADMIN})
    @Operation(operationId = "changeMemberContact", summary = "Change how a member is told: its language, its e-mail address",
            description = "Sets what is given (locale zh-CN or en, email) and publishes member.updated with what changed; "
                    + "what is absent stays, and the same values again change nothing.")
    @APIResponse(responseCode = "200", description = "The member's locale and address as they now are",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = MemberService.MemberContactDetails.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: memberId is not an id, or the body is not "
            + "valid (JSON, types, unknown properties, a locale other than zh-CN or en, not an e-mail address, "
            + "neither locale nor email given)")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: the token's role may not call this; NOT_OWN_ACCOUNT: "
            + "a member's token for another member")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no member of that id was enrolled")
    public Uni<MemberService.MemberContactDetails> changeContact(
            @Parameter(description = "The member (a member's token: its own id only)")
            @PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
            @Valid @NotNull ContactRequest request) {
        caller.requireAccess(memberId);
        if (request.locale() == null && request.email() == null) {
            throw ApiException.validation("locale", "give locale, email or both");
        }
        return members.changeContact(memberId, request.locale(), request.email());
    }
}
