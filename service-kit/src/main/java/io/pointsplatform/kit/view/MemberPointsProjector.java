package io.pointsplatform.kit.view;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.AccountSnapshots;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventFormatException;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.kit.inbox.ProcessedEvents;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.time.Clock;
import java.util.Optional;

/**
 * Applies events of {@code points.ledger} to the {@link MemberPoints} view, once per event id.
 * Must run inside a transaction (the caller's {@code @WithTransaction}), so the effect and the
 * memory of having applied it commit together.
 */
@ApplicationScoped
public class MemberPointsProjector {

    private final ProcessedEvents processed;
    private final Clock clock;

    public MemberPointsProjector(ProcessedEvents processed, Clock clock) {
        this.processed = processed;
        this.clock = clock;
    }

    /** Completes with true when applied, false when this event id was applied before. */
    public Uni<Boolean> apply(CloudEvent event) {
        if (!(event.data() instanceof PointsEvent pointsEvent)) {
            throw new EventFormatException("event " + event.id() + " of type " + event.type()
                    + " does not belong on points.ledger");
        }
        return processed.firstTime(event.id()).chain(first -> {
            if (!first) {
                Log.debugf("Skipping event %s already applied", event.id());
                return Uni.createFrom().item(false);
            }
            return MemberPoints.<MemberPoints>findById(pointsEvent.memberId(), LockModeType.PESSIMISTIC_WRITE)
                    .chain(row -> save(row, pointsEvent))
                    .replaceWith(true);
        });
    }

    public Uni<Optional<Account>> find(String memberId) {
        return MemberPoints.<MemberPoints>findById(memberId)
                .map(row -> Optional.ofNullable(row).map(r -> AccountSnapshots.fromJson(r.snapshot)));
    }

    private Uni<MemberPoints> save(MemberPoints existing, PointsEvent event) {
        MemberPoints row = existing;
        Account account;
        if (row == null) {
            row = new MemberPoints();
            row.memberId = event.memberId();
            account = new Account(event.memberId());
        } else {
            account = AccountSnapshots.fromJson(row.snapshot);
        }
        account.apply(event);
        row.snapshot = AccountSnapshots.toJson(account);
        row.updatedAt = clock.instant();
        return row.persist();
    }
}
