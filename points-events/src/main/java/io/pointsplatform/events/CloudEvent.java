package io.pointsplatform.events;

import java.time.Instant;
import java.util.regex.Pattern;

/**
 * The CloudEvents 1.0 envelope, structured JSON mode. {@code subject} must be the data's key (the
 * member id, or the reward id on catalog.rewards), so consumers may trust either.
 */
public record CloudEvent(String specversion, String id, String source, String type, String subject, Instant time,
        String datacontenttype, String dataschema, EventData data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String DATA_CONTENT_TYPE = "application/json";
    /** The Kafka record's {@code content-type} header in structured mode. */
    public static final String CONTENT_TYPE = "application/cloudevents+json";
    /** What the envelope's schema allows for {@code dataschema}. */
    private static final Pattern DATASCHEMA = Pattern.compile("urn:points:[a-z.]+:[0-9]+");

    public CloudEvent {
        if (!SPEC_VERSION.equals(specversion)) {
            throw new IllegalArgumentException("CloudEvent: specversion must be " + SPEC_VERSION + " (was "
                    + specversion + ")");
        }
        Checks.text("CloudEvent", "id", id);
        Checks.text("CloudEvent", "source", source);
        Checks.text("CloudEvent", "type", type);
        Checks.text("CloudEvent", "subject", subject);
        Checks.present("CloudEvent", "time", time);
        // As the envelope's schema (schemas/cloudevent.json) says: JSON data, a schema named by urn.
        if (datacontenttype != null && !DATA_CONTENT_TYPE.equals(datacontenttype)) {
            throw new IllegalArgumentException("CloudEvent: datacontenttype must be " + DATA_CONTENT_TYPE
                    + " or absent (was " + datacontenttype + ")");
        }
        if (dataschema != null && !DATASCHEMA.matcher(dataschema).matches()) {
            throw new IllegalArgumentException("CloudEvent: dataschema must be urn:points:<type>:<version> or absent"
                    + " (was " + dataschema + ")");
        }
        Checks.present("CloudEvent", "data", data);
        if (!type.equals(data.type())) {
            throw new IllegalArgumentException("CloudEvent: type " + type + " does not match data of type " + data.type());
        }
        if (!subject.equals(data.key())) {
            throw new IllegalArgumentException(
                    "CloudEvent: subject " + subject + " must be the data's key " + data.key() + " (" + type + ")");
        }
    }

    /** An event with the envelope's fixed parts filled from the data. */
    public static CloudEvent of(String id, String source, String subject, Instant time, EventData data) {
        Checks.present("CloudEvent", "data", data);
        return new CloudEvent(SPEC_VERSION, id, source, data.type(), subject, time, DATA_CONTENT_TYPE,
                dataschema(data.type()), data);
    }

    /** As {@link #of(String, String, String, Instant, EventData)}, with the data's key as subject. */
    public static CloudEvent of(String id, String source, Instant time, EventData data) {
        Checks.present("CloudEvent", "data", data);
        return of(id, source, data.key(), time, data);
    }

    /** {@code urn:points:<type>:1}, also the {@code $id} of the type's JSON Schema. */
    public static String dataschema(String type) {
        return "urn:points:" + type + ":1";
    }
}
