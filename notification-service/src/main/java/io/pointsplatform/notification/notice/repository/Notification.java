package io.pointsplatform.notification.notice.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "notification")
public class Notification extends PanacheEntityBase {

    @Id
    @Column(name = "notification_id")
    public String notificationId;

    @Column(name = "member_id")
    public String memberId;

    public String kind;

    public String title;

    public String body;

    @Column(name = "occurred_at")
    public Instant occurredAt;

    /** When the member read it; null while unread. */
    @Column(name = "read_at")
    public Instant readAt;
}
