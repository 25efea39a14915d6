package io.pointsplatform.kit.view;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A service's own copy of one member's points, folded from {@code points.ledger} with the shared
 * {@code Account} fold and kept as a snapshot. Read models only: the ledger decides.
 * Table {@code member_points}, created by the migrations of each service that keeps the view.
 */
@Entity
@Table(name = "member_points")
public class MemberPoints extends PanacheEntityBase {

    @Id
    @Column(name = "member_id")
    public String memberId;

    /** The snapshot's JSON, as text: written and read whole, never searched inside. */
    @Column(name = "snapshot", columnDefinition = "text", nullable = false)
    public String snapshot;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
