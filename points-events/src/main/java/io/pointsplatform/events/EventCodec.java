package io.pointsplatform.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CloudEvents in structured JSON mode, to and from text. Thread-safe and stateless: one instance (or
 * many) may serve every thread.
 *
 * <p>Reading is strict about what the contract fixes (every required field present, numbers that are
 * whole numbers, every record invariant) and lenient about what it does not: unknown properties and
 * CloudEvents extension attributes are ignored, so that producers may add fields first and consumers
 * catch up later. Everything wrong surfaces as one {@link EventFormatException}, which a consumer
 * sends to its dead-letter topic.
 */
public final class EventCodec {

    private static final ObjectMapper MAPPER = newObjectMapper();

    /** Fields added after version 1 of a type, and the value an older document means by leaving them out. */
    private static final Map<Class<?>, Map<String, Long>> NUMBER_DEFAULTS =
            Map.of(PointsReversed.class, Map.of("debtSettled", 0L));

    /**
     * Primitive fields per data class. Jackson would read an absent primitive as 0, which for a field
     * like {@code debt} is a plausible value: a missing field must be refused, not guessed.
     */
    private static final Map<Class<?>, List<String>> REQUIRED_NUMBERS = requiredNumbers();

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
        try {
            return decode(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new EventFormatException("malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    public CloudEvent read(byte[] json) {
        if (json == null) {
            throw new EventFormatException("no document (null)");
        }
        try {
            return decode(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new EventFormatException("malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            // Reading from a byte array does no I/O; this only satisfies the signature.
            throw new EventFormatException("unreadable document: " + e.getMessage(), e);
        }
    }

    private static CloudEvent requireEvent(CloudEvent event) {
        if (event == null) {
            throw new EventFormatException("no event (null)");
        }
        return event;
    }

    private static CloudEvent decode(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new EventFormatException("an event must be a JSON object");
        }
        String id = string(root, "id", null);
        String where = id == null ? "event" : "event " + id;
        String type = required(root, "type", where);
        EventTypes.Entry entry = EventTypes.find(type)
                .orElseThrow(() -> new EventFormatException(where + ": unknown event type '" + type + "'"));
        String specversion = required(root, "specversion", where);
        required(root, "id", where);
        String source = required(root, "source", where);
        String subject = required(root, "subject", where);
        Instant time = time(root, where);
        JsonNode data = root.get("data");
        if (data == null || data.isNull()) {
            throw new EventFormatException(where + ": missing field 'data'");
        }
        if (!data.isObject()) {
            throw new EventFormatException(where + ": field 'data' must be a JSON object");
        }
        EventData value = data((ObjectNode) data, entry.dataClass(), where + " (" + type + ")");
        try {
            return new CloudEvent(specversion, id, source, type, subject, time, string(root, "datacontenttype", where),
                    string(root, "dataschema", where), value);
        } catch (IllegalArgumentException e) {
            throw new EventFormatException(where + ": " + e.getMessage(), e);
        }
    }

    private static EventData data(ObjectNode data, Class<? extends EventData> dataClass, String where) {
        Map<String, Long> defaults = NUMBER_DEFAULTS.getOrDefault(dataClass, Map.of());
        for (String field : REQUIRED_NUMBERS.get(dataClass)) {
            if (!data.hasNonNull(field)) {
                Long absentMeans = defaults.get(field);
                if (absentMeans == null) {
                    throw new EventFormatException(where + ": missing field 'data." + field + "'");
                }
                data.put(field, absentMeans);
            }
        }
        try {
            return MAPPER.treeToValue(data, dataClass);
        } catch (ValueInstantiationException e) {
            // The record's compact constructor refused the values: its message says why.
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new EventFormatException(where + ": " + cause.getMessage(), e);
        } catch (MismatchedInputException e) {
            throw new EventFormatException(where + ": field 'data" + path(e) + "': " + e.getOriginalMessage(), e);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new EventFormatException(where + ": invalid data: " + e.getMessage(), e);
        }
    }

    private static String path(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var reference : e.getPath()) {
            if (reference.getFieldName() != null) {
                path.append('.').append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String required(JsonNode root, String field, String where) {
        String value = string(root, field, where);
        if (value == null) {
            throw new EventFormatException(where + ": missing field '" + field + "'");
        }
        return value;
    }

    private static String string(JsonNode root, String field, String where) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            // Only reachable with a where: the id is read leniently first to name the event in errors.
            if (where == null) {
                return null;
            }
            throw new EventFormatException(where + ": field '" + field + "' must be a string");
        }
        return node.textValue();
    }

    private static Instant time(JsonNode root, String where) {
        String text = required(root, "time", where);
        try {
            return Timestamps.parse(text);
        } catch (DateTimeParseException e) {
            throw new EventFormatException(where + ": field 'time' is not an RFC 3339 timestamp: " + text, e);
        }
    }

    private static Map<Class<?>, List<String>> requiredNumbers() {
        Map<Class<?>, List<String>> byClass = new HashMap<>();
        for (EventTypes.Entry entry : EventTypes.all()) {
            List<String> fields = new ArrayList<>();
            for (RecordComponent component : entry.dataClass().getRecordComponents()) {
                if (component.getType().isPrimitive()) {
                    fields.add(component.getName());
                }
            }
            byClass.put(entry.dataClass(), List.copyOf(fields));
        }
        return Map.copyOf(byClass);
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
