package io.pointsplatform.catalog.reward.service;

import io.pointsplatform.catalog.reward.model.Prize;
import io.pointsplatform.catalog.reward.model.Reward;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.RewardRetired;
import io.pointsplatform.events.RewardUpserted;
import io.pointsplatform.events.StockChanged;
import java.time.Instant;
import java.util.List;

/**
 * The events of catalog.rewards. Each id names the reward's version, which every change bumps, so a
 * republished event is recognised as the same and two changes never share an id.
 *
 * <p>The topic is compacted by reward id: only a reward's last record is sure to stay. So a change
 * of stock publishes stock.changed and then, in the same transaction, the whole reward as it now
 * is (reward.upserted, the same version): the record compaction keeps always describes the reward,
 * and a reader from offset 0 (a new service, an analyst's replay) never meets a reward it cannot name.
 */
public final class CatalogEvents {

    public static final String SOURCE = "/catalog-service";

    private CatalogEvents() {
    }

    public static CloudEvent upserted(Reward r, Instant now) {
        List<RewardUpserted.Prize> prizes = r.prizes().isEmpty() ? null : r.prizes().stream()
                .map(p -> new RewardUpserted.Prize(p.prizeId(), p.name(), p.odds().toPlainString(), p.stock())).toList();
        return CloudEvent.of(RewardUpserted.TYPE + ":" + r.rewardId() + ":" + r.version(), SOURCE, r.rewardId(), now,
                new RewardUpserted(r.rewardId(), r.name(), r.kind().name(), r.pointsCost(), r.stock(),
                        r.perMemberLimit() == null ? null : r.perMemberLimit().count(),
                        r.perMemberLimit() == null ? null : r.perMemberLimit().period().name(), r.minTier(),
                        r.validFrom(), r.validUntil(), r.visibility().name(), r.status().name(),
                        r.voucherValue() == null ? null : r.voucherValue().toPlainString(), prizes, r.cause()));
    }

    public static CloudEvent retired(Reward r, Instant now) {
        return CloudEvent.of(RewardRetired.TYPE + ":" + r.rewardId() + ":" + r.version(), SOURCE, r.rewardId(), now,
                new RewardRetired(r.rewardId()));
    }

    /** The levels after a change of stock; {@code prizes} (a lottery's, else null) after it too. */
    public static CloudEvent stockChanged(String rewardId, Long stock, List<Prize> prizes, long version, Instant now) {
        List<StockChanged.PrizeStock> levels = prizes == null ? null
                : prizes.stream().map(p -> new StockChanged.PrizeStock(p.prizeId(), p.stock())).toList();
        return CloudEvent.of(StockChanged.TYPE + ":" + rewardId + ":" + version, SOURCE, rewardId, now,
                new StockChanged(rewardId, stock, levels));
    }
}
