package io.pointsplatform.earning.member.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.time.LocalDate;

@Entity
@Table(name = "member")
public class Member extends PanacheEntityBase {

    @Id
    @Column(name = "member_id")
    public String memberId;

    public String name;

    public LocalDate birthday;

    @Column(name = "referred_by")
    public String referredBy;

    public String locale;

    public String email;

    @Column(name = "enrolled_at", nullable = false)
    public Instant enrolledAt;
}
