package io.pointsplatform.kit.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.kit.json.StrictJson;
import org.junit.jupiter.api.Test;

/** Text written by others made storable: nothing PostgreSQL refuses, nothing a reader needs lost. */
class TextsTest {

    @Test
    void controlCharactersAreDroppedAndLineBreaksBecomeOneSpace() {
        assertThat(Texts.forStorage("ProtocolException: Invalid status line: \"HTTP/1.1 2\0\0 OK\"", 500))
                .isEqualTo("ProtocolException: Invalid status line: \"HTTP/1.1 2 OK\"");
        assertThat(Texts.forStorage("SMTP 451: failed\r\n4.3.0 try\u0007 later\u007f\u0085", 500))
                .isEqualTo("SMTP 451: failed 4.3.0 try later");
        assertThat(Texts.forStorage("a\tb 积分 \ud83d\ude00", 500)).isEqualTo("a\tb 积分 \ud83d\ude00");
        assertThat(Texts.forStorage(null, 500)).isNull();
    }

    /** NOT_BLANK refuses exactly what String.isBlank (the events' check) calls blank, character by character. */
    @Test
    void notBlankAgreesWithIsBlankForEveryCharacter() {
        java.util.regex.Pattern notBlank = java.util.regex.Pattern.compile(Texts.NOT_BLANK);
        for (int c = 0; c <= Character.MAX_VALUE; c++) {
            String one = String.valueOf((char) c);
            assertThat(notBlank.matcher(one).matches()).as("U+%04X", c).isEqualTo(!one.isBlank());
            assertThat(notBlank.matcher(" \u3000" + one + "\n").matches()).as("U+%04X among spaces", c)
                    .isEqualTo(!one.isBlank());
        }
        assertThat(notBlank.matcher("\ud83d\ude00").matches()).isTrue();
        assertThat(notBlank.matcher("").matches()).isFalse();
        assertThat(notBlank.matcher("\u3000\u2003\u001c").matches()).isFalse();
    }

    /**
     * The patterns as a client reads them from the OpenAPI documents: JSON Schema patterns are
     * ECMA-262 regular expressions, searched for (not matched whole), compiled here by a real
     * JavaScript engine (Node, which the build's OpenAPI linter needs too) with the unicode flag, as
     * ajv does. Until 2026-12-08 NOT_BLANK began with Java's inline (?s), which no JavaScript
     * engine compiles.
     */
    @Test
    void thePatternsReadTheSameInAJavaScriptClient() throws Exception {
        String script = """
                const [notBlank, oneLine] = process.argv.slice(1).map(p => new RegExp(p, 'u'));
                const out = [notBlank.test('a'), notBlank.test(' \\u3000x\\n'), notBlank.test(' \\u3000\\n'),
                    notBlank.test(''), oneLine.test('Sale 积分'), oneLine.test('Sale\\nX-Injected: 1'),
                    oneLine.test('a\\u2028b'), oneLine.test('')];
                console.log(out.join(','));
                """;
        Process node = new ProcessBuilder("node", "-e", script, Texts.NOT_BLANK, Texts.ONE_LINE)
                .redirectErrorStream(true).start();
        String said = new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertThat(node.waitFor()).as(said).isZero();
        assertThat(said).isEqualTo("true,true,false,false,true,false,false,true");
        // And Java's Bean Validation (matched whole) says the same.
        assertThat("Sale 积分".matches(Texts.ONE_LINE)).isTrue();
        assertThat("Sale\nX-Injected: 1".matches(Texts.ONE_LINE)).isFalse();
        assertThat("Sale\n".matches(Texts.ONE_LINE)).isFalse();
    }

    @Test
    void aLoneSurrogateIsReplacedAndAPairIsNeverCut() {
        String stored = Texts.forStorage("x\ud800y\udc00", 500);
        assertThat(stored).isEqualTo("x\ufffdy\ufffd");
        assertThat(StrictJson.storable(stored)).isTrue();
        assertThat(Texts.forStorage("ab\ud83d\ude00", 3)).isEqualTo("ab");
        assertThat(Texts.forStorage("ab\ud83d\ude00", 4)).isEqualTo("ab\ud83d\ude00");
    }

    @Test
    void theLengthIsCappedAfterCleaning() {
        assertThat(Texts.forStorage("\0".repeat(10) + "x".repeat(600), 500)).hasSize(500).matches("x+");
    }
}
