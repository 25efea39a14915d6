package io.pointsplatform.dashboard.rest;

import io.pointsplatform.dashboard.service.AnalyticsService;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The analysts' read-only numbers, from the analytics schema alone. Days are the programme's
 * (Asia/Shanghai) calendar days, {@code from} and {@code to} both included; left out, they are the
 * first and last day with events.
 */
@Path("/api/v1/analytics")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ANALYST, Roles.ADMIN})
@Tag(name = "Analytics", description = "Issuance, redemption, expiry and liability, from the replayed log")
public class AnalyticsResource {

    private static final LocalDate EARLIEST = LocalDate.of(2000, 1, 1);
    private static final LocalDate LATEST = LocalDate.of(2999, 12, 31);

    private final AnalyticsService analytics;

    public AnalyticsResource(AnalyticsService analytics) {
        this.analytics = analytics;
    }

    @GET
    @Path("/summary")
    @Operation(operationId = "getAnalyticsSummary", summary = "The dashboard's key numbers",
            description = "Points issued, spent (less returned), expired and reversed over the days; redemption rate"
                    + " (spent / issued) and expiry rate (expired / issued), absent when nothing was issued;"
                    + " outstanding points at the end of the last day and their value in yuan; points expiring in the"
                    + " next expiringDays days; when the newest event happened and when the replay last wrote.")
    @APIResponse(responseCode = "200", description = "The numbers; empty is true while no event has been replayed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = AnalyticsService.Summary.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: from or to not a date (yyyy-MM-dd) or out of "
            + "range, to before from (from alone: after the last day with events; to alone: before the first), more"
            + " than 3661 days, or expiringDays outside 1..366")
    @APIResponse(responseCode = "503", description = NOT_READY)
    public Uni<AnalyticsService.Summary> summary(@Parameter(description = FROM, schema = @Schema(type = SchemaType.STRING, format = "date"))
                                                 @QueryParam("from") String from,
                                                 @Parameter(description = TO, schema = @Schema(type = SchemaType.STRING, format = "date"))
                                                 @QueryParam("to") String to,
                                                 @Parameter(description = "The window of the expiring points, in days from now")
                                                 @QueryParam("expiringDays") @DefaultValue("30") @Min(1) @Max(366)
                                                 int expiringDays) {
        Range range = range(from, to);
        return analytics.summary(range.from(), range.to(), expiringDays);
    }

    @GET
    @Path("/daily")
    @Operation(operationId = "listAnalyticsDays", summary = "Points per day",
            description = "One entry per day from from to to, days without events included as zeros: issued, spent"
                    + " (less returned), expired, reversed, returned and adjusted (signed), and outstanding at the"
                    + " day's end. Empty while no event has been replayed.")
    @APIResponse(responseCode = "200", description = "The days, oldest first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = AnalyticsService.Day.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: from or to not a date (yyyy-MM-dd) or out of "
            + "range, to before from (from alone: after the last day with events; to alone: before the first), or"
            + " more than 3661 days")
    @APIResponse(responseCode = "503", description = NOT_READY)
    public Uni<List<AnalyticsService.Day>> daily(@Parameter(description = FROM, schema = @Schema(type = SchemaType.STRING, format = "date"))
                                                 @QueryParam("from") String from,
                                                 @Parameter(description = TO, schema = @Schema(type = SchemaType.STRING, format = "date"))
                                                 @QueryParam("to") String to) {
        Range range = range(from, to);
        return analytics.daily(range.from(), range.to());
    }

    @GET
    @Path("/rewards/top")
    @Operation(operationId = "listTopRewards", summary = "The rewards redeemed most",
            description = "Rewards by redemptions completed less cancelled, then by points spent on them, with what the"
                    + " catalogue last said of them (name, kind, pointsCost).")
    @APIResponse(responseCode = "200", description = "At most limit rewards, most redeemed first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = AnalyticsService.TopReward.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: limit not a whole number within 1..50")
    @APIResponse(responseCode = "503", description = NOT_READY)
    public Uni<List<AnalyticsService.TopReward>> topRewards(@Parameter(description = "How many rewards, 1..50")
                                                            @QueryParam("limit") @DefaultValue("10") @Min(1) @Max(50)
                                                            int limit) {
        return analytics.topRewards(limit);
    }

    @GET
    @Path("/expiring")
    @Operation(operationId = "getExpiringPoints", summary = "Points expiring soon",
            description = "Points left in lots whose expiry falls within the next days days, in all and per day of"
                    + " expiry, with how many members they belong to.")
    @APIResponse(responseCode = "200", description = "The window and its points",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = AnalyticsService.Expiring.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: days not a whole number within 1..366")
    @APIResponse(responseCode = "503", description = NOT_READY)
    public Uni<AnalyticsService.Expiring> expiring(@Parameter(description = "The window, in days from now, 1..366")
                                                   @QueryParam("days") @DefaultValue("30") @Min(1) @Max(366) int days) {
        return analytics.expiring(days);
    }

    @GET
    @Path("/tiers")
    @Operation(operationId = "listMembersPerTier", summary = "Members per tier",
            description = "Every tier of the programme (MEMBER, SILVER, GOLD, PLATINUM), with 0 where no member is in"
                    + " it, then any other tier the log names.")
    @APIResponse(responseCode = "200", description = "The tiers, lowest first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = AnalyticsService.Tier.class)))
    @APIResponse(responseCode = "503", description = NOT_READY)
    public Uni<List<AnalyticsService.Tier>> tiers() {
        return analytics.tiers();
    }

    private static final String NOT_READY = "ANALYTICS_NOT_READY: the analytics database, schema or tables are not"
            + " there yet (the replay makes them on its first run)";
    private static final String FROM = "The first day (yyyy-MM-dd, the programme's zone), included; default the first day with events";
    private static final String TO = "The last day (yyyy-MM-dd), included; default the last day with events";

    private record Range(LocalDate from, LocalDate to) {
    }

    /**
     * from and to as dates a client may ask for: each optional, in order, at most MAX_DAYS days apart.
     * With one left out, its default (a day with events) is the service's to check against.
     */
    static Range range(String from, String to) {
        LocalDate first = date("from", from);
        LocalDate last = date("to", to);
        if (first != null && last != null) {
            if (last.isBefore(first)) {
                throw ApiException.validation("to", "must not be before from (" + first + ")");
            }
            if (ChronoUnit.DAYS.between(first, last) + 1 > AnalyticsService.MAX_DAYS) {
                throw ApiException.validation("to", "at most " + AnalyticsService.MAX_DAYS + " days from from");
            }
        }
        return new Range(first, last);
    }

    private static LocalDate date(String field, String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        LocalDate date;
        try {
            date = text.length() == 10 ? LocalDate.parse(text) : null;
        } catch (DateTimeParseException e) {
            date = null;
        }
        if (date == null) {
            String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
            throw ApiException.validation(field, "got \"" + shown + "\", must be a date, e.g. 2026-12-01");
        }
        if (date.isBefore(EARLIEST) || date.isAfter(LATEST)) {
            throw ApiException.validation(field, "must be within " + EARLIEST + " and " + LATEST);
        }
        return date;
    }
}
