package io.pointsplatform.notification.notice.service;

import java.time.Instant;

/**
 * A notice committed to the database, fired with {@code Event<NoticeStored>.fireAsync} after the
 * transaction that stored it: webhooks and the live stream observe it. {@code sequence} is the
 * notice's place in the order notices were stored (the stream's {@code Last-Event-ID});
 * {@code cloudEventJson} is the CloudEvent the notice came from as on Kafka (for a marketing notice,
 * a CloudEvent of type {@code notification.marketing} made by this service).
 */
public record NoticeStored(String noticeId, long sequence, String memberId, String kind, String title, String body,
                           Instant occurredAt, String eventType, String cloudEventJson) {
}
