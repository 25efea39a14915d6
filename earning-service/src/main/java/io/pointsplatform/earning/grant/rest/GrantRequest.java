package io.pointsplatform.earning.grant.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.validation.Texts;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * {@code POST /api/v1/campaigns/{campaignId}/grants}: {@code points} to each of {@code memberIds}
 * (1 to 10 000 distinct, enrolled members), once per {@code grantId}. Who asked for it is the
 * admin's token's subject, not a field: a body with {@code requestedBy} is refused as having a
 * property this request does not have.
 */
public record GrantRequest(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String grantId,
        @NotNull @Min(1) @Max(1_000_000) Long points,
        @NotNull @Size(min = 1, max = 10_000, message = "must name 1 to 10000 members") List<
                @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String> memberIds,
        @Pattern(regexp = Texts.NOT_BLANK, message = Texts.NOT_BLANK_MESSAGE) @Size(max = 500) String reason) {
}
