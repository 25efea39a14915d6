package io.pointsplatform.earning.order.service;

import io.pointsplatform.earning.order.rest.OrderRequest;
import io.pointsplatform.kit.Fingerprints;

/** A fingerprint of what an order says, so a repeat can be told from a different order with the same id. */
public final class OrderContent {

    private OrderContent() {
    }

    static String hash(OrderRequest order) {
        StringBuilder text = new StringBuilder()
                .append(order.memberId()).append('\u0001')
                .append(order.shopId()).append('\u0001')
                .append(order.purchasedAt()).append('\u0001')
                .append(order.currency() == null ? "CNY" : order.currency());
        for (OrderRequest.Line line : order.lines()) {
            text.append('\u0002').append(line.sku()).append('\u0001').append(line.category()).append('\u0001')
                    .append(line.quantity()).append('\u0001')
                    .append(line.unitPrice().stripTrailingZeros().toPlainString()).append('\u0001')
                    .append(line.promotional());
        }
        return sha256(text.toString());
    }

    /** The hex SHA-256 of a text: a fingerprint of a request's content. */
    public static String sha256(String text) {
        return Fingerprints.sha256(text);
    }
}
