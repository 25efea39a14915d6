package io.pointsplatform.redemption.payment.service;

import io.pointsplatform.events.PointsValue;
import io.pointsplatform.kit.view.MemberPointsProjector;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;

@ApplicationScoped
public class PaymentCapacityService {

    private final MemberPointsProjector members;
    private final Clock clock;
    private final int pointsPerYuan;
    private final String currency;
    private final int capPercent;

    public PaymentCapacityService(MemberPointsProjector members, Clock clock,
                                  @ConfigProperty(name = "points.payment.points-per-yuan") int pointsPerYuan,
                                  @ConfigProperty(name = "points.currency") String currency,
                                  @ConfigProperty(name = "points.payment.cap-percent") int capPercent) {
        this.members = members;
        this.clock = clock;
        this.pointsPerYuan = pointsPerYuan;
        this.currency = currency;
        this.capPercent = capPercent;
    }

    /**
     * A member the log has never mentioned simply has nothing to pay with. With an order's amount,
     * also the most points that order may be paid with (the payment's own rule, PointsValue).
     */
    public Uni<PaymentCapacity> capacity(String memberId, BigDecimal orderAmount) {
        return members.find(memberId).map(account -> {
            long available = account.map(a -> a.balance(clock.instant()).available()).orElse(0L);
            Long forOrder = orderAmount == null ? null
                    : Math.min(available, PointsValue.maxPointsForOrder(orderAmount, capPercent, pointsPerYuan));
            return new PaymentCapacity(memberId, available, pointsPerYuan,
                    PointsValue.yuanFor(available, pointsPerYuan), currency, capPercent, orderAmount, forOrder);
        });
    }
}
