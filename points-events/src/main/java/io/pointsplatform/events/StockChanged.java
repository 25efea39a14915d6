package io.pointsplatform.events;

import java.util.List;

/**
 * A reward's stock as it now is (levels, not deltas, so that a compacted topic keeps it right):
 * {@code stock} null is unlimited; {@code prizes}, for a lottery, each prize's level.
 */
public record StockChanged(String rewardId, Long stock, List<PrizeStock> prizes) implements CatalogEvent {

    public static final String TYPE = "stock.changed";

    /** A lottery prize's stock level; null is unlimited. */
    public record PrizeStock(String prizeId, Long stock) {

        public PrizeStock {
            Checks.text(TYPE, "prizes.prizeId", prizeId);
            if (stock != null) {
                Checks.nonNegative(TYPE, "prizes.stock", stock);
            }
        }
    }

    public StockChanged {
        Checks.text(TYPE, "rewardId", rewardId);
        if (stock != null) {
            Checks.nonNegative(TYPE, "stock", stock);
        }
        prizes = prizes == null ? null : List.copyOf(prizes);
    }

    public StockChanged(String rewardId, long stock) {
        this(rewardId, stock, null);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
