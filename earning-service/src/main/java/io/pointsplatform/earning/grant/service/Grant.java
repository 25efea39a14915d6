package io.pointsplatform.earning.grant.service;

import java.time.Instant;

/** A bulk grant as recorded: {@code points} to each of {@code members} members, {@code totalPoints} in all. */
public record Grant(String grantId, String campaignId, long points, int members, long totalPoints,
                    String requestedBy, String reason, Instant grantedAt) {
}
