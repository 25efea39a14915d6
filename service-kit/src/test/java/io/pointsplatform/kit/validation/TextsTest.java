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
