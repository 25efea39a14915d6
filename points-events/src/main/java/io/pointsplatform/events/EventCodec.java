package io.pointsplatform.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * CloudEvents in structured JSON mode, to and from text. Thread-safe and stateless: one instance (or
 * many) may serve every thread.
 *
 * <p>Reading is strict about what the contract fixes (every required field present, numbers that are
 * whole numbers, every record invariant, no key given twice) and lenient about what it does not:
 * unknown properties and CloudEvents extension attributes are ignored, so that producers may add
 * fields first and consumers catch up later. Apart from those, a document the JSON Schemas
 * ({@code schemas/}) refuse is refused (a value of another JSON type, a null, a date or time that is
 * not RFC 3339, another {@code datacontenttype}): {@code SchemaAgreementTest} and the oracle
 * properties hold the two together. An absent {@code debtSettled} or {@code alreadyExpired} in
 * {@code points.reversed} means 0. Everything wrong surfaces as one {@link EventFormatException} whose message names the
 * field, which a consumer sends to its dead-letter topic.
 *
 * <p>A document in the plain form this codec writes is read straight from its bytes by
 * {@link CanonicalReader} (a rebuild reads millions). Any other is read in one streaming pass, without a
 * tree: the envelope here, the data by {@link RecordReader}, which reads what Jackson's record binding
 * with this codec's mapper would. Both read the same event from the same document.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = newObjectMapper();

    /**
     * The parsers of events: the readers find duplicate keys themselves, more cheaply than the parser
     * (see {@link RecordReader}). Turned off here, in the factory, since a parser keeps the root
     * context's detector it was made with when the feature is turned off on it afterwards.
     */
    private static final JsonFactory READING = MAPPER.getFactory().copy()
            .disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Fields added after version 1 of a type, and the value an older document means by leaving them out. */
    private static final Map<Class<?>, Map<String, Long>> NUMBER_DEFAULTS =
            Map.of(PointsReversed.class, Map.of("debtSettled", 0L, "alreadyExpired", 0L));

    /**
     * The data's reader per type. Its primitive fields must be there (or have a default above): a
     * missing number such as {@code debt} is refused with its name, never guessed as 0.
     */
    private static final Map<Class<?>, RecordReader> DATA_READERS = dataReaders();

    public String write(CloudEvent event) {
        try {
            return MAPPER.writeValueAsString(requireEvent(event));
        } catch (JsonProcessingException e) {
            throw new EventFormatException("cannot write event " + event.id() + ": " + e.getOriginalMessage(), e);
        }
    }

    public byte[] writeBytes(CloudEvent event) {
        try {
            return MAPPER.writeValueAsBytes(requireEvent(event));
        } catch (JsonProcessingException e) {
            throw new EventFormatException("cannot write event " + event.id() + ": " + e.getOriginalMessage(), e);
        }
    }

    public CloudEvent read(String json) {
        if (json == null) {
            throw new EventFormatException("no document (null)");
        }
        CloudEvent plain = CanonicalReader.read(json.getBytes(StandardCharsets.UTF_8));
        return plain != null ? plain : read(() -> READING.createParser(json));
    }

    public CloudEvent read(byte[] json) {
        if (json == null) {
            throw new EventFormatException("no document (null)");
        }
        CloudEvent plain = CanonicalReader.read(json);
        if (plain != null) {
            return plain;
        }
        int malformed = malformedUtf8(json);
        if (malformed >= 0) {
            // JSON text is UTF-8 (RFC 8259). Jackson's parser reads an overlong form (C0 80) as U+0000
            // and an encoded surrogate as a lone surrogate, which no database stores: a consumer
            // would accept the record and fail on it for ever.
            throw new EventFormatException("malformed JSON: not UTF-8 (byte " + malformed + ")");
        }
        return read(() -> READING.createParser(json));
    }

    /**
     * Where the bytes stop being well-formed UTF-8 (overlong forms, encoded surrogates and values
     * beyond U+10FFFF included), or -1 when they are. ASCII alone is looked at once, and no further.
     */
    public static int malformedUtf8(byte[] bytes) {
        int first = 0;
        while (first < bytes.length && bytes[first] >= 0) {
            first++;
        }
        if (first == bytes.length) {
            return -1;
        }
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes, first, bytes.length - first);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length - first);
        java.nio.charset.CoderResult result = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                .decode(in, out, true);
        return result.isError() ? in.position() : -1;
    }

    /** What the general reader (Jackson's streaming parser) makes of a document: for tests of {@link CanonicalReader}. */
    static CloudEvent readGenerally(String json) {
        return read(() -> READING.createParser(json));
    }

    private interface Document {
        JsonParser open() throws IOException;
    }

    /**
     * One pass over the document, no tree, for an event that is read. A document whose data is
     * refused is read twice more, as it will be set aside anyway: once whole, so that malformed JSON
     * (a duplicate key included) anywhere in it is reported first, as such; then once more with the
     * data kept aside and read last, so that the envelope's own problems come before the data's.
     */
    private static CloudEvent read(Document document) {
        try {
            try (JsonParser parser = document.open()) {
                return decode(parser, false);
            } catch (RecordReader.Problem refused) {
                try (JsonParser parser = document.open()) {
                    parser.nextToken();
                    RecordReader.skip(parser);
                }
                try (JsonParser parser = document.open()) {
                    return decode(parser, true);
                }
            }
        } catch (JsonProcessingException e) {
            throw new EventFormatException("malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            // Reading from a string or a byte array does no I/O; this only satisfies the signature.
            throw new EventFormatException("unreadable document: " + e.getMessage(), e);
        }
    }

    private static CloudEvent requireEvent(CloudEvent event) {
        if (event == null) {
            throw new EventFormatException("no event (null)");
        }
        return event;
    }

    /**
     * The envelope's attributes are collected as they come and checked once the document has been
     * read to its end, in a fixed order (type, specversion, id, source, subject, time, data), so that
     * malformed JSON is found first and the problem reported does not depend on the order of the
     * keys. The data is read where it stands when its type came first (as the codec writes it), else
     * (or when {@code dataLast}) kept as tokens and read at the end. Unless {@code dataLast}, a
     * refused data leaves as a {@link RecordReader.Problem}, for {@link #read(Document)} to report.
     */
    private static CloudEvent decode(JsonParser parser, boolean dataLast) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            RecordReader.skip(parser);
            throw new EventFormatException("an event must be a JSON object");
        }
        Envelope envelope = new Envelope();
        int named = 0;
        Set<String> unknown = null;
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            JsonToken token = parser.nextToken();
            int attribute = Envelope.attribute(name);
            if (attribute < 0) {
                if (unknown == null) {
                    unknown = new HashSet<>();
                }
                if (!unknown.add(name)) {
                    throw RecordReader.duplicate(parser, name);
                }
                RecordReader.skip(parser);
                continue;
            }
            if ((named & (1 << attribute)) != 0) {
                throw RecordReader.duplicate(parser, name);
            }
            named |= 1 << attribute;
            if (attribute == Envelope.DATA) {
                envelope.data(parser, token, dataLast);
            } else {
                envelope.values[attribute] = token == JsonToken.VALUE_STRING ? parser.getText()
                        : token == JsonToken.VALUE_NULL ? null : NOT_A_STRING;
                if (token == JsonToken.VALUE_NULL) {
                    envelope.nulls |= 1 << attribute;
                }
                RecordReader.skip(parser);
            }
        }
        return envelope.event(dataLast);
    }

    /** An envelope attribute that was there but not a string. */
    private static final Object NOT_A_STRING = new Object();

    /** What one document said, until it has been read whole. */
    private static final class Envelope {

        private static final String[] ATTRIBUTES = {"specversion", "id", "source", "type", "subject", "time",
                "datacontenttype", "dataschema"};

        static final int DATA = ATTRIBUTES.length;

        final Object[] values = new Object[ATTRIBUTES.length];
        /** Attributes given as null: a required one is missing; an optional one is left out, never null (the schema). */
        int nulls;
        private boolean dataSeen;
        private boolean dataIsObject;
        private EventData data;
        private TokenBuffer buffered;

        static int attribute(String name) {
            return switch (name) {
                case "specversion" -> 0;
                case "id" -> 1;
                case "source" -> 2;
                case "type" -> 3;
                case "subject" -> 4;
                case "time" -> 5;
                case "datacontenttype" -> 6;
                case "dataschema" -> 7;
                case "data" -> DATA;
                default -> -1;
            };
        }

        void data(JsonParser parser, JsonToken token, boolean dataLast) throws IOException {
            dataSeen = token != JsonToken.VALUE_NULL;
            dataIsObject = token == JsonToken.START_OBJECT;
            if (!dataIsObject) {
                RecordReader.skip(parser);
                return;
            }
            EventTypes.Entry entry = values[3] instanceof String type ? EventTypes.find(type).orElse(null) : null;
            if (entry == null || dataLast) {
                // The type comes later (or is wrong, which is reported at the end): keep the tokens.
                buffered = new TokenBuffer(parser);
                buffered.copyCurrentStructure(parser);
                return;
            }
            data = (EventData) DATA_READERS.get(entry.dataClass()).read(parser);
        }

        CloudEvent event(boolean dataLast) throws IOException {
            String id = values[1] instanceof String text ? text : null;
            String where = id == null ? "event" : "event " + id;
            String type = required(3, where);
            EventTypes.Entry entry = EventTypes.find(type)
                    .orElseThrow(() -> new EventFormatException(where + ": unknown event type '" + type + "'"));
            String specversion = required(0, where);
            required(1, where);
            String source = required(2, where);
            String subject = required(4, where);
            Instant time = time(required(5, where), where);
            if (!dataSeen) {
                throw new EventFormatException(where + ": missing field 'data'");
            }
            if (!dataIsObject) {
                throw new EventFormatException(where + ": field 'data' must be a JSON object");
            }
            if (buffered != null) {
                try (JsonParser tokens = buffered.asParser()) {
                    tokens.nextToken();
                    data = (EventData) DATA_READERS.get(entry.dataClass()).read(tokens);
                } catch (RecordReader.Problem refused) {
                    if (!dataLast) {
                        throw refused;
                    }
                    throw new EventFormatException(where + " (" + type + "): " + refused.describe("data"),
                            refused.getCause());
                }
            }
            CloudEvent event;
            try {
                event = new CloudEvent(specversion, id, source, type, subject, time, optional(6, where),
                        optional(7, where), data);
            } catch (IllegalArgumentException e) {
                throw new EventFormatException(where + ": " + e.getMessage(), e);
            }
            if (nulls != 0) {
                throw new EventFormatException(where + ": field '" + ATTRIBUTES[Integer.numberOfTrailingZeros(nulls)]
                        + "' must not be null (an optional attribute is left out)");
            }
            return event;
        }

        private String required(int attribute, String where) {
            String value = optional(attribute, where);
            if (value == null) {
                throw new EventFormatException(where + ": missing field '" + ATTRIBUTES[attribute] + "'");
            }
            return value;
        }

        private String optional(int attribute, String where) {
            Object value = values[attribute];
            if (value == NOT_A_STRING) {
                throw new EventFormatException(where + ": field '" + ATTRIBUTES[attribute] + "' must be a string");
            }
            return (String) value;
        }

        private static Instant time(String text, String where) {
            try {
                return Timestamps.parse(text);
            } catch (DateTimeParseException e) {
                throw new EventFormatException(where + ": field 'time' is not an RFC 3339 timestamp: " + text, e);
            }
        }
    }

    /** The numbers {@code dataClass} added after its first version, and what their absence means. */
    static Map<String, Long> numberDefaults(Class<?> dataClass) {
        return NUMBER_DEFAULTS.getOrDefault(dataClass, Map.of());
    }

    /** The data's reader per type; its required numbers are its primitive components. */
    private static Map<Class<?>, RecordReader> dataReaders() {
        Map<Class<?>, RecordReader> readers = new HashMap<>();
        for (EventTypes.Entry entry : EventTypes.all()) {
            readers.put(entry.dataClass(), RecordReader.forData(entry.dataClass(), numberDefaults(entry.dataClass())));
        }
        return Map.copyOf(readers);
    }

    /**
     * Instants in data and snapshots: the canonical UTC text through {@link Timestamps}, everything
     * else (numbers, other texts) as Jackson's own reader would, with its messages.
     */
    private static final class InstantReader extends StdDeserializer<Instant> {

        InstantReader() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.hasToken(JsonToken.VALUE_STRING)) {
                Instant fast = Timestamps.parseCanonical(parser.getText());
                if (fast != null) {
                    return fast;
                }
            }
            return InstantDeserializer.INSTANT.deserialize(parser, context);
        }
    }

    /** The mapper shared by the codec and {@link AccountSnapshots}; configured once, never changed. */
    static ObjectMapper mapper() {
        return MAPPER;
    }

    private static ObjectMapper newObjectMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new SimpleModule("points-timestamps").addDeserializer(Instant.class, new InstantReader()))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .defaultPropertyInclusion(JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                        JsonInclude.Include.NON_NULL))
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // Points are whole numbers: 1.5 or "100" is a producer's bug, not something to round.
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                // Two values for one key would let two consumers read two different events.
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
    }
}
