package io.pointsplatform.redemption.redemption.rest;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /api/v1/members/{memberId}/redemptions}: newest first; {@code nextCursor} null on the last page. */
public record RedemptionPage(List<RedemptionView> items,
                             @Schema(nullable = true, description = "cursor= for the next page; null on the last")
                             String nextCursor) {
}
