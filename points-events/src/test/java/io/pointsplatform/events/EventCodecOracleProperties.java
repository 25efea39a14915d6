package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * The streaming reader of {@link EventCodec} against the tree reader it replaced
 * ({@link TreeEventDecoder}, the oracle): on valid documents, in any key order and with unknown
 * properties, both read the same event; on documents broken in one place (a field removed, set to
 * a value of another kind, given twice, the text cut short), in any key order, both refuse or both
 * accept, and a refusal names the same field. The exception: a document the JSON Schemas refuse
 * (unknown properties aside) that the tree reader's Jackson binding coerces (a number for a text,
 * a null for an absent field, a number for a timestamp), which the streaming reader refuses.
 */
class EventCodecOracleProperties {

    private final EventCodec codec = new EventCodec();
    private final TreeEventDecoder oracle = new TreeEventDecoder();

    /** Values of every JSON kind, including the near misses of the types events use. */
    private static final List<String> REPLACEMENTS = List.of("null", "0", "-1", "1", "1.5", "1.0", "1e3",
            "2147483648", "99999999999999999999", "\"\"", "\" \"", "\"x\"", "\"100\"", "\"ORDER\"", "\"order\"",
            "\"CANCELLED\"", "\"2026-11-22T10:15:30Z\"", "\"2026-11-22T18:15:30+08:00\"", "\"2026-11-22\"",
            "\"yesterday\"", "1700000000", "true", "{}", "[]", "[null]", "[{}]", "{\"a\":1}",
            "[{\"lotId\":\"lot-1\",\"points\":5}]", "[{\"lotId\":\"lot-1\"}]", "{\"kind\":\"ORDER\"}");

    @Provide
    Arbitrary<CloudEvent> events() {
        return Samples.anyEvent();
    }

    @Property(tries = 1000)
    void bothReadAValidEventAlikeInAnyKeyOrder(@ForAll("events") CloudEvent event, @ForAll Random random)
            throws Exception {
        JsonNode tree = EventCodec.mapper().readTree(codec.write(event));
        String reshaped = reshape(tree, random).toString();
        Statistics.label("data before type").collect(reshaped.indexOf("\"data\"") < reshaped.indexOf("\"type\""));
        assertThat(codec.read(reshaped)).as(reshaped).isEqualTo(event);
        assertThat(codec.read(reshaped.getBytes(StandardCharsets.UTF_8))).isEqualTo(event);
        assertThat(oracle.read(reshaped)).isEqualTo(event);
    }

    @Property(tries = 4000)
    void bothRefuseTheSameBrokenDocuments(@ForAll("events") CloudEvent event, @ForAll Random random) throws Exception {
        String json = random.nextBoolean() ? codec.write(event)
                : reshape(EventCodec.mapper().readTree(codec.write(event)), random).toString();
        String broken = switch (random.nextInt(8)) {
            case 0 -> duplicateAKey(json, random);
            case 1 -> json.substring(0, random.nextInt(json.length()));
            case 2, 3 -> mutate(json, random, true);
            default -> mutate(json, random, false);
        };
        Outcome streaming = outcome(codec::read, broken);
        Outcome tree = outcome(oracle::read, broken);
        boolean schemaRefuses = !schemaProblems(broken).isEmpty();
        Statistics.label("outcome").collect(!tree.accepted() ? "refused" : schemaRefuses ? "refused by the schema only"
                : "accepted");
        if (streaming.accepted()) {
            // What the codec reads, the schemas accept (but for properties they do not know).
            assertThat(schemaProblems(broken)).as(broken).isEmpty();
        }
        if (schemaRefuses) {
            // The tree reader was Jackson's binding, which coerces what the schema refuses (a number
            // for a text, a null for an absent field); the codec holds the data to the schema, and
            // may find that before what the tree reader refused it for.
            assertThat(streaming.accepted()).as(broken + "\nstreaming: " + streaming).isFalse();
            return;
        }
        assertThat(streaming.accepted()).as(broken + "\nstreaming: " + streaming + "\ntree: " + tree)
                .isEqualTo(tree.accepted());
        if (tree.accepted()) {
            assertThat(streaming.event()).as(broken).isEqualTo(tree.event());
        } else {
            assertThat(streaming.refusal()).as(broken).isNotNull();
            assertThat(fieldNamed(streaming.refusal().getMessage())).as(broken + "\nstreaming: " + streaming
                    + "\ntree: " + tree).isEqualTo(fieldNamed(tree.refusal().getMessage()));
        }
    }

    /**
     * The plain-form reader ({@link CanonicalReader}) against both general readers: on any document,
     * valid or broken in one place, in the codec's key order or another, compact or indented, it
     * either leaves the document to the general reader (null) or reads exactly the event they read.
     */
    @Property(tries = 4000)
    void thePlainReaderOnlyEverAnswersWhatTheOthersRead(@ForAll("events") CloudEvent event, @ForAll Random random)
            throws Exception {
        String json = codec.write(event);
        String document = switch (random.nextInt(10)) {
            case 0 -> json;
            case 1 -> EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(event);
            case 2 -> reshape(EventCodec.mapper().readTree(json), random).toString();
            case 3 -> duplicateAKey(json, random);
            case 4 -> json.substring(0, random.nextInt(json.length()));
            case 5, 6 -> mutate(json, random, true);
            default -> mutate(json, random, false);
        };
        CloudEvent plain = CanonicalReader.read(document.getBytes(StandardCharsets.UTF_8));
        Statistics.label("plain reader").collect(plain != null ? "answered" : "left it");
        if (plain != null) {
            assertThat(outcome(oracle::read, document).event()).as(document).isEqualTo(plain);
            assertThat(outcome(EventCodec::readGenerally, document).event()).as(document).isEqualTo(plain);
        }
    }

