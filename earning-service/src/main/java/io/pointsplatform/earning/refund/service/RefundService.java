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
import io.pointsplatform.events.PointsReversed;
import io.pointsplatform.kit.db.UniqueViolation;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.problem.Problem;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Refunds: the points to take back are decided here, recorded with the refund in one transaction
 * (under a lock on the order, so two refunds of one order never both take the same points), and
 * sent to the ledger by {@link ReversalDispatcher}. A refund takes back the order's proportional
 * points in proportion to the refunded eligible amount, a threshold bonus when the order drops
 * below its threshold, and the other bonuses when nothing of the order is left; never, in total,
 * more than the order earned. Refunds by lines take back at most what is left of each order line
 * (refunds by amount cannot be traced to lines and do not use them up); a refund of more than is
 * left of the order's eligible amount is refused whole ({@code 422 REFUND_EXCEEDS_ORDER}), never cut.
 */
@ApplicationScoped
public class RefundService {

    private static final TypeReference<List<OrderRequest.Line>> LINES = new TypeReference<>() { };
    private static final TypeReference<List<Long>> LINE_POINTS = new TypeReference<>() { };
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
        if (PointsReversed.isSettlementName(request.refundId())) {
            // The ledger names its settlements of debt so, in the same place as a refund's id.
            throw ApiException.validation("refundId", PointsReversed.OWN_NAMES_REFUSAL);
        }
        String hash = hash(orderId, request);
        return pool.withTransaction(c -> refunds.lockOrder(c, orderId).chain(order -> {
                    if (order == null) {
                        throw ApiException.notFound("Earning for order", orderId);
                    }
                    return refunds.find(c, request.refundId()).chain(existing -> {
                        if (existing != null) {
                            if (!existing.refund().orderId().equals(orderId)) {
                                // Not which order: any checkout may refund any order, but need not learn them.
                                throw ApiException.conflict("REFUND_CONFLICT", "refund '" + request.refundId()
                                        + "' was already recorded for another order: refund ids are unique across"
                                        + " all orders (as the ledger's reversals are, which it names)");
                            }
                            if (!existing.contentHash().equals(hash)) {
                                throw ApiException.conflict("REFUND_CONFLICT", "refund '" + request.refundId()
                                        + "' was already recorded with other content");
                            }
                            if (Refund.FAILED.equals(existing.refund().status())) {
                                return refunds.reopen(c, request.refundId()).replaceWith(existing.refund().reopened());
                            }
                            return Uni.createFrom().item(existing.refund());
                        }
                        return recordNew(c, orderId, request, order, hash);
                    });
                }))
                // One refund id sent for two orders at once: each passed the check under its own order's
                // lock, and the later insert met the first's row. Tried again, it finds that refund (409).
                .onFailure(failure -> UniqueViolation.of(failure, "refund_pkey")).retry().atMost(1)
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

    /** A new refund, under the order's lock: by amount, or by lines bounded by what is left of each. */
    private Uni<Refund> recordNew(SqlConnection c, String orderId, RefundRequest request, RefundableOrder order,
                                  String hash) {
        return refunds.refundedQuantities(c, orderId).chain(before -> {
            List<OrderRequest.Line> ordered = read(order.linesJson(), LINES);
            if (request.amount() != null) {
                Refund refund = decide(orderId, request, order, request.amount(), "amount",
                        proportionalTakeBack(order, ordered, before, Map.of(), request.amount()));
                return refunds.insert(c, refund, hash).replaceWith(refund);
            }
            LineRefund lines = lines(orderId, request.lines(), ordered, before);
            Refund refund = decide(orderId, request, order, lines.amount(), "lines",
                    proportionalTakeBack(order, ordered, before, lines.quantities(), BigDecimal.ZERO));
            return refunds.insert(c, refund, hash)
                    .chain(() -> refunds.insertLines(c, refund.refundId(), lines.quantities()))
                    .replaceWith(refund);
        });
    }

    /**
     * What a refund takes back of the proportional points: what the order keeps before it less what it
     * keeps after ({@link EarningMath#proportionalKept}: each line keeps its share, recorded at the
     * order, of its units not refunded by lines, and that is shared down by the yuan refunded by
     * amount), so a refund by lines takes what its lines earned (a category's or a campaign's extra
     * stays with the lines it was for) and a refund by amount takes in proportion to what is left.
     * Until 2026-12-07 a refund by amount took by the order's average as first recorded, and after a
     * refund by lines of a line with a multiplier took 55 points of a 15-yuan loaf that earned 15.
     * Null for an order recorded before lines had shares: in proportion to the amount then, as before.
     */
    private Long proportionalTakeBack(RefundableOrder order, List<OrderRequest.Line> ordered,
                                      Map<Integer, Long> unitsBefore, Map<Integer, Long> unitsNow,
                                      BigDecimal byAmountNow) {
        if (order.linePointsJson() == null) {
            return null;
        }
        List<Long> shares = read(order.linePointsJson(), LINE_POINTS);
        List<EarningMath.RefundLine> lines = new ArrayList<>(ordered.size());
        long[] before = new long[ordered.size()];
        long[] after = new long[ordered.size()];
        BigDecimal byLinesBefore = BigDecimal.ZERO;
        for (int i = 0; i < ordered.size(); i++) {
            OrderRequest.Line line = ordered.get(i);
            BigDecimal unit = line.promotional() ? BigDecimal.ZERO : line.unitPrice();
            lines.add(new EarningMath.RefundLine(unit, line.quantity(), shares.get(i)));
            before[i] = unitsBefore.getOrDefault(i, 0L);
            after[i] = before[i] + unitsNow.getOrDefault(i, 0L);
            byLinesBefore = byLinesBefore.add(unit.multiply(BigDecimal.valueOf(before[i])));
        }
        // What earlier refunds by amount came to: the refunded yuan that no refund by lines accounts for.
        BigDecimal byAmountBefore = order.refundedYuan().subtract(byLinesBefore).max(BigDecimal.ZERO);
        return EarningMath.proportionalKept(lines, before, byAmountBefore)
                - EarningMath.proportionalKept(lines, after, byAmountBefore.add(byAmountNow));
    }

