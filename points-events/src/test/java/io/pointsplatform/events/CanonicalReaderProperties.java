package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The word-at-a-time scan of {@link CanonicalReader} against a byte-by-byte one. */
class CanonicalReaderProperties {

    /** Eight bytes, mostly plain text, with quotes, backslashes, control bytes and bytes beyond ASCII mixed in. */
    @Provide
    Arbitrary<byte[]> words() {
        Arbitrary<Byte> plain = Arbitraries.bytes().between((byte) 0x20, (byte) 0x7e);
        Arbitrary<Byte> any = Arbitraries.oneOf(plain, Arbitraries.of((byte) '"', (byte) '\\', (byte) 0, (byte) 0x1f,
                (byte) 0x20, (byte) 0x21, (byte) 0x5b, (byte) 0x5d, (byte) 0x7f, (byte) 0x80, (byte) 0xff),
                Arbitraries.bytes());
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, plain.array(byte[].class).ofSize(8)),
                net.jqwik.api.Tuple.of(2, any.array(byte[].class).ofSize(8)));
    }

    @Property(tries = 5000)
    void aWordIsSpecialExactlyWhenOneOfItsBytesIs(@ForAll("words") byte[] bytes) {
        boolean expected = false;
        for (byte b : bytes) {
            expected |= b == '"' || b == '\\' || (b & 0xff) < 0x20 || (b & 0xff) >= 0x80;
        }
        long word = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(CanonicalReader.special(word)).as(java.util.Arrays.toString(bytes)).isEqualTo(expected);
    }
}