    /**
     * What the codec writes, compact or indented, the plain reader reads itself, unless a text in it
     * needs an escape or is not ASCII, or the type has a field of a kind it leaves to the general
     * reader (a member's birthday): the rebuild's speed depends on it.
     */
    @Property(tries = 1000)
    void thePlainReaderReadsWhatTheCodecWrites(@ForAll("events") CloudEvent event, @ForAll boolean indented)
            throws Exception {
        String json = indented ? EventCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(event)
                : codec.write(event);
        boolean plainText = codec.write(event).chars().allMatch(c -> c < 0x7f && c != '\\');
        CloudEvent plain = CanonicalReader.read(json.getBytes(StandardCharsets.UTF_8));
        Statistics.label("plain").collect(plainText && CanonicalReader.reads(event.type()));
        if (plainText && CanonicalReader.reads(event.type())) {
            assertThat(plain).as(json).isEqualTo(event);
        } else {
            assertThat(plain).as(json).isNull();
        }
    }

    /** The schemas' problems with a document (unknown properties aside); none when it is not JSON at all. */
    private static java.util.Set<String> schemaProblems(String document) {
        JsonNode tree;
        try {
            tree = Schemas.JSON.readTree(document);
        } catch (Exception notJson) {
            return java.util.Set.of();
        }
        return tree != null && tree.isObject() ? SchemaAgreementTest.schemaProblems(tree) : java.util.Set.of();
    }

    /** The event, or the EventFormatException; anything else thrown is a failure of the property. */
    record Outcome(CloudEvent event, EventFormatException refusal) {
        boolean accepted() {
            return event != null;
        }
    }

    private static Outcome outcome(Function<String, CloudEvent> reader, String document) {
        try {
            return new Outcome(reader.apply(document), null);
        } catch (EventFormatException e) {
            return new Outcome(null, e);
        }
    }

    private static final Pattern FIELD = Pattern.compile("field '([^']*)'");
    private static final Pattern CHAIN = Pattern.compile("\\(through reference chain: (.*)\\)");
    private static final Pattern STEP = Pattern.compile("\\[\"([^\"]+)\"\\]|\\[(\\d+)\\]");

    /**
     * What a refusal is about: the field it names, else its whole sentence. The wording may differ:
     * a nested record's absent number is "missing field 'data.x[0].points'" for one reader and
     * "field 'data.x[0].points': Cannot map null" for the other, and a number out of range is
     * "field 'data.stock': ..." for one and Jackson's "(through reference chain: ...["stock"])" for
     * the other: the same field all the same.
     */
    private static String fieldNamed(String message) {
        Matcher field = FIELD.matcher(message);
        if (field.find()) {
            return field.group(1);
        }
        Matcher chain = CHAIN.matcher(message);
        if (chain.find()) {
            StringBuilder path = new StringBuilder("data");
            Matcher step = STEP.matcher(chain.group(1));
            while (step.find()) {
                path.append(step.group(1) != null ? "." + step.group(1) : "[" + step.group(2) + "]");
            }
            return path.toString();
        }
        return message;
    }

    // ---- shapes and mutations ----

    /** The same document with the keys of every object in a random order and an unknown property here and there. */
    private static JsonNode reshape(JsonNode node, Random random) {
        if (node instanceof ObjectNode object) {
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(object.properties());
            Collections.shuffle(entries, random);
            ObjectNode shuffled = object.objectNode();
            for (Map.Entry<String, JsonNode> entry : entries) {
                if (random.nextInt(4) == 0) {
                    shuffled.set("x-unknown-" + random.nextInt(100), unknownValue(object, random));
                }
                shuffled.set(entry.getKey(), reshape(entry.getValue(), random));
            }
            return shuffled;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            array.forEach(element -> copy.add(reshape(element, random)));
            return copy;
        }
        return node;
    }

    private static JsonNode unknownValue(ObjectNode factory, Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> factory.textNode("extension");
            case 1 -> factory.numberNode(1.5);
            case 2 -> factory.objectNode().put("points", "not a number").set("nested", factory.arrayNode().add(1));
            default -> factory.nullNode();
        };
    }

    /** One field somewhere removed, set to another value, or (with {@code add}) an unknown one added. */
    static String mutate(String json, Random random, boolean add) throws Exception {
        ObjectNode root = (ObjectNode) EventCodec.mapper().readTree(json);
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode container = containers.get(random.nextInt(containers.size()));
        JsonNode replacement = EventCodec.mapper().readTree(REPLACEMENTS.get(random.nextInt(REPLACEMENTS.size())));
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            if (add || names.isEmpty()) {
                object.set("x-added", replacement);
            } else {
                String name = names.get(random.nextInt(names.size()));
                if (random.nextBoolean()) {
                    object.remove(name);
                } else {
                    object.set(name, replacement);
                }
            }
        } else {
            ArrayNode array = (ArrayNode) container;
            if (array.isEmpty() || add) {
                array.add(replacement);
            } else {
                array.set(random.nextInt(array.size()), replacement);
            }
        }
        return root.toString();
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            node.forEach(child -> collect(child, containers));
        }
    }

    private static final Pattern KEY = Pattern.compile("\"([A-Za-z]+)\":");

    /** A key of some object given twice (the copy first, with null): readers must refuse, not pick one. */
    static String duplicateAKey(String json, Random random) {
        List<Integer> starts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Matcher key = KEY.matcher(json);
        while (key.find()) {
            starts.add(key.start());
            names.add(key.group(1));
        }
        int pick = random.nextInt(starts.size());
        return json.substring(0, starts.get(pick)) + "\"" + names.get(pick) + "\":null," + json.substring(starts.get(pick));
    }
}
