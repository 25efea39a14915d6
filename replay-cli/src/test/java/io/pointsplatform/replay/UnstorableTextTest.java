package io.pointsplatform.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Which JSON escapes PostgreSQL cannot store, and which only look like them. */
class UnstorableTextTest {

    private static String find(String json) {
        return UnstorableText.find(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void nulAndLoneSurrogatesAreFound() {
        assertThat(find("{\"name\":\"a\\u0000b\"}")).isEqualTo("U+0000 in a text");
        assertThat(find("{\"a\\u0000\":1}")).isEqualTo("U+0000 in a text");
        assertThat(find("{\"name\":\"a\\uD800b\"}")).isEqualTo("a lone surrogate (\\ud800) in a text");
        assertThat(find("{\"name\":\"a\\udc00\"}")).isEqualTo("a lone surrogate (\\udc00) in a text");
        assertThat(find("{\"name\":\"\\ud83d\\ud83d\\ude00\"}")).isEqualTo("a lone surrogate (\\ud83d) in a text");
        assertThat(find("{\"name\":\"\\ud83d\"}")).isEqualTo("a lone surrogate (\\ud83d) in a text");
    }

    @Test
    void whatPostgresStoresIsLeftAlone() {
        assertThat(find("{\"name\":\"Li Lei\",\"n\":1}")).isNull();
        assertThat(find("{\"name\":\"积分 \\u79ef\\u5206 \\ud83d\\ude00 \\u0001 \\t\\n\"}")).isNull();
        // An escaped backslash and then the text u0000: no escape of U+0000.
        assertThat(find("{\"name\":\"a\\\\u0000\"}")).isNull();
        assertThat(find("{\"name\":\"a\\\\\\\\u0000\\\"\"}")).isNull();
        assertThat(find("{\"name\":\"a\\\\\\u0000\"}")).isEqualTo("U+0000 in a text");
    }
}