    /**
     * {@code requested}: the eligible amount the request refunds, the amount given or the lines priced
     * as ordered; {@code proportional}: what it takes of the proportional points (null: in proportion to the
     * amount, for orders recorded before lines had shares).
     */
    private Refund decide(String orderId, RefundRequest request, RefundableOrder order, BigDecimal requested,
                          String field, Long proportional) {
        BigDecimal eligible = order.eligibleYuan();
        BigDecimal before = eligible.subtract(order.refundedYuan()).max(BigDecimal.ZERO);
        if (requested.compareTo(before) > 0) {
            // Cutting it would answer 201 for less than the shop gave back, and the shop would not know.
            String message = "order '" + orderId + "' has " + before.toPlainString() + " yuan of its eligible "
                    + eligible.toPlainString() + " left to refund, less than the " + requested.toPlainString()
                    + " this refund comes to";
            throw new ApiException(422, "REFUND_EXCEEDS_ORDER", "More refunded than is left of the order",
                    field + ": " + message, List.of(new Problem.FieldError(field, message)));
        }
        BigDecimal now = requested;
        BigDecimal after = before.subtract(now);
        long points = proportional != null ? proportional
                : EarningMath.proportionalTakeBack(order.proportionalPoints(), eligible, order.refundedYuan(), now);
        for (FixedBonus bonus : read(order.bonusesJson(), BONUSES)) {
            boolean lost = bonus.thresholdYuan() != null
                    ? before.compareTo(bonus.thresholdYuan()) >= 0 && after.compareTo(bonus.thresholdYuan()) < 0
                    : before.signum() > 0 && after.signum() == 0;
            if (lost) {
                points += bonus.points();
            }
        }
        if (after.signum() == 0) {
            // Nothing of the order left: whatever refunds by amount and by lines took before, the rest goes.
            points = order.points() - order.takenPoints();
        }
        points = Math.min(points, order.points() - order.takenPoints());
        return new Refund(request.refundId(), orderId, order.memberId(), now, Math.max(points, 0),
                points > 0 ? Refund.PENDING : Refund.CONFIRMED, null, null, null, null, true);
    }

    /** What a refund by lines takes back of each order line (by index), and the eligible amount that comes to. */
    private record LineRefund(BigDecimal amount, Map<Integer, Long> quantities) {
    }

    /**
     * Takes each refunded line's quantity from the order's lines with that SKU, in order, as far as
     * each has quantity left after {@code refundedBefore} (and the lines before it in this refund),
     * priced at that line's unit price (a promotional line counts 0). Refuses with 422 a SKU the
     * order does not have, or more of one than is left of it.
     */
    private static LineRefund lines(String orderId, List<RefundRequest.Line> refunded, List<OrderRequest.Line> ordered,
                                    Map<Integer, Long> refundedBefore) {
        Map<Integer, Long> taken = new TreeMap<>();
        BigDecimal amount = BigDecimal.ZERO;
        for (int i = 0; i < refunded.size(); i++) {
            RefundRequest.Line line = refunded.get(i);
            long wanted = line.quantity();
            long orderedOfSku = 0;
            long leftOfSku = 0;
            for (int j = 0; j < ordered.size(); j++) {
                OrderRequest.Line orderLine = ordered.get(j);
                if (!orderLine.sku().equals(line.sku())) {
                    continue;
                }
                long left = orderLine.quantity() - refundedBefore.getOrDefault(j, 0L) - taken.getOrDefault(j, 0L);
                long take = Math.min(left, wanted);
                orderedOfSku += orderLine.quantity();
                leftOfSku += left;
                if (take > 0) {
                    taken.merge(j, take, Long::sum);
                    wanted -= take;
                    if (!orderLine.promotional()) {
                        amount = amount.add(orderLine.unitPrice().multiply(BigDecimal.valueOf(take)));
                    }
                }
            }
            String field = "lines[" + i + "]";
            if (orderedOfSku == 0) {
                String message = "order '" + orderId + "' has no line with SKU '" + line.sku() + "'";
                throw new ApiException(422, "UNKNOWN_SKU", "Unknown SKU", field + ": " + message,
                        List.of(new Problem.FieldError(field, message)));
            }
            if (wanted > 0) {
                String message = "order '" + orderId + "' has " + orderedOfSku + " of SKU '" + line.sku()
                        + "', of which " + leftOfSku + " are left to refund, fewer than the " + line.quantity()
                        + " asked";
                throw new ApiException(422, "REFUND_EXCEEDS_LINE", "More refunded than is left of the order line",
                        field + ": " + message, List.of(new Problem.FieldError(field, message)));
            }
        }
        return new LineRefund(amount, taken);
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
