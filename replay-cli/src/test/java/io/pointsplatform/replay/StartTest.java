package io.pointsplatform.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** What {@code --from} accepts: beginning, saved, a time with its offset, or a date in the programme's zone. */
class StartTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @Test
    void wordsTimesAndDates() {
        assertThat(Start.parse("beginning", SHANGHAI)).isInstanceOf(Start.Beginning.class);
        assertThat(Start.parse("saved", SHANGHAI)).isInstanceOf(Start.Saved.class);
        assertThat(Start.parse("2026-11-01T00:00:00+08:00", SHANGHAI))
                .isEqualTo(new Start.At(Instant.parse("2026-10-31T16:00:00Z")));
        assertThat(Start.parse("2026-11-01T10:15:30.5Z", SHANGHAI))
                .isEqualTo(new Start.At(Instant.parse("2026-11-01T10:15:30.500Z")));
        // A time without an offset is the programme's, as a date is its midnight there.
        assertThat(Start.parse("2026-11-01T08:00:00", SHANGHAI)).isEqualTo(new Start.At(Instant.parse("2026-11-01T00:00:00Z")));
        // A date is its midnight in the programme's zone (Beijing time: 16:00 UTC the day before).
        assertThat(Start.parse("2026-11-01", SHANGHAI)).isEqualTo(new Start.At(Instant.parse("2026-10-31T16:00:00Z")));
        assertThat(Start.parse("2026-11-01", ZoneId.of("UTC"))).isEqualTo(new Start.At(Instant.parse("2026-11-01T00:00:00Z")));
    }

    @Test
    void anythingElseSaysWhatItTakes() {
        assertThatThrownBy(() -> Start.parse("yesterday", SHANGHAI))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--from takes beginning, saved");
        assertThatThrownBy(() -> Start.parse("2026-11-01 10:00", SHANGHAI))
                .hasMessageContaining("(was '2026-11-01 10:00')");
    }
}
