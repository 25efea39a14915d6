package io.pointsplatform.notification.stream.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.notification.stream.repository.NoticeFeed;
import io.pointsplatform.notification.stream.service.NoticeStreams;
import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;

@Path("/api/v1/members/{memberId}/stream")
@Tag(name = "Notifications", description = "What members have been told")
public class StreamResource {

    static final String LAST_EVENT_ID = "Last-Event-ID";

    private final NoticeStreams streams;
    private final Caller caller;
    private final ObjectMapper json;

    public StreamResource(NoticeStreams streams, Caller caller, ObjectMapper json) {
        this.streams = streams;
        this.caller = caller;
        this.json = json;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed({Roles.MEMBER, Roles.ADMIN, Roles.SERVICE})
    @Operation(operationId = "streamNotices", summary = "A member's notices as they are stored (server-sent events)",
            description = "Each notice is an event `notice` whose id is the notice's sequence and whose data is the"
                    + " notice as JSON. With Last-Event-ID the notices stored after it come first, then live ones:"
                    + " no gap, no repeat. A comment line every 15 s keeps proxies from closing the stream.")
    @APIResponse(responseCode = "200", description = "The stream (text/event-stream)",
            content = @Content(mediaType = MediaType.SERVER_SENT_EVENTS,
                    schema = @Schema(implementation = StreamedNotice.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: memberId is not an id (1-64 letters, digits"
            + " or ._:-), or Last-Event-ID is not a whole number from 0")
    @APIResponse(responseCode = "403", description = "FORBIDDEN: the token's role may not call this; NOT_OWN_ACCOUNT: "
            + "a member's token for another member")
    @APIResponse(responseCode = "429", description = "TOO_MANY_STREAMS: the member has 3 streams open already")
    @APIResponse(responseCode = "503", description = "STREAMS_FULL: this instance serves its most streams"
            + " (points.stream.max-open, 1 000) already; try again after Retry-After (30 s)")
    public Multi<OutboundSseEvent> stream(
            @Parameter(description = "The member (a member's token: its own id only)")
            @PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
            @Parameter(description = "The id of the last event received; the stream resumes after it")
            @RestHeader(LAST_EVENT_ID) String lastEventId,
            @Context Sse sse) {
        Long after = parse(lastEventId);
        caller.requireAccess(memberId);
        return streams.open(memberId, after).map(item -> item.notice() == null
                ? sse.newEventBuilder().comment("heartbeat").build()
                : sse.newEventBuilder().name("notice").id(Long.toString(item.notice().sequence()))
                        .data(write(StreamedNotice.of(item.notice()))).build());
    }

    @Schema(name = "StreamedNotice", description = "The data of a stream's notice event")
    public record StreamedNotice(long sequence, String notificationId, String kind, String title, String body,
                                 java.time.Instant occurredAt) {
        static StreamedNotice of(NoticeFeed.Notice n) {
            return new StreamedNotice(n.sequence(), n.notificationId(), n.kind(), n.title(), n.body(), n.occurredAt());
        }
    }

    private String write(StreamedNotice notice) {
        try {
            return json.writeValueAsString(notice);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a notice cannot be written as JSON", e);
        }
    }

    private static Long parse(String lastEventId) {
        if (lastEventId == null || lastEventId.isEmpty()) {
            return null;
        }
        try {
            long after = Long.parseLong(lastEventId.strip());
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw ApiException.validation(LAST_EVENT_ID, "must be the id of an event of this stream (a whole number from 0)");
    }
}
