package io.pointsplatform.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/** The project's JSON Schemas, loaded from the class path as consumers would, with formats asserted. */
final class Schemas {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true).build();
    private static final Map<String, JsonSchema> BY_PATH = new ConcurrentHashMap<>();
    static final ObjectMapper JSON = new ObjectMapper();

    private Schemas() {
    }

    static JsonSchema load(String path) {
        return BY_PATH.computeIfAbsent(path, p -> FACTORY.getSchema(SchemaLocation.of("classpath:" + p), CONFIG));
    }

    /** Problems of the envelope and of its data, each against its own schema; empty when valid. */
    static Set<String> problems(JsonNode event) {
        Set<String> problems = errors(load(EventTypes.ENVELOPE_SCHEMA_PATH), event);
        String type = event.path("type").asText();
        if (EventTypes.find(type).isPresent() && event.has("data")) {
            problems.addAll(dataProblems(type, event.get("data")));
        }
        return problems;
    }

    static Set<String> dataProblems(String type, JsonNode data) {
        return errors(load(EventTypes.schemaPath(type)), data);
    }

    private static Set<String> errors(JsonSchema schema, JsonNode node) {
        Set<ValidationMessage> messages = schema.validate(node);
        return messages.stream().map(ValidationMessage::getMessage).collect(Collectors.toCollection(java.util.TreeSet::new));
    }
}
