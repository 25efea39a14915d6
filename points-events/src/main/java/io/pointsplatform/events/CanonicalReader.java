package io.pointsplatform.events;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an event straight from its bytes when the document is in the plain form {@link EventCodec}
 * writes: ASCII strings without escapes, whole numbers, canonical UTC timestamps, the envelope's
 * type before its data, no property the contract does not name. A rebuild reads millions of such
 * documents; this reads one in a fraction of the time of a general JSON parser. Account snapshots
 * ({@link AccountSnapshots}) are read the same way: every decision and every view update reads one.
 *
 * <p>It decides nothing the general reader would not: anything else (an escape, a non-ASCII
 * character, an unknown or repeated key, a value of an unexpected kind, a missing field, an
 * invariant a constructor refuses, malformed JSON) makes it answer {@code null}, and the general
 * reader (or, for a snapshot, the mapper) then reads the document and accepts it or says what is
 * wrong with it. So its answer, when it has one, is the general reader's (property tests hold it
 * to that on valid and broken documents alike).
 *
 * <p>Thread-safe and stateless; record shapes are made once per type.
 */
final class CanonicalReader {

    /** Control flow: the document is not in the plain form. Shared and without a stack trace. */
    private static final class NotPlain extends RuntimeException {
        NotPlain() {
            super("not in the plain form", null, false, false);
        }
    }

    private static final NotPlain NOT_PLAIN = new NotPlain();

    private static final byte[][] ENVELOPE = names("specversion", "id", "source", "type", "subject", "time",
            "datacontenttype", "dataschema", "data");
    private static final int SPECVERSION = 0;
    private static final int TYPE = 3;
    private static final int SUBJECT = 4;
    private static final int TIME = 5;
    private static final int DATACONTENTTYPE = 6;
    private static final int DATASCHEMA = 7;
    private static final int DATA = 8;

    /** The envelope's fixed texts, handed out as the one constant instead of a new string each time. */
    private static final byte[] SPEC_VERSION_TEXT = ascii(CloudEvent.SPEC_VERSION);
    private static final byte[] DATA_CONTENT_TYPE_TEXT = ascii(CloudEvent.DATA_CONTENT_TYPE);

    /** What an event type looks like in the plain form; {@code shape} is null when its data is left to the general reader. */
    private record Form(String type, byte[] typeBytes, String dataschema, byte[] dataschemaBytes, Shape shape) {
    }

    private static final Form[] FORMS = EventTypes.all().stream()
            .map(entry -> new Form(entry.type(), ascii(entry.type()), CloudEvent.dataschema(entry.type()),
                    ascii(CloudEvent.dataschema(entry.type())),
                    Shape.of(entry.dataClass(), EventCodec.numberDefaults(entry.dataClass()))))
            .toArray(Form[]::new);

    private CanonicalReader() {
    }

    /** Whether events of {@code type} can be read here at all (every field of a kind read here). */
    static boolean reads(String type) {
        for (Form form : FORMS) {
            if (form.type().equals(type)) {
                return form.shape() != null;
            }
        }
        return false;
    }

    private static final Shape ACCOUNT_STATE = Shape.of(AccountState.class, Map.of());

    /** The account snapshot, or null when the mapper must decide ({@link AccountSnapshots#fromJson}). */
    static AccountState accountState(byte[] json) {
        try {
            Cursor cursor = new Cursor(json, true);
            Object state = cursor.record(ACCOUNT_STATE);
            cursor.skipSpace();
            return cursor.pos == json.length ? (AccountState) state : null;
        } catch (RuntimeException notPlainOrRefused) {
            return null;
        }
    }

    /** The event, or null when the general reader must decide. */
    static CloudEvent read(byte[] json) {
        try {
            return new Cursor(json, false).event();
        } catch (RuntimeException notPlainOrRefused) {
            // NOT_PLAIN, a record's invariant refused, or the end of the bytes reached in mid-value:
            // all of them are for the general reader to judge and word.
            return null;
        }
    }

