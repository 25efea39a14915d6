package io.pointsplatform.kit.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StrictJsonTest {

    enum Kind { GIFT, VOUCHER }

    record Request(String text, Long points, long count, BigDecimal amount, Boolean flag, Kind kind, Instant at,
                   List<String> tags, LocalDate day, OffsetDateTime when) {
    }

    private final ObjectMapper mapper = StrictJson.configure(new ObjectMapper().registerModule(new JavaTimeModule()));

    private static final String VALID = """
            {"text":"a 😀 b","points":3,"count":2,"amount":"150.00","flag":true,"kind":"GIFT",
             "at":"2026-11-20T10:00:00Z","tags":["x","y"]}""";

    @Test
    void aBodyOfTheRightTypesIsReadAsItIs() throws Exception {
        Request request = mapper.readValue(VALID, Request.class);
        assertThat(request).isEqualTo(new Request("a 😀 b", 3L, 2, new BigDecimal("150.00"), true, Kind.GIFT,
                Instant.parse("2026-11-20T10:00:00Z"), List.of("x", "y"), null, null));
        // Money may come as a JSON number too, and an absent optional value stays absent.
        assertThat(mapper.readValue("{\"amount\":150.5,\"count\":1}", Request.class))
                .isEqualTo(new Request(null, null, 1, new BigDecimal("150.5"), null, null, null, null, null, null));
        // An absent primitive keeps its default (an optional "promotional" is false), as before.
        assertThat(mapper.readValue("{}", Request.class).count()).isZero();
    }

    @Test
    void aValueOfAnotherJsonTypeIsRefusedAtItsField() {
        List<String[]> cases = List.of(new String[] {"points", "1.5"}, new String[] {"points", "\"2\""},
                new String[] {"points", "true"}, new String[] {"points", "\"\""}, new String[] {"count", "1.0"}, new String[] {"text", "5"}, new String[] {"text", "true"},
                new String[] {"text", "1.5"}, new String[] {"text", "{}"}, new String[] {"tags", "[1]"},
                new String[] {"flag", "\"true\""}, new String[] {"flag", "1"}, new String[] {"kind", "0"},
                new String[] {"kind", "\"\""}, new String[] {"kind", "\"HAT\""}, new String[] {"at", "\"\""},
                new String[] {"amount", "true"});
        for (String[] c : cases) {
            String body = c[0].equals("count") ? "{\"count\":" + c[1] + "}" : "{\"count\":1,\"" + c[0] + "\":" + c[1] + "}";
            assertThatThrownBy(() -> mapper.readValue(body, Request.class)).as(body)
                    .isInstanceOf(MismatchedInputException.class)
                    .satisfies(e -> assertThat(path((MismatchedInputException) e)).startsWith(c[0]));
        }
    }

    /** Parsers disagree on which of two values for one property counts: neither is taken. */
    @Test
    void aPropertyGivenTwiceIsRefused() {
        for (String body : List.of("{\"count\":1,\"count\":2}", "{\"text\":\"a\",\"points\":1,\"text\":\"a\"}",
                "{\"count\":1,\"tags\":[\"x\"],\"tags\":[\"y\"]}")) {
            assertThatThrownBy(() -> mapper.readValue(body, Request.class)).as(body)
                    .isInstanceOf(JsonParseException.class).hasMessageContaining("Duplicate field");
        }
    }

    @Test
    void datesAndTimesAreTakenWithinTheYears1To9999Only() throws Exception {
        for (String at : List.of("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "2026-11-20T10:00:00+08:00")) {
            assertThat(mapper.readValue("{\"at\":\"" + at + "\",\"when\":\"" + at + "\"}", Request.class).at())
                    .isEqualTo(OffsetDateTime.parse(at).toInstant());
        }
        assertThat(mapper.readValue("{\"day\":\"0001-01-01\"}", Request.class).day()).isEqualTo(LocalDate.of(1, 1, 1));
        assertThat(mapper.readValue("{\"day\":\"9999-12-31\"}", Request.class).day()).isEqualTo(LocalDate.of(9999, 12, 31));
        List<String[]> cases = List.of(new String[] {"at", "\"+999999999-12-31T23:59:59Z\""},
                new String[] {"at", "\"-999999999-01-01T00:00:00Z\""}, new String[] {"at", "\"+10000-01-01T00:00:00Z\""},
                new String[] {"at", "\"0000-12-31T23:59:59Z\""}, new String[] {"at", "\"0001-01-01T00:00:00+01:00\""},
                new String[] {"when", "\"+10000-01-01T00:00:00Z\""}, new String[] {"day", "\"-999999-01-01\""},
                new String[] {"day", "\"+10000-01-01\""}, new String[] {"day", "\"0000-01-01\""});
        for (String[] c : cases) {
            String body = "{\"" + c[0] + "\":" + c[1] + "}";
            assertThatThrownBy(() -> mapper.readValue(body, Request.class)).as(body)
                    .isInstanceOf(StrictJson.Refused.class).hasMessageContaining("must be within the years 0001 to 9999")
                    .satisfies(e -> assertThat(path((MismatchedInputException) e)).isEqualTo(c[0]));
        }
    }

    @Test
    void aPropertyTheRequestDoesNotHaveIsRefusedByName() {
        assertThatThrownBy(() -> mapper.readValue("{\"count\":1,\"pionts\":3}", Request.class))
                .isInstanceOf(UnrecognizedPropertyException.class)
                .satisfies(e -> assertThat(path((MismatchedInputException) e)).isEqualTo("pionts"));
    }

    /**
     * Text is refused exactly when PostgreSQL could not store it as it is: when it holds U+0000, or
     * when it does not survive UTF-8 (a lone surrogate), the oracle here, independent of the check.
     */
    @Test
    void textIsRefusedExactlyWhenItCouldNotBeStoredAsItIs() throws Exception {
        char[] alphabet = {'a', 'Z', ' ', '"', '\\', '\n', '\t', 0, 1, 0x1f, 'é', '中', 0xd83d, 0xde00, 0xdbff, 0xdc00, 0xfffd};
        SplittableRandom random = new SplittableRandom(20261202);
        int refused = 0;
        for (int run = 0; run < 5_000; run++) {
            StringBuilder text = new StringBuilder();
            for (int i = random.nextInt(8); i > 0; i--) {
                text.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String value = text.toString();
            boolean storable = value.indexOf(0) < 0
                    && new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(value);
            assertThat(StrictJson.storable(value)).as("%s", codes(value)).isEqualTo(storable);
            String body = "{\"count\":1,\"text\":" + quoted(value) + "}";
            if (storable) {
                assertThat(mapper.readValue(body, Request.class).text()).isEqualTo(value);
            } else {
                refused++;
                assertThatThrownBy(() -> mapper.readValue(body, Request.class)).as("%s", codes(value))
                        .isInstanceOf(StrictJson.Refused.class)
                        .satisfies(e -> assertThat(path((MismatchedInputException) e)).isEqualTo("text"));
            }
        }
        assertThat(refused).as("runs refused").isBetween(500, 4_500);
    }

    /** The text as a JSON string, every character beyond printable ASCII escaped. */
    private static String quoted(String text) {
        StringBuilder json = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                json.append(c);
            } else {
                json.append(String.format("\\u%04x", (int) c));
            }
        }
        return json.append('"').toString();
    }

    private static String codes(String text) {
        return text.chars().mapToObj(c -> Integer.toHexString(c)).collect(Collectors.joining(" "));
    }

    private static String path(MismatchedInputException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
