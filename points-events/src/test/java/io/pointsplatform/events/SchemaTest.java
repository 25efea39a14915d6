package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SchemaTest {

    private final EventCodec codec = new EventCodec();

    static List<EventData> examples() {
        return Samples.examples();
    }

    static List<EventData> pointsExamples() {
        return Samples.examples().stream().filter(PointsEvent.class::isInstance).toList();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void acceptsWhatTheCodecWrites(EventData data) throws Exception {
        assertThat(Schemas.problems(written(data))).isEmpty();
    }

    @Test
    void everySchemaIsIdentifiedByItsDataschema() {
        for (EventTypes.Entry entry : EventTypes.all()) {
            JsonNode schema = Schemas.load(entry.schemaPath()).getSchemaNode();
            assertThat(schema.get("$id").asText()).isEqualTo(CloudEvent.dataschema(entry.type()));
            assertThat(schema.get("$schema").asText()).isEqualTo("https://json-schema.org/draft/2020-12/schema");
        }
    }

    @Test
    void envelopeSchemaListsEveryType() {
        JsonNode types = Schemas.load(EventTypes.ENVELOPE_SCHEMA_PATH).getSchemaNode().at("/properties/type/enum");
        List<String> listed = new java.util.ArrayList<>();
        types.forEach(t -> listed.add(t.asText()));
        assertThat(listed).containsExactlyElementsOf(EventTypes.types());
    }

    @ParameterizedTest
    @MethodSource("pointsExamples")
    void refusesNegativePoints(EventData data) throws Exception {
        ObjectNode json = written(data);
        ObjectNode body = (ObjectNode) json.get("data");
        String field = data instanceof TierChanged ? "qualifyingPoints" : "points";
        body.put(field, data instanceof PointsAdjusted ? 0 : -1);
        assertThat(Schemas.problems(json)).as(data.type()).isNotEmpty();
        if (body.has("allocations") && !body.get("allocations").isEmpty()) {
            ObjectNode negativeLot = written(data);
            ((ObjectNode) negativeLot.get("data").get("allocations").get(0)).put("points", -1);
            assertThat(Schemas.problems(negativeLot)).as(data.type() + " allocation").isNotEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("pointsExamples")
    void refusesAMissingMemberId(EventData data) throws Exception {
        ObjectNode json = written(data);
        ((ObjectNode) json.get("data")).remove("memberId");
        assertThat(Schemas.problems(json)).as(data.type()).anyMatch(p -> p.contains("memberId"));
        ObjectNode blank = written(data);
        ((ObjectNode) blank.get("data")).put("memberId", " ");
        assertThat(Schemas.problems(blank)).as(data.type()).isNotEmpty();
    }

    @Test
    void refusesObviouslyWrongDocuments() throws Exception {
        EventData earned = Samples.examples().get(0);
        ObjectNode fraction = written(earned);
        ((ObjectNode) fraction.get("data")).put("points", 1.5);
        ObjectNode textual = written(earned);
        ((ObjectNode) textual.get("data")).put("points", "120");
        ObjectNode unknownKind = written(earned);
        ((ObjectNode) unknownKind.get("data").get("origin")).put("kind", "LOTTERY_WIN");
        ObjectNode badTime = written(earned);
        ((ObjectNode) badTime.get("data")).put("expiresAt", "next year");
        ObjectNode extra = written(earned);
        ((ObjectNode) extra.get("data")).put("bonus", 5);
        ObjectNode noSubject = written(earned);
        noSubject.remove("subject");
        ObjectNode oldSpec = written(earned);
        oldSpec.put("specversion", "0.3");
        ObjectNode unknownType = written(earned);
        unknownType.put("type", "points.gifted");
        ObjectNode emptyAllocations = written(Samples.examples().get(2));
        ((ObjectNode) emptyAllocations.get("data")).set("allocations", Schemas.JSON.createArrayNode());
        ObjectNode creditWithAllocations = written(Samples.examples().get(10));
        ArrayNode allocations = ((ObjectNode) creditWithAllocations.get("data")).putArray("allocations");
        allocations.addObject().put("lotId", "lot-1").put("points", 5);
        ObjectNode debitWithLot = written(Samples.examples().get(11));
        ((ObjectNode) debitWithLot.get("data")).put("lotId", "lot-x");
        ObjectNode reversalOfNothing = written(Samples.examples().get(8));
        ((ObjectNode) reversalOfNothing.get("data")).put("debt", 0);
        ObjectNode refundWithoutId = written(Samples.examples().get(7));
        ((ObjectNode) refundWithoutId.get("data")).remove("refundId");

        for (ObjectNode wrong : List.of(fraction, textual, unknownKind, badTime, extra, noSubject, oldSpec, unknownType,
                emptyAllocations, creditWithAllocations, debitWithLot, reversalOfNothing, refundWithoutId)) {
            assertThat(Schemas.problems(wrong)).as(wrong.toString()).isNotEmpty();
        }
    }

    @Test
    void readerIsLenientWhereTheSchemaIsStrict() throws Exception {
        // The schema describes what version 1 producers write; readers ignore what they do not know,
        // so that a producer can add a field before every consumer has upgraded.
        EventData earned = Samples.examples().get(0);
        ObjectNode extra = written(earned);
        ((ObjectNode) extra.get("data")).put("bonus", 5);
        assertThat(Schemas.problems(extra)).isNotEmpty();
        assertThat(codec.read(extra.toString()).data()).isEqualTo(earned);
    }

    private ObjectNode written(EventData data) throws Exception {
        return (ObjectNode) Schemas.JSON.readTree(codec.write(Samples.envelope(data)));
    }
}