    private static byte[][] names(String... names) {
        byte[][] bytes = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            bytes[i] = ascii(names[i]);
        }
        return bytes;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Whether the bytes from {@code from} to {@code to} are {@code name}'s: eight bytes at a time,
     * without the set-up of {@code Arrays.equals}, since what is compared is short and most
     * comparisons end at the length.
     */
    private static boolean same(byte[] b, int from, int to, byte[] name) {
        return same(b, from, to, name, 0, name.length);
    }

    private static boolean same(byte[] a, int aFrom, int aTo, byte[] c, int cFrom, int cTo) {
        int n = aTo - aFrom;
        if (n != cTo - cFrom) {
            return false;
        }
        int i = 0;
        for (; i + Long.BYTES <= n; i += Long.BYTES) {
            if ((long) LONGS.get(a, aFrom + i) != (long) LONGS.get(c, cFrom + i)) {
                return false;
            }
        }
        for (; i < n; i++) {
            if (a[aFrom + i] != c[cFrom + i]) {
                return false;
            }
        }
        return true;
    }

    /** Eight bytes of a byte array as one long, for comparing and scanning a word at a time. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;

    /**
     * Whether any of the eight bytes in {@code word} ends or leaves a plain string: a quote, a
     * backslash, a control character (below 0x20) or a byte beyond ASCII. Exact for "none", which
     * is all it is used for (a borrow may flag a byte above a real one).
     */
    static boolean special(long word) {
        long quote = word ^ (ONES * '"');
        long backslash = word ^ (ONES * '\\');
        long zeroInQuote = (quote - ONES) & ~quote;
        long zeroInBackslash = (backslash - ONES) & ~backslash;
        long below0x20 = (word - ONES * 0x20) & ~word;
        return ((zeroInQuote | zeroInBackslash | below0x20) & HIGH_BITS | word & HIGH_BITS) != 0;
    }

    /**
     * The index of the name from {@code from} to {@code to} among {@code names}, trying {@code next}
     * first (in the codec's order, the name after the previous one), or -1.
     */
    private static int find(byte[][] names, byte[] b, int from, int to, int next) {
        for (int k = 0, n = names.length; k < n; k++) {
            int i = next + k < n ? next + k : next + k - n;
            if (same(b, from, to, names[i])) {
                return i;
            }
        }
        return -1;
    }

    /** How one record is read: its components' names and kinds, and its canonical constructor. */
    private static final class Shape {

        private static final int STRING = 0;
        private static final int LONG = 1;
        private static final int INT = 2;
        private static final int INSTANT = 3;
        private static final int ENUM = 4;
        private static final int RECORD = 5;
        private static final int RECORDS = 6;
        private static final int RECORDS_BY_NAME = 7;

        final byte[][] names;
        final int[] kinds;
        final boolean[] primitive;
        final Object[] absent;
        final Shape[] nested;
        final Object[][] constants;
        final byte[][][] constantNames;
        final MethodHandle constructor;

        private Shape(RecordComponent[] components, Map<String, Long> defaults, MethodHandle constructor) {
            int n = components.length;
            names = new byte[n][];
            kinds = new int[n];
            primitive = new boolean[n];
            absent = new Object[n];
            nested = new Shape[n];
            constants = new Object[n][];
            constantNames = new byte[n][][];
            this.constructor = constructor;
            for (int i = 0; i < n; i++) {
                names[i] = ascii(components[i].getName());
                primitive[i] = components[i].getType().isPrimitive();
                absent[i] = defaults.get(components[i].getName());
            }
        }

        /** The shape of {@code type}, or null when one of its components is of a kind not read here. */
        static Shape of(Class<?> type, Map<String, Long> defaults) {
            if (!type.isRecord() || type.getRecordComponents().length > Long.SIZE) {
                return null;
            }
            RecordComponent[] components = type.getRecordComponents();
            for (RecordComponent component : components) {
                if (!component.getName().chars().allMatch(c -> c > ' ' && c < 0x7f && c != '"' && c != '\\')) {
                    return null;
                }
            }
            Shape shape = new Shape(components, defaults, RecordReader.canonicalConstructor(type));
            for (int i = 0; i < components.length; i++) {
                if (!shape.kind(i, components[i].getType(), components[i].getGenericType())) {
                    return null;
                }
            }
            return shape;
        }

