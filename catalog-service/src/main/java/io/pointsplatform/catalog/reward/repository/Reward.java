package io.pointsplatform.catalog.reward.repository;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

@Entity
@Table(name = "reward")
public class Reward extends PanacheEntityBase {

    @Id
    @Column(name = "reward_id")
    public String rewardId;

    public String name;

    public String kind;

    @Column(name = "points_cost")
    public long pointsCost;

    public long stock;

    @Column(name = "per_member_limit")
    public Integer perMemberLimit;

    @Column(name = "min_tier")
    public String minTier;

    @Column(name = "valid_from")
    public Instant validFrom;

    @Column(name = "valid_until")
    public Instant validUntil;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
