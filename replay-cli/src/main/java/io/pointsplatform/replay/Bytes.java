package io.pointsplatform.replay;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer for the outputs, with the two escapes they need: PostgreSQL's COPY text
 * format and RFC 4180 CSV. Strings are written as UTF-8; a record's bytes are copied as they are.
 */
final class Bytes {

    private byte[] bytes;
    private int size;

    Bytes(int capacity) {
        bytes = new byte[capacity];
    }

    int size() {
        return size;
    }

    /** The buffer itself, valid up to {@link #size()}: to copy a part of it elsewhere. */
    byte[] array() {
        return bytes;
    }

    void clear() {
        size = 0;
    }

    void truncate(int newSize) {
        size = newSize;
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, size);
    }

    ByteArrayInputStream asInput() {
        return new ByteArrayInputStream(bytes, 0, size);
    }

    private void room(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    Bytes put(byte b) {
        room(1);
        bytes[size++] = b;
        return this;
    }

    Bytes put(byte[] b, int offset, int length) {
        room(length);
        System.arraycopy(b, offset, bytes, size, length);
        size += length;
        return this;
    }

    /** A text without anything to escape (numbers, ISO times, dates). */
    Bytes ascii(String text) {
        int n = text.length();
        room(n);
        for (int i = 0; i < n; i++) {
            bytes[size++] = (byte) text.charAt(i);
        }
        return this;
    }

    Bytes number(long value) {
        return ascii(Long.toString(value));
    }

    /** One value of COPY's text format ({@code \N} for null), its separators and line ends escaped. */
    Bytes copyText(String text) {
        if (text == null) {
            return ascii("\\N");
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return copyText(utf8, 0, utf8.length);
    }

    Bytes copyText(byte[] b, int offset, int length) {
        room(length);
        int end = offset + length;
        int from = offset;
        for (int i = offset; i < end; i++) {
            byte c = b[i];
            if (c == '\\' || c == '\n' || c == '\r' || c == '\t') {
                put(b, from, i - from);
                escape(c == '\\' ? (byte) '\\' : c == '\n' ? (byte) 'n' : c == '\r' ? (byte) 'r' : (byte) 't');
                from = i + 1;
            }
        }
        return put(b, from, end - from);
    }

    private void escape(byte c) {
        room(2);
        bytes[size++] = '\\';
        bytes[size++] = c;
    }

    /** One CSV field: quoted, quotes doubled, when it holds a comma, a quote or a line end; empty for null. */
    Bytes csv(String text) {
        if (text == null) {
            return this;
        }
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return csv(utf8, 0, utf8.length);
    }

    Bytes csv(byte[] b, int offset, int length) {
        boolean quote = false;
        for (int i = offset, end = offset + length; i < end && !quote; i++) {
            byte c = b[i];
            quote = c == ',' || c == '"' || c == '\n' || c == '\r';
        }
        if (!quote) {
            return put(b, offset, length);
        }
        room(length + 2);
        bytes[size++] = '"';
        for (int i = offset, end = offset + length; i < end; i++) {
            byte c = b[i];
            if (c == '"') {
                put((byte) '"');
            }
            put(c);
        }
        return put((byte) '"');
    }
}
