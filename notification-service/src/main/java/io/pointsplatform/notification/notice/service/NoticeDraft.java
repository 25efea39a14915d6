package io.pointsplatform.notification.notice.service;

import io.pointsplatform.events.CloudEvent;
import java.time.Instant;
import java.util.Map;

/**
 * A notice before it is written in its member's locale. {@code event} is the CloudEvent it came
 * from, null for a marketing notice.
 */
public record NoticeDraft(String noticeId, String memberId, String kind, Instant occurredAt, Map<String, Object> params,
                   CloudEvent event) {
}