        private boolean kind(int i, Class<?> type, Type generic) {
            if (type == String.class) {
                kinds[i] = STRING;
            } else if (type == long.class || type == Long.class) {
                kinds[i] = LONG;
            } else if (type == int.class || type == Integer.class) {
                kinds[i] = INT;
            } else if (type == Instant.class) {
                kinds[i] = INSTANT;
            } else if (type.isEnum()) {
                kinds[i] = ENUM;
                constants[i] = type.getEnumConstants();
                constantNames[i] = new byte[constants[i].length][];
                for (int c = 0; c < constants[i].length; c++) {
                    constantNames[i][c] = ((Enum<?>) constants[i][c]).name().getBytes(StandardCharsets.UTF_8);
                    // A constant's name beyond ASCII never matches the plain form: left to the general reader.
                }
            } else if (type.isRecord()) {
                kinds[i] = RECORD;
                nested[i] = of(type, Map.of());
            } else if (type == List.class && generic instanceof ParameterizedType list
                    && list.getActualTypeArguments()[0] instanceof Class<?> element && element.isRecord()) {
                kinds[i] = RECORDS;
                nested[i] = of(element, Map.of());
            } else if (type == Map.class && generic instanceof ParameterizedType map
                    && map.getActualTypeArguments()[0] == String.class
                    && map.getActualTypeArguments()[1] instanceof ParameterizedType list && list.getRawType() == List.class
                    && list.getActualTypeArguments()[0] instanceof Class<?> element && element.isRecord()) {
                // A snapshot's open holds: lists of records by name.
                kinds[i] = RECORDS_BY_NAME;
                nested[i] = of(element, Map.of());
            } else {
                return false;
            }
            return kinds[i] < RECORD || nested[i] != null;
        }

        Object construct(Object[] values) {
            try {
                return constructor.invokeExact(values);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable impossible) {
                throw new IllegalStateException(impossible);
            }
        }
    }

    /** One pass over one document. */
    private static final class Cursor {

        private final byte[] b;
        /**
         * Whether a null is read as such: in a snapshot (which the writer may give nulls), not in an
         * event (the codec leaves absent fields out, and the general reader refuses a null).
         */
        private final boolean nullsRead;
        private int pos;
        /** The subject, once read, and where its text starts: the data's member id is usually the same text. */
        private String subject;
        private int subjectFrom = -1;

        Cursor(byte[] b, boolean nullsRead) {
            this.b = b;
            this.nullsRead = nullsRead;
        }

        CloudEvent event() {
            expect('{');
            String[] envelope = new String[DATA];
            Instant time = null;
            Object data = null;
            Form form = null;
            int named = 0;
            int attribute = -1;
            if (!closes('}')) {
                do {
                    int from = stringBounds();
                    attribute = find(ENVELOPE, b, from, pos - 1, attribute + 1);
                    if (attribute < 0 || (named & (1 << attribute)) != 0) {
                        throw NOT_PLAIN;
                    }
                    named |= 1 << attribute;
                    expect(':');
                    switch (attribute) {
                        case SPECVERSION -> envelope[attribute] = text(SPEC_VERSION_TEXT, CloudEvent.SPEC_VERSION);
                        case TYPE -> {
                            form = form();
                            envelope[attribute] = form.type();
                        }
                        case SUBJECT -> {
                            envelope[attribute] = string();
                            subjectFrom = pos - 1 - envelope[attribute].length();
                        }
                        case TIME -> time = instant();
                        case DATACONTENTTYPE -> envelope[attribute] = text(DATA_CONTENT_TYPE_TEXT, CloudEvent.DATA_CONTENT_TYPE);
                        case DATASCHEMA -> envelope[attribute] = form == null ? nullOrString()
                                : text(form.dataschemaBytes(), form.dataschema());
                        case DATA -> {
                            // The codec writes the type first; a document that does not is the general reader's.
                            if (form == null) {
                                throw NOT_PLAIN;
                            }
                            subject = envelope[SUBJECT];
                            data = record(form.shape());
                        }
                        default -> envelope[attribute] = nullOrString();
                    }
                } while (next('}'));
            }
            skipSpace();
            if (pos != b.length || data == null || time == null) {
                throw NOT_PLAIN;
            }
            // The constructor checks the rest (specversion, required attributes, type and subject
            // against the data); a refusal there is the general reader's to word.
            return new CloudEvent(envelope[0], envelope[1], envelope[2], envelope[3], envelope[4], time,
                    envelope[6], envelope[7], (EventData) data);
        }

