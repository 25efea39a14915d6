package io.pointsplatform.notification.notice.service;

import java.time.Instant;
import java.util.Map;

/** A notice before it is written in its member's locale. */
public record NoticeDraft(String noticeId, String memberId, String kind, Instant occurredAt, Map<String, Object> params) {
}
