package io.pointsplatform.events;

import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A reward as it now is, whole (the topic is compacted, so the latest record must say everything).
 * {@code kind}, {@code visibility}, {@code status} and the limit's period stay strings so that catalog
 * can add values without a new event version. {@code stock} null is unlimited; {@code perMemberLimit}
 * counts per {@code perMemberLimitPeriod} (DAY, WEEK, MONTH, YEAR, LIFETIME; absent means LIFETIME,
 * what a limit meant before periods). Decimals are text, never a binary floating point:
 * {@code voucherValue} in yuan, each prize's {@code odds} between 0 and 1.
 */
public record RewardUpserted(String rewardId, String name, String kind, long pointsCost, Long stock,
        Integer perMemberLimit, String perMemberLimitPeriod, String minTier, Instant validFrom, Instant validUntil,
        String visibility, String status, String voucherValue, List<Prize> prizes, String cause)
        implements CatalogEvent {

    public static final String TYPE = "reward.upserted";
    /** Yuan with at most two decimals, as the schema's pattern says. */
    private static final Pattern YUAN = Pattern.compile("[0-9]+(\\.[0-9]{1,2})?");
    /** A probability from 0 to 1 written as a plain decimal, as the schema's pattern says. */
    private static final Pattern ODDS = Pattern.compile("0(\\.[0-9]+)?|1(\\.0+)?");

    /** One line of a lottery's prize table; {@code stock} null is unlimited. */
    public record Prize(String prizeId, String name, String odds, Long stock) {

        public Prize {
            Checks.text(TYPE, "prizes.prizeId", prizeId);
            Checks.text(TYPE, "prizes.name", name);
            Checks.text(TYPE, "prizes.odds", odds);
            if (!ODDS.matcher(odds).matches()) {
                throw new IllegalArgumentException(TYPE + ": prizes.odds must be a decimal from 0 to 1 (was " + odds + ")");
            }
            if (stock != null) {
                Checks.nonNegative(TYPE, "prizes.stock", stock);
            }
        }
    }

    public RewardUpserted {
        Checks.text(TYPE, "rewardId", rewardId);
        Checks.text(TYPE, "name", name);
        Checks.text(TYPE, "kind", kind);
        Checks.positive(TYPE, "pointsCost", pointsCost);
        if (stock != null) {
            Checks.nonNegative(TYPE, "stock", stock);
        }
        if (perMemberLimit != null) {
            Checks.positive(TYPE, "perMemberLimit", perMemberLimit);
        }
        Checks.optionalText(TYPE, "perMemberLimitPeriod", perMemberLimitPeriod);
        Checks.optionalText(TYPE, "minTier", minTier);
        if (validFrom != null && validUntil != null && !validFrom.isBefore(validUntil)) {
            throw new IllegalArgumentException(
                    TYPE + ": validFrom " + validFrom + " must be before validUntil " + validUntil);
        }
        Checks.optionalText(TYPE, "visibility", visibility);
        Checks.optionalText(TYPE, "status", status);
        if (voucherValue != null && !YUAN.matcher(voucherValue).matches()) {
            throw new IllegalArgumentException(TYPE + ": voucherValue must be yuan with at most two decimals (was "
                    + voucherValue + ")");
        }
        Checks.optionalText(TYPE, "cause", cause);
        prizes = prizes == null ? null : List.copyOf(prizes);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
