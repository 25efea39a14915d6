package io.pointsplatform.earning.order.service;

import io.pointsplatform.events.Tier;
import io.pointsplatform.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.Clock;
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
 * ({@code points.expiry-months.<tier>}, falling back to {@code points.expiry-months}); whether an
 * order for a member who was never enrolled earns ({@code points.earning.unknown-member}); whether an
 * order whose points would have expired before they came earns ({@code points.earning.lapsed-orders}); and how
 * far ahead of this service's clock a purchase or an activity may be dated (the clock skew).
 */
@ApplicationScoped
public class EarningPolicy {

    /** The most a sender's clock may run ahead of ours, as for tokens: a time later than that has not happened yet. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);

    private final BigDecimal pointsPerYuan;
    private final ZoneId zone;
    private final Duration returnsWindow;
    private final Map<Tier, Integer> expiryMonths = new EnumMap<>(Tier.class);
    private final boolean acceptUnknownMembers;
    private final boolean acceptLapsedOrders;
    private final Clock clock;

    public EarningPolicy(Config config, Clock clock,
                         @ConfigProperty(name = "points.earning.points-per-yuan", defaultValue = "1") BigDecimal pointsPerYuan,
                         @ConfigProperty(name = "points.earning.zone", defaultValue = "Asia/Shanghai") ZoneId zone,
                         @ConfigProperty(name = "points.earning.returns-window-days", defaultValue = "7") int returnsWindowDays,
                         @ConfigProperty(name = "points.expiry-months", defaultValue = "12") int defaultExpiryMonths,
                         @ConfigProperty(name = "points.earning.unknown-member", defaultValue = "reject") String unknownMember,
                         @ConfigProperty(name = "points.earning.lapsed-orders", defaultValue = "reject") String lapsedOrders) {
        if (pointsPerYuan.signum() < 0 || returnsWindowDays < 0 || returnsWindowDays > 365) {
            throw new IllegalArgumentException("points.earning.points-per-yuan must be >= 0 and "
                    + "points.earning.returns-window-days within 0..365");
        }
        if (!unknownMember.equals("reject") && !unknownMember.equals("accept")) {
            throw new IllegalArgumentException("points.earning.unknown-member must be reject or accept (was "
                    + unknownMember + ")");
        }
        this.pointsPerYuan = pointsPerYuan;
        this.zone = zone;
        this.returnsWindow = Duration.ofDays(returnsWindowDays);
        this.acceptUnknownMembers = unknownMember.equals("accept");
        if (!lapsedOrders.equals("reject") && !lapsedOrders.equals("accept")) {
            throw new IllegalArgumentException("points.earning.lapsed-orders must be reject or accept (was "
                    + lapsedOrders + ")");
        }
        this.acceptLapsedOrders = lapsedOrders.equals("accept");
        this.clock = clock;
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

    /**
     * Whether an order for a member who was never enrolled earns (the points go to a member id
     * nobody may ever claim) or is refused with {@code 422 UNKNOWN_MEMBER}, the default.
     */
    public boolean acceptsUnknownMembers() {
        return acceptUnknownMembers;
    }

    /**
     * The refusal of an order bought so long ago that its points would expire before they came
     * ({@code 422 ORDER_TOO_OLD}), or null. Credited, such points would not be spendable, yet the
     * ledger would keep them a week past a reminder ("nothing expires without a reminder"), so a
     * purchase years old would buy a week of points. {@code points.earning.lapsed-orders=accept}
     * takes them as before (the earning tests, whose orders are of fixed dates, run so).
     */
    public ApiException tooOld(Instant purchasedAt, Tier tier) {
        Instant expires = expiresAt(purchasedAt, tier);
        Instant now = clock.instant();
        if (acceptLapsedOrders || expires.isAfter(now)) {
            return null;
        }
        return new ApiException(422, "ORDER_TOO_OLD", "Order too old", "An order bought at " + purchasedAt
                + " earns points that expire " + expiryMonths.get(tier) + " months later (tier " + tier + "), at "
                + expires + ", before now (" + now + "): it earns nothing");
    }

    /** The refusal of an order or activity for a member who was never enrolled. */
    public static ApiException unknownMember(String memberId) {
        return new ApiException(422, "UNKNOWN_MEMBER", "Unknown member", "member '" + memberId
                + "' was never enrolled (POST /api/v1/members first)");
    }

    /**
     * Refuses a time later than now plus {@link #CLOCK_SKEW} (400 VALIDATION_FAILED, {@code field}):
     * a purchase or an activity that has not happened yet. Its points would otherwise be
     * available and expire by a date the sender made up.
     */
    public void requireNotInFuture(Instant time, String field) {
        Instant now = clock.instant();
        if (time != null && time.isAfter(now.plus(CLOCK_SKEW))) {
            throw ApiException.validation(field, "must not be later than now (" + now + ") plus "
                    + CLOCK_SKEW.toSeconds() + " seconds of clock skew");
        }
    }
}