        /** The event type named here, when its data is read here. */
        private Form form() {
            int from = stringBounds();
            for (Form form : FORMS) {
                if (same(b, from, pos - 1, form.typeBytes())) {
                    if (form.shape() == null) {
                        break;
                    }
                    return form;
                }
            }
            throw NOT_PLAIN;
        }

        private Object record(Shape shape) {
            expect('{');
            Object[] values = new Object[shape.names.length];
            long seen = 0;
            int i = -1;
            if (!closes('}')) {
                do {
                    int from = stringBounds();
                    i = find(shape.names, b, from, pos - 1, i + 1);
                    if (i < 0 || (seen & (1L << i)) != 0) {
                        throw NOT_PLAIN;
                    }
                    seen |= 1L << i;
                    expect(':');
                    values[i] = value(shape, i);
                } while (next('}'));
            }
            for (int c = 0; c < values.length; c++) {
                if ((seen & (1L << c)) == 0 && shape.primitive[c]) {
                    if (shape.absent[c] == null) {
                        throw NOT_PLAIN;
                    }
                    values[c] = shape.absent[c];
                }
            }
            return shape.construct(values);
        }

        private Object value(Shape shape, int i) {
            skipSpace();
            if (b[pos] == 'n') {
                if (shape.primitive[i] || !nullsRead) {
                    throw NOT_PLAIN;
                }
                literal("null");
                return null;
            }
            return switch (shape.kinds[i]) {
                case Shape.STRING -> string();
                case Shape.LONG -> number();
                case Shape.INT -> {
                    long value = number();
                    if (value != (int) value) {
                        throw NOT_PLAIN;
                    }
                    yield (int) value;
                }
                case Shape.INSTANT -> instant();
                case Shape.ENUM -> {
                    int from = stringBounds();
                    int c = find(shape.constantNames[i], b, from, pos - 1, 0);
                    if (c < 0) {
                        throw NOT_PLAIN;
                    }
                    yield shape.constants[i][c];
                }
                case Shape.RECORD -> record(shape.nested[i]);
                case Shape.RECORDS -> records(shape.nested[i]);
                case Shape.RECORDS_BY_NAME -> {
                    expect('{');
                    Map<String, Object> byName = new HashMap<>();
                    if (!closes('}')) {
                        do {
                            String name = string();
                            expect(':');
                            skipSpace();
                            if (byName.containsKey(name)) {
                                throw NOT_PLAIN;
                            }
                            if (b[pos] == 'n' && !nullsRead) {
                                throw NOT_PLAIN;
                            }
                            byName.put(name, b[pos] == 'n' ? nothing() : records(shape.nested[i]));
                        } while (next('}'));
                    }
                    yield byName;
                }
                default -> throw NOT_PLAIN;
            };
        }

        private List<Object> records(Shape element) {
            expect('[');
            List<Object> list = new ArrayList<>();
            if (!closes(']')) {
                do {
                    list.add(record(element));
                } while (next(']'));
            }
            return list;
        }

        private Object nothing() {
            literal("null");
            return null;
        }

