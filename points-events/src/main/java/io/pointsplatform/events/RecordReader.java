package io.pointsplatform.events;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Reads one record (an event's {@code data}, or a record inside it) straight from a streaming parser,
 * without a tree. It reads what Jackson's record binding with {@link EventCodec}'s mapper reads,
 * held to the event's JSON Schema: the usual token of each component (a string, a whole number in
 * range, a canonical UTC timestamp, an enum constant's name, an object, an array) is taken here
 * directly; a token of another JSON type that Jackson would coerce and the schema refuses (a number
 * or a boolean for text, text for a number, a number or an array for a date or a time) is refused
 * here, naming the field; anything else is handed to the mapper's own deserializer for that
 * component's type, so what is refused there (and the message) is Jackson's. Unknown properties are
 * skipped (the schemas forbid them; readers ignore them so that a producer may add a field first).
 *
 * <p>A component given as {@code null} is refused, as the schemas refuse it (an optional field is left
 * out, never null): after the record's own checks, so that a required one is refused with the
 * constructor's words, as when it is left out.
 *
 * <p>Duplicate keys are refused here, anywhere in what is read or skipped, as the parser's strict
 * duplicate detection would ("Duplicate field 'x'"), but with a bit per component instead of a hash
 * set per object: the parser's own detection was a third of the time spent reading an event.
 *
 * <p>Absent components are null, except primitives: the data's own (at the top, {@code required})
 * must be there unless {@code defaults} says what their absence means, and a nested record's are
 * refused as Jackson refuses them ({@code FAIL_ON_NULL_FOR_PRIMITIVES}). The canonical constructor
 * then checks the record's invariants.
 *
 * <p>Thread-safe and immutable once made; readers are made once per record type and kept.
 */
final class RecordReader {

    /** Why a value could not be read, with the path to it, completed as the problem goes up. */
    static final class Problem extends RuntimeException {

        private enum Kind { MISSING, FIELD, INVALID }

        private final Kind kind;
        private final String detail;
        private String path;

        private Problem(Kind kind, String path, String detail, Throwable cause) {
            super(detail, cause, false, false);
            this.kind = kind;
            this.path = path;
            this.detail = detail;
        }

        Problem at(String step) {
            path = step + path;
            return this;
        }

        /** The sentence for an EventFormatException, {@code root} naming the record read ("data"). */
        String describe(String root) {
            return switch (kind) {
                case MISSING -> "missing field '" + root + path + "'";
                case FIELD -> "field '" + root + path + "': " + detail;
                case INVALID -> detail;
            };
        }
    }

    /** Reads a value whose first token is the parser's current token, leaving it on the value's last token. */
    private interface ValueReader {
        Object read(JsonParser parser) throws IOException;
    }

    private record Component(String name, int index, Class<?> type, ValueReader reader) {
    }

    private static final ObjectMapper MAPPER = EventCodec.mapper();
    private static final Map<Class<?>, RecordReader> NESTED = new ConcurrentHashMap<>();

    private final Class<?> recordClass;
    private final Component[] components;
    private final Map<String, Component> byName;
    private final MethodHandle constructor;
    private final boolean required;
    private final Object[] absent;

    private RecordReader(Class<?> recordClass, boolean required, Map<String, Long> defaults) {
        if (!recordClass.isRecord()) {
            throw new IllegalArgumentException(recordClass + " is not a record");
        }
        this.recordClass = recordClass;
        this.required = required;
        RecordComponent[] declared = recordClass.getRecordComponents();
        if (declared.length > Long.SIZE) {
            throw new IllegalArgumentException(recordClass + " has more than 64 components");
        }
        components = new Component[declared.length];
        byName = new HashMap<>();
        absent = new Object[declared.length];
        for (int i = 0; i < declared.length; i++) {
            RecordComponent component = declared[i];
            components[i] = new Component(component.getName(), i, component.getType(),
                    valueReader(component.getType(), component.getGenericType()));
            byName.put(component.getName(), components[i]);
            Long absentMeans = defaults.get(component.getName());
            absent[i] = absentMeans != null ? absentMeans : component.getType().isPrimitive() ? null : NULL;
        }
        constructor = canonicalConstructor(recordClass);
    }

    /** The record's canonical constructor, taking its components' values as one {@code Object[]}. */
    static MethodHandle canonicalConstructor(Class<?> recordClass) {
        RecordComponent[] components = recordClass.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
        }
        try {
            return MethodHandles.publicLookup()
                    .findConstructor(recordClass, MethodType.methodType(void.class, types))
                    .asSpreader(Object[].class, types.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("no canonical constructor in " + recordClass, e);
        }
    }

    /** Marks a component whose absence means null (an array slot cannot hold "null is fine" otherwise). */
    private static final Object NULL = new Object();

    /** The reader of an event's data: every primitive required unless {@code defaults} has it. */
    static RecordReader forData(Class<? extends EventData> dataClass, Map<String, Long> defaults) {
        return new RecordReader(dataClass, true, defaults);
    }

    private static RecordReader nested(Class<?> recordClass) {
        RecordReader reader = NESTED.get(recordClass);
        if (reader == null) {
            reader = new RecordReader(recordClass, false, Map.of());
            NESTED.putIfAbsent(recordClass, reader);
        }
        return reader;
    }

    /** The record that starts at the parser's current token ({@code START_OBJECT}); ends on its {@code END_OBJECT}. */
    Object read(JsonParser parser) throws IOException {
        Object[] values = new Object[components.length];
        long named = 0;
        long seen = 0;
        long nulls = 0;
        Set<String> unknown = null;
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            JsonToken token = parser.nextToken();
            Component component = byName.get(name);
            if (component == null) {
                if (unknown == null) {
                    unknown = new HashSet<>();
                }
                if (!unknown.add(name)) {
                    throw duplicate(parser, name);
                }
                skip(parser);
                continue;
            }
            long bit = 1L << component.index();
            if ((named & bit) != 0) {
                throw duplicate(parser, name);
            }
            named |= bit;
            if (token == JsonToken.VALUE_NULL) {
                nulls |= bit;
                if (required && component.type().isPrimitive()) {
                    // The data's own numbers: null is as absent, so it is refused or defaulted below.
                    continue;
                }
            }
            try {
                values[component.index()] = component.reader().read(parser);
            } catch (Problem problem) {
                throw problem.at("." + name);
            }
            seen |= bit;
        }
        for (int i = 0; i < components.length; i++) {
            if ((seen & (1L << i)) == 0) {
                Object absentMeans = absent[i];
                if (absentMeans == null) {
                    throw new Problem(Problem.Kind.MISSING, "." + components[i].name(), null, null);
                }
                values[i] = absentMeans == NULL ? null : absentMeans;
            }
        }
        Object record;
        try {
            record = constructor.invokeExact(values);
        } catch (RuntimeException refused) {
            // The canonical constructor checks the record's invariants: its message says why.
            throw new Problem(Problem.Kind.INVALID, "", refused.getMessage(), refused);
        } catch (Error e) {
            throw e;
        } catch (Throwable impossible) {
            throw new IllegalStateException("constructing " + recordClass.getSimpleName(), impossible);
        }
        if (nulls != 0) {
            String name = components[Long.numberOfTrailingZeros(nulls)].name();
            throw new Problem(Problem.Kind.FIELD, "." + name, "must not be null (an optional field is left out)", null);
        }
        return record;
    }

    private static ValueReader valueReader(Class<?> type, Type genericType) {
        JavaType javaType = MAPPER.getTypeFactory().constructType(genericType);
        if (type == String.class) {
            return parser -> switch (parser.currentToken()) {
                case VALUE_STRING -> parser.getText();
                case VALUE_NULL -> null;
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> throw notA("a string");
                default -> jackson(parser, javaType);
            };
        }
        if (type == long.class || type == Long.class) {
            return parser -> switch (parser.currentToken()) {
                case VALUE_NUMBER_INT -> parser.getNumberType() != JsonParser.NumberType.BIG_INTEGER
                        ? (Object) parser.getLongValue() : jackson(parser, javaType);
                case VALUE_STRING -> throw notA("a whole number");
                default -> jackson(parser, javaType);
            };
        }
        if (type == int.class || type == Integer.class) {
            return parser -> switch (parser.currentToken()) {
                case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.INT
                        ? (Object) parser.getIntValue() : jackson(parser, javaType);
                case VALUE_STRING -> throw notA("a whole number");
                default -> jackson(parser, javaType);
            };
        }
        if (type == Instant.class) {
            // Jackson would also read a number in a text ("100") as seconds since 1970.
            return fromText(Timestamps::parseCanonical, text -> Timestamps.parse(text), "an RFC 3339 date-time", javaType);
        }
        if (type == LocalDate.class) {
            // Jackson would also read a date-time's text as its date.
            return fromText(text -> null, LocalDate::parse, "an RFC 3339 full-date (yyyy-mm-dd)", javaType);
        }
        if (type.isEnum()) {
            Map<String, Object> byName = new HashMap<>();
            for (Object constant : type.getEnumConstants()) {
                byName.put(((Enum<?>) constant).name(), constant);
            }
            return fromText(byName::get, javaType);
        }
        if (type.isRecord()) {
            return parser -> switch (parser.currentToken()) {
                case START_OBJECT -> nested(type).read(parser);
                case VALUE_NULL -> null;
                default -> jackson(parser, javaType);
            };
        }
        if (type == List.class && genericType instanceof ParameterizedType list
                && list.getActualTypeArguments()[0] instanceof Class<?> element && element.isRecord()) {
            ValueReader elements = valueReader(element, element);
            return parser -> switch (parser.currentToken()) {
                case START_ARRAY -> {
                    List<Object> values = new ArrayList<>();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        try {
                            values.add(elements.read(parser));
                        } catch (Problem problem) {
                            throw problem.at("[" + values.size() + "]");
                        }
                    }
                    yield values;
                }
                case VALUE_NULL -> null;
                default -> jackson(parser, javaType);
            };
        }
        // Everything else is rare in the log and written as text: Jackson reads it whole.
        return fromText(text -> null, javaType);
    }

    /** A value of another JSON type than the schema's, which Jackson would have coerced. */
    private static Problem notA(String kind) {
        return new Problem(Problem.Kind.FIELD, "", "must be " + kind, null);
    }

    /**
     * Skips the value at the parser's current token, refusing a key given twice in any object in it.
     * The parser's own duplicate detection is off (see {@link EventCodec}): this is what replaces it
     * for what is not read.
     */
    static void skip(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            Set<String> names = new HashSet<>();
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                if (!names.add(name)) {
                    throw duplicate(parser, name);
                }
                parser.nextToken();
                skip(parser);
            }
        } else if (token == JsonToken.START_ARRAY) {
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                skip(parser);
            }
        }
    }

    /** Jackson's own words for it, as malformed JSON. */
    static JsonParseException duplicate(JsonParser parser, String name) {
        return new JsonParseException(parser, "Duplicate field '" + name + "'");
    }

    /**
     * A value written as text: {@code usual} reads the usual form (or says null), Jackson the rest of
     * the texts. A number, a boolean or an array (which Jackson reads as an epoch or as
     * {@code [year, month, day]}) is refused: the schemas say text.
     */
    private static ValueReader fromText(Function<String, Object> usual, JavaType javaType) {
        return fromText(usual, null, null, javaType);
    }

    /**
     * As {@link #fromText(Function, JavaType)}, but a text not in the usual form is read by
     * {@code strict} (which throws {@link DateTimeException} for one it refuses) rather than by
     * Jackson, whose readers of dates and times are more lenient than the schemas' formats.
     */
    private static ValueReader fromText(Function<String, Object> usual, Function<String, Object> strict,
                                        String kind, JavaType javaType) {
        return parser -> {
            if (strict != null && parser.currentToken() == JsonToken.VALUE_STRING) {
                String text = parser.getText();
                Object value = usual.apply(text);
                if (value != null) {
                    return value;
                }
                try {
                    return strict.apply(text);
                } catch (DateTimeException refused) {
                    throw new Problem(Problem.Kind.FIELD, "", "must be " + kind + " (was " + text + ")", refused);
                }
            }
            switch (parser.currentToken()) {
                case VALUE_STRING -> {
                    Object value = usual.apply(parser.getText());
                    return value != null ? value : jackson(parser, javaType);
                }
                case VALUE_NULL -> {
                    return null;
                }
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE, START_ARRAY -> throw notA("a text");
                default -> {
                    return jackson(parser, javaType);
                }
            }
        };
    }

    /**
     * The value as the mapper reads it; a refusal becomes a Problem, malformed JSON stays an
     * IOException. An object or array is checked for duplicate keys first, on a copy, since the
     * mapper reads it with the parser's duplicate detection off.
     */
    private static Object jackson(JsonParser parser, JavaType type) throws IOException {
        try {
            if (parser.currentToken() == JsonToken.START_OBJECT || parser.currentToken() == JsonToken.START_ARRAY) {
                TokenBuffer copy = new TokenBuffer(parser);
                copy.copyCurrentStructure(parser);
                try (JsonParser check = copy.asParser()) {
                    check.nextToken();
                    skip(check);
                }
                try (JsonParser value = copy.asParser()) {
                    value.nextToken();
                    return MAPPER.readValue(value, type);
                }
            }
            return MAPPER.readValue(parser, type);
        } catch (MismatchedInputException | InputCoercionException e) {
            // Well-formed, but not a value of the type (a number out of range is the parser's to say).
            throw new Problem(Problem.Kind.FIELD, "", e.getOriginalMessage(), e);
        } catch (DatabindException e) {
            throw new Problem(Problem.Kind.INVALID, "", "invalid data: " + e.getMessage(), e);
        }
    }
}
