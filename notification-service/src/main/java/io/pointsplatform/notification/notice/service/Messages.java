package io.pointsplatform.notification.notice.service;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.events.PointsAdjusted;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsExpired;
import io.pointsplatform.events.PointsReturned;
import io.pointsplatform.events.PointsReversed;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.TierChanged;
import io.pointsplatform.notification.notice.repository.Notification;
import java.time.ZoneId;
import java.util.Optional;

/**
 * What a member is told about an event, in the members' language. Holds and releases are steps of
 * a redemption, not news: the member hears about the spend or the failure instead.
 */
final class Messages {

    private Messages() {
    }

    static Optional<Notification> forEvent(CloudEvent event, ZoneId zone) {
        return Optional.ofNullable(switch (event.data()) {
            case MemberEnrolled e -> notice(event, e.memberId(), "欢迎加入会员计划",
                    e.name() == null ? "欢迎您成为我们的会员！" : "欢迎您，" + e.name() + "！");
            case PointsEarned e -> notice(event, e.memberId(), "积分到账",
                    "您获得了 " + e.points() + " 积分，有效期至 " + e.expiresAt().atZone(zone).toLocalDate() + "。");
            case PointsSpent e -> notice(event, e.memberId(), "积分已使用", "您使用了 " + e.points() + " 积分。");
            case PointsReturned e -> notice(event, e.memberId(), "积分已退还", "您使用的 " + e.points() + " 积分已退还到账户。");
            case PointsExpired e -> notice(event, e.memberId(), "积分已过期", "您有 " + e.points() + " 积分已过期。");
            case PointsReversed e -> e.points() + e.debt() == 0 ? null : notice(event, e.memberId(), "积分已扣回",
                    "订单 " + e.orderId() + " 退款，扣回 " + (e.points() + e.debt()) + " 积分。");
            case PointsAdjusted e -> notice(event, e.memberId(), "积分调整",
                    "您的积分已调整 " + (e.points() > 0 ? "+" : "") + e.points() + "，原因：" + e.reason() + "。");
            case TierChanged e -> notice(event, e.memberId(), "会员等级变更", "您的会员等级已变更为 " + e.to() + "。");
            default -> null;
        });
    }

    private static Notification notice(CloudEvent event, String memberId, String title, String body) {
        Notification n = new Notification();
        n.notificationId = event.id();
        n.memberId = memberId;
        n.kind = event.type();
        n.title = title;
        n.body = body;
        n.occurredAt = event.time();
        return n;
    }
}
