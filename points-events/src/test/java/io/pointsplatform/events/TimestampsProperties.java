package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/** {@link Timestamps#parse} is {@link Instant#parse}, only faster for the form producers write. */
class TimestampsProperties {

    @Property(tries = 2000)
    void readsEveryCanonicalTextAsInstantParseDoes(
            @ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_799L) long epochSecond,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
            @ForAll @IntRange(min = 0, max = 9) int fractionDigits) {
        Instant instant = Instant.ofEpochSecond(epochSecond, nanos);
        String text = instant.toString();
        assertThat(Timestamps.parse(text)).isEqualTo(Instant.parse(text));
        // Every precision from 0 to 9 digits, also with trailing zeros.
        String whole = text.substring(0, 19);
        String fraction = String.format("%09d", nanos).substring(0, fractionDigits);
        String written = whole + (fractionDigits == 0 ? "" : "." + fraction) + "Z";
        assertThat(Timestamps.parseCanonical(written)).isNotNull().isEqualTo(Instant.parse(written));
    }

    @Property(tries = 2000)
    void acceptsAndRefusesExactlyWhatInstantParseDoes(@ForAll @StringLength(min = 18, max = 32) String noise,
            @ForAll @IntRange(min = 0, max = 29) int at) {
        // A canonical text with one character replaced by an arbitrary one.
        String base = "2024-02-29T23:59:59.123456789Z";
        String text = base.substring(0, at) + noise.charAt(at % noise.length()) + base.substring(at + 1);
        Instant expected;
        try {
            expected = Instant.parse(text);
        } catch (DateTimeParseException refused) {
            assertThatThrownBy(() -> Timestamps.parse(text)).isInstanceOf(DateTimeParseException.class);
            return;
        }
        assertThat(Timestamps.parse(text)).isEqualTo(expected);
    }

    /** Years of more than four digits are refused, as the schemas' date-time refuses them. */
    @Example
    void yearsBeyondFourDigitsAreRefused() {
        assertThatThrownBy(() -> Timestamps.parse("+1000000000-01-01T00:00:00Z")).isInstanceOf(DateTimeParseException.class);
        assertThatThrownBy(() -> Timestamps.parse("+10000-01-01T00:00:00Z")).isInstanceOf(DateTimeParseException.class);
        assertThat(Timestamps.parse("9999-12-31T23:59:59+00:00")).isEqualTo(Instant.parse("9999-12-31T23:59:59Z"));
    }

    @Example
    void leavesOtherFormsToInstantParse() {
        assertThat(Timestamps.parseCanonical("2026-11-23T12:00:00+08:00")).isNull();
        assertThat(Timestamps.parse("2026-11-23T12:00:00+08:00")).isEqualTo(Instant.parse("2026-11-23T04:00:00Z"));
        assertThat(Timestamps.parseCanonical("2026-02-29T00:00:00Z")).isNull();
        assertThatThrownBy(() -> Timestamps.parse("2026-02-29T00:00:00Z")).isInstanceOf(DateTimeParseException.class);
        assertThat(Timestamps.parseCanonical("2026-11-23T24:00:00Z")).isNull();
        assertThat(Timestamps.parseCanonical("2026-11-23T12:00:00.Z")).isNull();
        assertThat(Timestamps.parseCanonical("2026-11-23T12:00:00.1234567890Z")).isNull();
        assertThat(Timestamps.parse("2026-11-23T12:00:00.5Z")).isEqualTo(Instant.parse("2026-11-23T12:00:00.500Z"));
    }
}