        /**
         * Moves past a string of printable ASCII without escapes and answers where its text starts
         * (it ends at {@code pos - 1}).
         */
        private int stringBounds() {
            expect('"');
            int from = pos;
            // Eight bytes at a time while none of them is a quote, a backslash, a control character
            // or beyond ASCII; then byte by byte from the first block that has one.
            while (pos + Long.BYTES <= b.length && !special((long) LONGS.get(b, pos))) {
                pos += Long.BYTES;
            }
            byte c;
            while ((c = b[pos++]) != '"') {
                if (c < 0x20 || c == '\\') {
                    // Control characters, escapes and (as negative bytes) everything beyond ASCII.
                    throw NOT_PLAIN;
                }
            }
            return from;
        }

        /** A string in the data: the subject's own string when it is the same text (the member id, mostly). */
        private String string() {
            int from = stringBounds();
            if (subject != null && same(b, from, pos - 1, b, subjectFrom, subjectFrom + subject.length())) {
                return subject;
            }
            return new String(b, from, pos - 1 - from, StandardCharsets.ISO_8859_1);
        }

        private String nullOrString() {
            skipSpace();
            if (b[pos] == 'n') {
                if (!nullsRead) {
                    throw NOT_PLAIN;
                }
                literal("null");
                return null;
            }
            return string();
        }

        /** An envelope attribute that is almost always {@code usual}: that constant, when it is. */
        private String text(byte[] usualBytes, String usual) {
            skipSpace();
            if (b[pos] == 'n') {
                if (!nullsRead) {
                    throw NOT_PLAIN;
                }
                literal("null");
                return null;
            }
            int from = stringBounds();
            return same(b, from, pos - 1, usualBytes) ? usual
                    : new String(b, from, pos - 1 - from, StandardCharsets.ISO_8859_1);
        }

        private Instant instant() {
            int from = stringBounds();
            Instant instant = Timestamps.parseCanonical(new Ascii(b, from, pos - 1));
            if (instant == null) {
                throw NOT_PLAIN;
            }
            return instant;
        }

        /** A whole number as JSON writes it, of at most 18 digits (so it fits a long). */
        private long number() {
            boolean negative = b[pos] == '-';
            if (negative) {
                pos++;
            }
            int from = pos;
            long value = 0;
            while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
                value = value * 10 + (b[pos++] - '0');
            }
            int digits = pos - from;
            if (digits == 0 || digits > 18 || (digits > 1 && b[from] == '0') || (negative && value == 0)) {
                throw NOT_PLAIN;
            }
            // A fraction or an exponent is not a whole number as written: the general reader's to refuse.
            byte after = b[pos];
            if (after != ',' && after != '}' && after != ']' && !space(after)) {
                throw NOT_PLAIN;
            }
            return negative ? -value : value;
        }

        private void literal(String word) {
            for (int i = 0; i < word.length(); i++) {
                if (b[pos++] != word.charAt(i)) {
                    throw NOT_PLAIN;
                }
            }
            byte after = b[pos];
            if (after != ',' && after != '}' && after != ']' && !space(after)) {
                throw NOT_PLAIN;
            }
        }

        private void expect(char c) {
            skipSpace();
            if (b[pos++] != c) {
                throw NOT_PLAIN;
            }
        }

        /** After an opening bracket: moves past {@code close} if it comes at once. */
        private boolean closes(char close) {
            skipSpace();
            if (b[pos] == close) {
                pos++;
                return true;
            }
            return false;
        }

        /** After a member or element: true on a comma, false on {@code close}. */
        private boolean next(char close) {
            skipSpace();
            byte c = b[pos++];
            if (c == ',') {
                return true;
            }
            if (c == close) {
                return false;
            }
            throw NOT_PLAIN;
        }

        private void skipSpace() {
            while (pos < b.length && space(b[pos])) {
                pos++;
            }
        }

        private static boolean space(byte c) {
            return c == ' ' || c == '\n' || c == '\r' || c == '\t';
        }
    }

    /** ASCII bytes seen as characters, for the timestamp parser, without making a string. */
    private record Ascii(byte[] bytes, int from, int to) implements CharSequence {

        @Override
        public int length() {
            return to - from;
        }

        @Override
        public char charAt(int index) {
            return (char) bytes[from + index];
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Ascii(bytes, from + start, from + end);
        }

        @Override
        public String toString() {
            return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
        }
    }
}
