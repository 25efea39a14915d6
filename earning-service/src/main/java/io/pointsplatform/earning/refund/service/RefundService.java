package io.pointsplatform.earning.refund.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsplatform.earning.order.rest.OrderRequest;
import io.pointsplatform.earning.order.service.Calculation.FixedBonus;
import io.pointsplatform.earning.order.service.OrderContent;
import io.pointsplatform.earning.refund.repository.RefundRepository;
import io.pointsplatform.earning.refund.repository.RefundRepository.RefundableOrder;
import io.pointsplatform.earning.refund.rest.RefundRequest;
import io.pointsplatform.events.EarningMath;
import io.pointsplatform.kit.problem.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.List;

/**
 * Refunds: the points to take back are decided here, recorded with the refund in one transaction
 * (under a lock on the order, so two refunds of one order never both take the same points), and
 * sent to the ledger by {@link ReversalDispatcher}. A refund takes back the order's proportional
 * points in proportion to the refunded eligible amount, a threshold bonus when the order drops
 * below its threshold, and the other bonuses when nothing of the order is left; never, in total,
 * more than the order earned.
 */
@ApplicationScoped
public class RefundService {

    private static final TypeReference<List<OrderRequest.Line>> LINES = new TypeReference<>() { };
    private static final TypeReference<List<FixedBonus>> BONUSES = new TypeReference<>() { };

    private final Pool pool;
    private final RefundRepository refunds;
    private final ReversalDispatcher dispatcher;
    private final ObjectMapper json;

    public RefundService(Pool pool, RefundRepository refunds, ReversalDispatcher dispatcher, ObjectMapper json) {
        this.pool = pool;
        this.refunds = refunds;
        this.dispatcher = dispatcher;
        this.json = json;
    }

    public Uni<Refund> refund(String orderId, RefundRequest request) {
        if ((request.lines() == null) == (request.amount() == null)) {
            throw ApiException.validation("amount", "give either lines or amount, not both or neither");
        }
        String hash = hash(orderId, request);
        return pool.withTransaction(c -> refunds.lockOrder(c, orderId).chain(order -> {
                    if (order == null) {
                        throw ApiException.notFound("Earning for order", orderId);
                    }
                    return refunds.find(c, request.refundId()).chain(existing -> {
                        if (existing != null) {
                            if (!existing.contentHash().equals(hash)) {
                                throw ApiException.conflict("REFUND_CONFLICT", "refund '" + request.refundId()
                                        + "' was already recorded with other content");
                            }
                            if (Refund.FAILED.equals(existing.refund().status())) {
                                return refunds.reopen(c, request.refundId()).replaceWith(existing.refund().reopened());
                            }
                            return Uni.createFrom().item(existing.refund());
                        }
                        Refund refund = decide(orderId, request, order);
                        return refunds.insert(c, refund, hash).replaceWith(refund);
                    });
                }))
                .call(refund -> Refund.PENDING.equals(refund.status()) ? dispatcher.dispatch(refund)
                        : Uni.createFrom().voidItem())
                .chain(refund -> refunds.find(pool, refund.refundId())
                        .map(stored -> stored.refund().created(refund.created())));
    }

    /** The refund of that order, as stored; 404 for another order's refund id too. */
    public Uni<Refund> get(String orderId, String refundId) {
        return refunds.find(pool, refundId).map(stored -> {
            if (stored == null || !stored.refund().orderId().equals(orderId)) {
                throw ApiException.notFound("Refund", refundId);
            }
            return stored.refund();
        });
    }

    private Refund decide(String orderId, RefundRequest request, RefundableOrder order) {
        BigDecimal eligible = order.eligibleYuan();
        BigDecimal before = eligible.subtract(order.refundedYuan()).max(BigDecimal.ZERO);
        BigDecimal now = requested(request, order).min(before);
        BigDecimal after = before.subtract(now);
        long points = EarningMath.proportionalTakeBack(order.proportionalPoints(), eligible, order.refundedYuan(), now);
        for (FixedBonus bonus : read(order.bonusesJson(), BONUSES)) {
            boolean lost = bonus.thresholdYuan() != null
                    ? before.compareTo(bonus.thresholdYuan()) >= 0 && after.compareTo(bonus.thresholdYuan()) < 0
                    : before.signum() > 0 && after.signum() == 0;
            if (lost) {
                points += bonus.points();
            }
        }
        points = Math.min(points, order.points() - order.takenPoints());
        return new Refund(request.refundId(), orderId, order.memberId(), now, Math.max(points, 0),
                points > 0 ? Refund.PENDING : Refund.CONFIRMED, null, null, null, true);
    }

    /** The eligible amount the request refunds: the amount given, or the refunded lines priced as ordered. */
    private BigDecimal requested(RefundRequest request, RefundableOrder order) {
        if (request.amount() != null) {
            return request.amount();
        }
        List<OrderRequest.Line> ordered = read(order.linesJson(), LINES);
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < request.lines().size(); i++) {
            RefundRequest.Line refunded = request.lines().get(i);
            List<OrderRequest.Line> matching = ordered.stream().filter(l -> l.sku().equals(refunded.sku())).toList();
            long quantity = matching.stream().mapToLong(OrderRequest.Line::quantity).sum();
            if (quantity < refunded.quantity()) {
                throw ApiException.validation("lines[" + i + "]", "the order has " + quantity + " of SKU '"
                        + refunded.sku() + "', fewer than the " + refunded.quantity() + " refunded");
            }
            OrderRequest.Line line = matching.get(0);
            if (!line.promotional()) {
                sum = sum.add(line.unitPrice().multiply(BigDecimal.valueOf(refunded.quantity())));
            }
        }
        return sum;
    }

    private static String hash(String orderId, RefundRequest request) {
        StringBuilder text = new StringBuilder(orderId).append('\u0001')
                .append(request.amount() == null ? "" : request.amount().stripTrailingZeros().toPlainString());
        if (request.lines() != null) {
            request.lines().forEach(l -> text.append('\u0002').append(l.sku()).append('\u0001').append(l.quantity()));
        }
        return OrderContent.sha256(text.toString());
    }

    private <T> List<T> read(String text, TypeReference<List<T>> type) {
        if (text == null) {
            return List.of();
        }
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored order content is not readable", e);
        }
    }
}
