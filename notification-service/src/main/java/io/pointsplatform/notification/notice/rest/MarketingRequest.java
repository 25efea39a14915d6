package io.pointsplatform.notification.notice.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.validation.Texts;
import io.pointsplatform.notification.notice.service.MarketingService;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /api/v1/notifications/marketing}: to {@code memberIds}, or to every known member with {@code all}. */
@Schema(name = "MarketingRequest")
public record MarketingRequest(
        @Schema(description = "Names the message; sending it again reaches only members it has not reached."
                + " 1-64 letters, digits or ._- (no ':', which separates it from the member id in the notice id)")
        @NotNull @Pattern(regexp = MarketingService.CAMPAIGN_ID_PATTERN, message = MarketingService.CAMPAIGN_ID_MESSAGE)
        String campaignId,
        @Schema(description = "The e-mail's subject and the in-app title: one line, 1-200 characters, no control"
                + " characters (a line break would start a header of its own)")
        @NotNull @Pattern(regexp = Texts.NOT_BLANK, message = Texts.NOT_BLANK_MESSAGE)
        @Pattern(regexp = Texts.ONE_LINE, message = Texts.ONE_LINE_MESSAGE) @Size(max = 200) String title,
        @NotNull @Pattern(regexp = Texts.NOT_BLANK, message = Texts.NOT_BLANK_MESSAGE) @Size(max = 4000) String body,
        @Schema(description = "1 to 500 members; leave out with all = true")
        @Size(min = 1, max = 500) List<@NotNull @Pattern(regexp = Identifiers.ID_PATTERN,
                message = "must be 1-64 letters, digits or ._:-") String> memberIds,
        @Schema(description = "true: every member known from the members topic (then no memberIds)") Boolean all) {
}
