package io.pointsplatform.redemption.payment.service;

import io.pointsplatform.events.PointsValue;
import io.pointsplatform.kit.view.MemberPointsProjector;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.config.inject.ConfigProperty;

@ApplicationScoped
public class PaymentCapacityService {

    private final MemberPointsProjector members;
    private final Clock clock;
    private final int pointsPerYuan;
    private final String currency;

    public PaymentCapacityService(MemberPointsProjector members, Clock clock,
                                  @ConfigProperty(name = "points.payment.points-per-yuan") int pointsPerYuan,
                                  @ConfigProperty(name = "points.currency") String currency) {
        this.members = members;
        this.clock = clock;
        this.pointsPerYuan = pointsPerYuan;
        this.currency = currency;
    }

    /** A member the log has never mentioned simply has nothing to pay with. */
    public Uni<PaymentCapacity> capacity(String memberId) {
        return members.find(memberId).map(account -> {
            long available = account.map(a -> a.balance(clock.instant()).available()).orElse(0L);
            return new PaymentCapacity(memberId, available, pointsPerYuan,
                    PointsValue.yuanFor(available, pointsPerYuan), currency);
        });
    }
}
