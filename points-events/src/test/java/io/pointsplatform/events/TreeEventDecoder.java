package io.pointsplatform.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The codec's former reader, kept as a test oracle only: the whole document as a Jackson tree, then
 * {@code treeToValue} for the data. {@link EventCodec} reads in one streaming pass instead; the
 * properties in {@code EventCodecOracleProperties} check that both accept and refuse the same
 * documents, but for those the JSON Schemas refuse and Jackson's binding coerces (the codec refuses
 * them).
 */
final class TreeEventDecoder {

    private static final ObjectMapper MAPPER = EventCodec.mapper();
    private static final Map<Class<?>, Map<String, Long>> NUMBER_DEFAULTS =
            Map.of(PointsReversed.class, Map.of("debtSettled", 0L, "alreadyExpired", 0L));

    CloudEvent read(String json) {
        if (json == null) {
            throw new EventFormatException("no document (null)");
        }
        try {
            return decode(MAPPER.readTree(json));
        } catch (JsonProcessingException e) {
            throw new EventFormatException("malformed JSON: " + e.getOriginalMessage(), e);
        }
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
        for (RecordComponent component : dataClass.getRecordComponents()) {
            String field = component.getName();
            if (component.getType().isPrimitive() && !data.hasNonNull(field)) {
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
}
