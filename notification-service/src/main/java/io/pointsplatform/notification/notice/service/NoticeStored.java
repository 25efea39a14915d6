package io.pointsplatform.notification.notice.service;

public record NoticeStored(String noticeId, long sequence, String memberId, String kind, String title, String body, java.time.Instant occurredAt, String eventType, String cloudEventJson) {}
