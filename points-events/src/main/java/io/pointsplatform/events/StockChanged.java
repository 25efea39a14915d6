package io.pointsplatform.events;

/** A reward's stock as it now is (a level, not a delta, so that a compacted topic keeps it right). */
public record StockChanged(String rewardId, long stock) implements CatalogEvent {

    public static final String TYPE = "stock.changed";

    public StockChanged {
        Checks.text(TYPE, "rewardId", rewardId);
        Checks.nonNegative(TYPE, "stock", stock);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
