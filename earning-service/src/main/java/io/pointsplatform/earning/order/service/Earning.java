package io.pointsplatform.earning.order.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.pointsplatform.earning.order.service.Calculation.Skipped;
import io.pointsplatform.events.BreakdownLine;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * What an order earned, as answered to checkout (and stored, so a repeat answers the same bytes).
 * {@code skipped} is only in a preview: the rules that did not fire and why.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Earning(String earningId, String orderId, String memberId, long points, BigDecimal eligibleAmount,
                      List<BreakdownLine> breakdown, Instant availableAt, Instant expiresAt, long ruleSetVersion,
                      List<Skipped> skipped) {
}
