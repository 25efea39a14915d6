package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.events.Allocation;
import io.pointsplatform.events.PointsAdjusted;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.PointsEvent;
import io.pointsplatform.events.PointsExpired;
import io.pointsplatform.events.PointsReleased;
import io.pointsplatform.events.PointsReserved;
import io.pointsplatform.events.PointsReturned;
import io.pointsplatform.events.ExpiryDeferred;
import io.pointsplatform.events.PointsReversed;
import io.pointsplatform.events.PointsSpent;
import io.pointsplatform.events.TierChanged;
import io.pointsplatform.ledger.account.repository.AccountStore;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code GET /api/v1/accounts/{memberId}/entries}: newest first; {@code nextCursor} null on the last page. */
public record EntriesPage(List<EntryView> items,
                          @Schema(nullable = true, description = "cursor= for the next page; null on the last")
                          String nextCursor) {

    /**
     * One applied event: its type, magnitude, the lots it touched, its reference and time; for a
     * refund's reversal also what it left owed and what of the order had already expired (its
     * {@code points} are only what it took from lots now).
     */
    public record EntryView(String eventId, String type, long points, List<Allocation> lots,
                            @Schema(nullable = true) String reference, Instant occurredAt,
                            @Schema(nullable = true, description = "points.reversed only: points the refund left owed")
                            Long debt,
                            @Schema(nullable = true, description = "points.reversed only: points of the refunded order"
                                    + " that had already expired, so were not taken again")
                            Long alreadyExpired) {
    }

    static EntriesPage of(List<AccountStore.Entry> entries, int limit) {
        List<EntryView> items = entries.stream()
                .map(e -> {
                    PointsEvent data = (PointsEvent) e.event().data();
                    PointsReversed reversal = data instanceof PointsReversed r && r.debtSettled() == 0 ? r : null;
                    return new EntryView(e.event().id(), e.type(), e.points(), lotsOf(data), e.reference(),
                            e.event().time(), reversal == null ? null : reversal.debt(),
                            reversal == null ? null : reversal.alreadyExpired());
                })
                .toList();
        String next = entries.size() == limit ? Long.toString(entries.get(entries.size() - 1).seq()) : null;
        return new EntriesPage(items, next);
    }

    private static List<Allocation> lotsOf(PointsEvent data) {
        return switch (data) {
            case PointsEarned e -> List.of(new Allocation(e.lotId(), e.points()));
            case PointsReserved e -> e.allocations();
            case PointsReleased e -> e.allocations();
            case PointsSpent e -> e.allocations();
            case PointsReturned e -> e.allocations();
            case PointsExpired e -> e.allocations();
            case PointsReversed e -> e.allocations();
            case PointsAdjusted e -> e.points() > 0 ? List.of(new Allocation(e.lotId(), e.points())) : e.allocations();
            case TierChanged e -> List.of();
            case ExpiryDeferred e -> List.of();
        };
    }
}
