package io.pointsplatform.earning.member.rest;

import io.pointsplatform.earning.member.service.Enrolment;
import io.pointsplatform.earning.member.service.MemberService;
import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/v1/members")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class MemberResource {

    private final MemberService members;
    private final IdempotencyKeys keys;

    public MemberResource(MemberService members, IdempotencyKeys keys) {
        this.members = members;
        this.keys = keys;
    }

    /** Enrols a member once: a repeat of the same enrolment answers 200 with the first result. */
    @POST
    public Uni<RestResponse<Enrolment>> enrol(@Valid @NotNull EnrolmentRequest request,
                                              @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
                                              @Context UriInfo uri) {
        return keys.once(idempotencyKey, uri, request, () -> members.enrol(request).map(enrolment -> enrolment.created()
                ? RestResponse.status(RestResponse.Status.CREATED, enrolment)
                : RestResponse.ok(enrolment)));
    }
}
