package io.pointsplatform.events;

import java.time.Instant;

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
        Checks.optionalText("CloudEvent", "datacontenttype", datacontenttype);
        Checks.optionalText("CloudEvent", "dataschema", dataschema);
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
