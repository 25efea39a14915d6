package io.pointsplatform.notification.notice.service;

import java.time.Instant;

/**
 * A notice committed to the database, announced in a {@link NoticesStored} after the transaction that
 * stored it (the live stream observes it). {@code sequence} is the notice's place in the order notices
 * were stored (the stream's {@code Last-Event-ID}).
 */
public record NoticeStored(String noticeId, long sequence, String memberId, String kind, String title, String body,
                           Instant occurredAt) {
}
