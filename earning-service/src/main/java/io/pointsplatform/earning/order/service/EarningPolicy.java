package io.pointsplatform.earning.order.service;

import io.pointsplatform.events.Tier;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The programme's settings for order earnings: the rate, the time zone its days are counted in,
 * the returns window before points become available, and how long points last per tier
 * ({@code points.expiry-months.<tier>}, falling back to {@code points.expiry-months}).
 */
@ApplicationScoped
public class EarningPolicy {

    private final BigDecimal pointsPerYuan;
    private final ZoneId zone;
    private final Duration returnsWindow;
    private final Map<Tier, Integer> expiryMonths = new EnumMap<>(Tier.class);

    public EarningPolicy(Config config,
                         @ConfigProperty(name = "points.earning.points-per-yuan", defaultValue = "1") BigDecimal pointsPerYuan,
                         @ConfigProperty(name = "points.earning.zone", defaultValue = "Asia/Shanghai") ZoneId zone,
                         @ConfigProperty(name = "points.earning.returns-window-days", defaultValue = "7") int returnsWindowDays,
                         @ConfigProperty(name = "points.expiry-months", defaultValue = "12") int defaultExpiryMonths) {
        if (pointsPerYuan.signum() < 0 || returnsWindowDays < 0 || returnsWindowDays > 365) {
            throw new IllegalArgumentException("points.earning.points-per-yuan must be >= 0 and "
                    + "points.earning.returns-window-days within 0..365");
        }
        this.pointsPerYuan = pointsPerYuan;
        this.zone = zone;
        this.returnsWindow = Duration.ofDays(returnsWindowDays);
        for (Tier tier : Tier.values()) {
            int months = config.getOptionalValue("points.expiry-months." + tier.name().toLowerCase(Locale.ROOT),
                    Integer.class).orElse(defaultExpiryMonths);
            if (months < 1 || months > 120) {
                throw new IllegalArgumentException("expiry months for " + tier + " must be within 1..120");
            }
            expiryMonths.put(tier, months);
        }
    }

    public EarningRules rules() {
        return new EarningRules(pointsPerYuan, zone);
    }

    public Instant availableAt(Instant paidAt) {
        return paidAt.plus(returnsWindow);
    }

    public Instant expiresAt(Instant paidAt, Tier tier) {
        return paidAt.atOffset(ZoneOffset.UTC).plusMonths(expiryMonths.get(tier)).toInstant();
    }

    public ZoneId zone() {
        return zone;
    }
}
