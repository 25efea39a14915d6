package io.pointsplatform.earning.campaign.rest;

import io.pointsplatform.earning.campaign.service.Campaign;
import io.pointsplatform.earning.rule.service.Validation;
import io.pointsplatform.events.Tier;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.validation.Texts;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A campaign as an admin sends it: a multiplier in a window [startsAt, endsAt), optional filters and budget. */
public record CampaignRequest(
        @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String campaignId,
        @Pattern(regexp = Texts.NOT_BLANK, message = Texts.NOT_BLANK_MESSAGE) @Size(max = 200) String name,
        BigDecimal multiplier,
        Instant startsAt,
        Instant endsAt,
        @Size(min = 1, max = 64) String category,
        @Size(min = 1, max = 64) String sku,
        Tier minTier,
        Long budget,
        Boolean active) {

    public Campaign toCampaign(String id) {
        new Validation().present(id, "campaignId")
                .multiplier(multiplier, "multiplier")
                .present(startsAt, "startsAt")
                .present(endsAt, "endsAt")
                .require(startsAt == null || endsAt == null || endsAt.truncatedTo(ChronoUnit.MICROS).isAfter(startsAt.truncatedTo(ChronoUnit.MICROS)),
                        // As stored: PostgreSQL keeps microseconds, and a window within one is empty there.
                        "endsAt", "must be after startsAt (the window is empty)")
                .require(budget == null || budget > 0, "budget", "must be a positive number of points (was " + budget + ")")
                .orRefuse();
        return new Campaign(id, name, multiplier, startsAt, endsAt, category, sku, minTier, budget, 0,
                active == null || active, null);
    }
}
