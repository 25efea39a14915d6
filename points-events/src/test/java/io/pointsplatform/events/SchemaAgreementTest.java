package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The codec refuses every document the JSON Schemas refuse, but for one thing: a property the schema
 * does not know, which readers ignore so that a producer may add a field before its consumers know
 * it (CONTRACT.md: extend freely). So a consumer that reads with the codec dead-letters a record that
 * fails its schema, and every consumer (and a replay) draws that line in the same place. Each example
 * event is broken in every field it has, one at a time: removed, or set to a value of every JSON
 * kind and to the near misses of the kinds events use.
 */
class SchemaAgreementTest {

    private static final List<String> REPLACEMENTS = List.of("null", "0", "-1", "1", "1.5", "1.0", "1e3",
            "2147483648", "99999999999999999999", "true", "false", "\"\"", "\" \"", "\"\\t\"", "\"\\u00a0\"",
            "\"\\u3000\"", "\"\\u0000\"", "\"x\"", "\"100\"", "\"ORDER\"", "\"order\"", "\"CANCELLED\"", "\"GOLD\"",
            "\"2026-11-22T10:15:30Z\"", "\"2026-11-22T10:15:30.123456789Z\"", "\"2026-11-22T18:15:30+08:00\"",
            "\"2026-11-22t10:15:30z\"", "\"2026-11-22T10:15Z\"", "\"2026-13-01T00:00:00Z\"", "\"2026-11-22\"",
            "\"2026-02-30\"", "\"yesterday\"", "1700000000", "{}", "[]", "[null]", "[{}]", "[1]", "{\"a\":1}",
            "[2026,11,22]", "[{\"lotId\":\"lot-1\",\"points\":5}]", "[{\"lotId\":\"lot-1\"}]",
            "[{\"lotId\":\"lot-1\",\"points\":0}]", "{\"kind\":\"ORDER\"}", "\"application/json\"",
            "\"text/plain\"", "\"urn:points:points.earned:1\"", "\"urn:points:points.earned:2\"",
            "\"urn:points:points.earned:x\"", "\"1.0\"", "\"0.3\"");

    private final EventCodec codec = new EventCodec();

    static List<EventData> examples() {
        return Samples.examples();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void whatTheSchemaRefusesTheCodecRefuses(EventData data) throws Exception {
        ObjectNode valid = written(data);
        List<String> acceptedAgainstTheSchema = new ArrayList<>();
        int refusedByTheSchema = 0;
        for (List<Object> path : paths(valid)) {
            for (String replacement : withRemoval()) {
                ObjectNode broken = valid.deepCopy();
                set(broken, path, replacement == null ? null : Schemas.JSON.readTree(replacement));
                Set<String> problems = schemaProblems(broken);
                if (problems.isEmpty()) {
                    continue;
                }
                refusedByTheSchema++;
                try {
                    codec.read(broken.toString());
                    acceptedAgainstTheSchema.add(path + " = " + replacement + ": " + problems);
                } catch (EventFormatException refused) {
                    // As it should.
                }
            }
        }
        assertThat(refusedByTheSchema).as("documents the schema refuses").isPositive();
        assertThat(acceptedAgainstTheSchema).as(data.type()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void propertiesTheSchemaDoesNotKnowAreIgnored(EventData data) throws Exception {
        ObjectNode extended = written(data);
        extended.put("traceparent", "00-abc-def-01");
        ((ObjectNode) extended.get("data")).put("addedLater", 5);
        assertThat(Schemas.problems(extended)).isNotEmpty();
        assertThat(schemaProblems(extended)).isEmpty();
        assertThat(codec.read(extended.toString()).data()).isEqualTo(data);
    }

    /** The schema's problems, but for a property it does not know (readers ignore those). */
    static Set<String> schemaProblems(JsonNode event) {
        Set<String> problems = new TreeSet<>(Schemas.problems(event));
        problems.removeIf(problem -> problem.contains("is not defined in the schema"));
        return problems;
    }

    private static List<String> withRemoval() {
        List<String> values = new ArrayList<>(REPLACEMENTS);
        values.add(null);
        return values;
    }

    /** The path of every value in the document (envelope, data, and what is nested in them). */
    private static List<List<Object>> paths(JsonNode root) {
        List<List<Object>> paths = new ArrayList<>();
        collect(root, new ArrayList<>(), paths);
        return paths;
    }

    private static void collect(JsonNode node, List<Object> at, List<List<Object>> paths) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> {
                List<Object> next = new ArrayList<>(at);
                next.add(name);
                paths.add(next);
                collect(object.get(name), next, paths);
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                List<Object> next = new ArrayList<>(at);
                next.add(i);
                paths.add(next);
                collect(array.get(i), next, paths);
            }
        }
    }

    /** Sets (or, with null, removes) the value at {@code path}. */
    private static void set(ObjectNode root, List<Object> path, JsonNode value) {
        JsonNode parent = root;
        for (Object step : path.subList(0, path.size() - 1)) {
            parent = step instanceof String name ? parent.get(name) : parent.get((Integer) step);
        }
        Object last = path.get(path.size() - 1);
        if (parent instanceof ObjectNode object) {
            if (value == null) {
                object.remove((String) last);
            } else {
                object.set((String) last, value);
            }
        } else if (value == null) {
            ((ArrayNode) parent).remove((Integer) last);
        } else {
            ((ArrayNode) parent).set((Integer) last, value);
        }
    }

    private ObjectNode written(EventData data) throws Exception {
        return (ObjectNode) Schemas.JSON.readTree(codec.write(Samples.envelope(data)));
    }
}
