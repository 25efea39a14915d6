package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

    private final EventCodec codec = new EventCodec();

    static List<EventData> examples() {
        return Samples.examples();
    }

    @ParameterizedTest
    @MethodSource("examples")
    void roundTripsEveryType(EventData data) {
        CloudEvent event = Samples.envelope(data);
        assertThat(codec.read(codec.write(event))).isEqualTo(event);
        assertThat(codec.read(codec.writeBytes(event))).isEqualTo(event);
    }

    @Test
    void examplesCoverEveryType() {
        assertThat(examples().stream().map(EventData::type).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(EventTypes.types());
    }

    @Test
    void writesTheContractsEnvelope() throws Exception {
        CloudEvent event = Samples.envelope(new PointsSpent("m-1", null, 30, List.of(new Allocation("lot-1", 30)), null));
        JsonNode json = Schemas.JSON.readTree(codec.write(event));
        assertThat(json.get("specversion").asText()).isEqualTo("1.0");
        assertThat(json.get("type").asText()).isEqualTo("points.spent");
        assertThat(json.get("subject").asText()).isEqualTo("m-1");
        assertThat(json.get("time").asText()).isEqualTo("2026-11-22T10:15:30.123Z");
        assertThat(json.get("datacontenttype").asText()).isEqualTo("application/json");
        assertThat(json.get("dataschema").asText()).isEqualTo("urn:points:points.spent:1");
        assertThat(json.get("data").has("holdId")).as("nulls are not written").isFalse();
        assertThat(json.get("data").has("reference")).isFalse();
        assertThat(json.get("data").get("allocations").get(0).get("lotId").asText()).isEqualTo("lot-1");
        assertThat(json.get("data").has("type")).as("the type is the envelope's, not repeated in data").isFalse();
        assertThat(json.get("data").has("key")).isFalse();
        assertThat(new String(codec.writeBytes(event), StandardCharsets.UTF_8)).isEqualTo(codec.write(event));
    }

    @Test
    void readsTheContractsExample() {
        String json = """
                {"specversion":"1.0","id":"9b1d","source":"/earning-service","type":"points.earned",
                 "subject":"m-1001","time":"2026-11-22T10:15:30.123Z","datacontenttype":"application/json",
                 "dataschema":"urn:points:points.earned:1","data":{"memberId":"m-1001","lotId":"lot-o-1","points":120,
                 "origin":{"kind":"ORDER","ref":"o-1"},"breakdown":[{"rule":"base","points":120}],
                 "availableAt":"2026-11-29T10:15:30Z","expiresAt":"2027-11-22T10:15:30Z"}}""";
        CloudEvent event = codec.read(json);
        assertThat(event.data()).isInstanceOf(PointsEarned.class);
        PointsEarned earned = (PointsEarned) event.data();
        assertThat(earned.points()).isEqualTo(120);
        assertThat(earned.origin()).isEqualTo(new Origin(OriginKind.ORDER, "o-1"));
        assertThat(event.time()).isEqualTo(Samples.T0);
    }

    @Test
    void ignoresUnknownPropertiesAndExtensionAttributes() throws Exception {
        ObjectNode json = tree(new RewardRetired("rw-1"));
        json.put("traceparent", "00-abc-def-01");
        ((ObjectNode) json.get("data")).put("retiredBy", "admin-a");
        assertThat(codec.read(json.toString()).data()).isEqualTo(new RewardRetired("rw-1"));
    }

    @Test
    void readsAnAbsentDebtSettledOrAlreadyExpiredAsZero() throws Exception {
        ObjectNode json = tree(new PointsReversed("m-1", "o-1", "rf-1", 40, List.of(new Allocation("lot-1", 40)), 10));
        ((ObjectNode) json.get("data")).remove("debtSettled");
        ((ObjectNode) json.get("data")).remove("alreadyExpired");
        PointsReversed read = (PointsReversed) codec.read(json.toString()).data();
        assertThat(read.debtSettled()).isZero();
        assertThat(read.alreadyExpired()).isZero();
        PointsReversed expired = new PointsReversed("m-1", "o-1", "rf-1", 0, List.of(), 0, 0, 350);
        assertThat(codec.read(codec.write(Samples.envelope(expired))).data()).isEqualTo(expired);
    }

    /**
     * Bytes that are not UTF-8 are not JSON: refused whatever Jackson's parser would make of them (it
     * reads an overlong C0 80 as U+0000 and an encoded surrogate as a lone one, which no database
     * stores); well-formed non-ASCII text is read as before.
     */
    @Test
    void refusesBytesThatAreNotUtf8() {
        byte[] good = codec.writeBytes(Samples.envelope(new MemberEnrolled("m-1", "李雷", null, null)));
        assertThat(((MemberEnrolled) codec.read(good).data()).name()).isEqualTo("李雷");
        String text = new String(good, StandardCharsets.UTF_8);
        int name = text.indexOf("李雷");
        byte[] prefix = text.substring(0, name).getBytes(StandardCharsets.UTF_8);
        byte[] suffix = text.substring(name + 2).getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : List.of(new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xE6, (byte) 0x9D})) {
            byte[] document = new byte[prefix.length + bad.length + suffix.length];
            System.arraycopy(prefix, 0, document, 0, prefix.length);
            System.arraycopy(bad, 0, document, prefix.length, bad.length);
            System.arraycopy(suffix, 0, document, prefix.length + bad.length, suffix.length);
            assertThatThrownBy(() -> codec.read(document)).as(java.util.HexFormat.of().formatHex(bad))
                    .isInstanceOf(EventFormatException.class).hasMessageStartingWith("malformed JSON: not UTF-8");
        }
    }

    /**
     * A reversal that moves no hold is written as before 2026-12-08, without {@code holdsMoved}, and
     * an absent one is read as none, by both readers; one that moves holds keeps them.
     */
    @Test
    void holdsMovedAreLeftOutWhenNoneAndReadBackWhenSome() throws Exception {
        PointsReversed none = new PointsReversed("m-1", "o-1", "rf-1", 40, List.of(new Allocation("lot-1", 40)), 10);
        String written = codec.write(Samples.envelope(none));
        assertThat(written).doesNotContain("holdsMoved");
        assertThat(((PointsReversed) codec.read(written).data()).holdsMoved()).isEmpty();
        assertThat(((PointsReversed) EventCodec.readGenerally(written).data()).holdsMoved()).isEmpty();
        PointsReversed moving = new PointsReversed("m-1", "o-1", "rf-1", 40, List.of(new Allocation("lot-1", 40)), 0,
                0, 0, List.of(new HoldMove("h-1", "lot-9", "lot-1", 40)));
        String movingText = codec.write(Samples.envelope(moving));
        assertThat(movingText).contains("\"holdsMoved\":[{\"holdId\":\"h-1\",\"fromLotId\":\"lot-9\","
                + "\"toLotId\":\"lot-1\",\"points\":40}]");
        assertThat(codec.read(movingText).data()).isEqualTo(moving);
        assertThat(EventCodec.readGenerally(movingText).data()).isEqualTo(moving);
        // A move into a lot the reversal does not take from is refused, as every record invariant is.
        String astray = movingText.replace("\"toLotId\":\"lot-1\"", "\"toLotId\":\"lot-2\"");
        assertThatThrownBy(() -> codec.read(astray)).isInstanceOf(EventFormatException.class)
                .hasMessageContaining("holdsMoved");
    }

    @Test
    void refusesAnUnknownType() throws Exception {
        ObjectNode json = tree(new RewardRetired("rw-1"));
        json.put("type", "reward.exploded");
        assertThatThrownBy(() -> codec.read(json.toString())).isInstanceOf(EventFormatException.class)
                .hasMessageContaining("unknown event type 'reward.exploded'");
    }

    @Test
    void refusesMalformedJson() {
        assertThatThrownBy(() -> codec.read("{\"specversion\":\"1.0\",")).isInstanceOf(EventFormatException.class)
                .hasMessageStartingWith("malformed JSON");
        assertThatThrownBy(() -> codec.read("[]")).isInstanceOf(EventFormatException.class)
                .hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> codec.read("")).isInstanceOf(EventFormatException.class);
        assertThatThrownBy(() -> codec.read((String) null)).isInstanceOf(EventFormatException.class);
        assertThatThrownBy(() -> codec.read("{\"type\":\"a\",\"type\":\"b\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("malformed JSON");
    }

    @Test
    void refusesMissingEnvelopeFields() throws Exception {
        for (String field : List.of("specversion", "id", "source", "type", "subject", "time", "data")) {
            ObjectNode json = tree(new StockChanged("rw-1", 3));
            json.remove(field);
            assertThatThrownBy(() -> codec.read(json.toString())).as(field).isInstanceOf(EventFormatException.class)
                    .hasMessageContaining("missing field '" + field + "'");
        }
    }

    @Test
    void refusesMissingDataFields() throws Exception {
        ObjectNode json = tree(Samples.examples().get(0));
        ((ObjectNode) json.get("data")).remove("points");
        assertThatThrownBy(() -> codec.read(json.toString())).isInstanceOf(EventFormatException.class)
                .hasMessageContaining("missing field 'data.points'").hasMessageContaining("ev-points.earned-m-1");

        ObjectNode noMember = tree(Samples.examples().get(0));
        ((ObjectNode) noMember.get("data")).remove("memberId");
        assertThatThrownBy(() -> codec.read(noMember.toString())).isInstanceOf(EventFormatException.class)
                .hasMessageContaining("memberId must not be blank");

        ObjectNode noDebt = tree(new PointsReversed("m-1", "o-1", "rf-1", 40, List.of(new Allocation("lot-1", 40)), 10));
        ((ObjectNode) noDebt.get("data")).remove("debt");
        assertThatThrownBy(() -> codec.read(noDebt.toString())).hasMessageContaining("missing field 'data.debt'");

        ObjectNode noLotPoints = tree(Samples.examples().get(2));
        ((ObjectNode) noLotPoints.get("data").get("allocations").get(0)).remove("points");
        assertThatThrownBy(() -> codec.read(noLotPoints.toString())).isInstanceOf(EventFormatException.class)
                .hasMessageContaining("points");
    }

    @Test
    void refusesAFailedInvariant() throws Exception {
        ObjectNode json = tree(Samples.examples().get(0));
        ((ObjectNode) json.get("data")).put("points", -5);
        assertThatThrownBy(() -> codec.read(json.toString())).isInstanceOf(EventFormatException.class)
                .hasMessageContaining("points.earned: points must be > 0 (was -5)");

        ObjectNode unbalanced = tree(Samples.examples().get(2));
        ((ObjectNode) unbalanced.get("data")).put("points", 51);
        assertThatThrownBy(() -> codec.read(unbalanced.toString())).isInstanceOf(EventFormatException.class)
                .hasMessageContaining("allocations sum to 50 but points is 51");
    }

    @Test
    void refusesNumbersThatAreNotWholeNumbers() throws Exception {
        for (JsonNode wrong : List.of(Schemas.JSON.readTree("1.5"), Schemas.JSON.readTree("\"100\""),
                Schemas.JSON.readTree("99999999999999999999"))) {
            ObjectNode json = tree(new StockChanged("rw-1", 3));
            ((ObjectNode) json.get("data")).set("stock", wrong);
            assertThatThrownBy(() -> codec.read(json.toString())).as(wrong.toString())
                    .isInstanceOf(EventFormatException.class).hasMessageContaining("stock");
        }
    }

    @Test
    void refusesAWrongEnvelope() throws Exception {
        ObjectNode subject = tree(new StockChanged("rw-1", 3));
        subject.put("subject", "rw-2");
        assertThatThrownBy(() -> codec.read(subject.toString())).isInstanceOf(EventFormatException.class)
                .hasMessageContaining("subject rw-2 must be the data's key rw-1");
        ObjectNode version = tree(new StockChanged("rw-1", 3));
        version.put("specversion", "0.3");
        assertThatThrownBy(() -> codec.read(version.toString())).hasMessageContaining("specversion must be 1.0");
        ObjectNode time = tree(new StockChanged("rw-1", 3));
        time.put("time", "yesterday");
        assertThatThrownBy(() -> codec.read(time.toString())).hasMessageContaining("'time'");
        ObjectNode data = tree(new StockChanged("rw-1", 3));
        data.put("data", "rw-1");
        assertThatThrownBy(() -> codec.read(data.toString())).hasMessageContaining("'data' must be a JSON object");
    }

    @Test
    void readsTimeWithAnOffset() throws Exception {
        ObjectNode json = tree(new StockChanged("rw-1", 3));
        json.put("time", "2026-11-22T18:15:30.123+08:00");
        assertThat(codec.read(json.toString()).time()).isEqualTo(Samples.T0);
    }

    @Test
    void everyLedgerEventIsReadInThePlainFormWithoutTheGeneralParser() {
        for (EventTypes.Entry entry : EventTypes.all()) {
            if (entry.topic().equals(Topics.POINTS_LEDGER)) {
                assertThat(CanonicalReader.reads(entry.type())).as(entry.type()).isTrue();
            }
        }
        for (EventData data : Samples.examples()) {
            CloudEvent event = Samples.envelope(data);
            if (data instanceof PointsEvent) {
                assertThat(CanonicalReader.read(codec.writeBytes(event))).as(data.type()).isEqualTo(event);
            }
        }
    }

    @Test
    void thePlainReaderGivesAnAbsentDebtSettledItsMeaning() throws Exception {
        ObjectNode json = tree(new PointsReversed("m-1", "o-1", "rf-1", 40, List.of(new Allocation("lot-1", 40)), 10));
        ((ObjectNode) json.get("data")).remove("debtSettled");
        ((ObjectNode) json.get("data")).remove("alreadyExpired");
        CloudEvent plain = CanonicalReader.read(json.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(plain).isNotNull();
        assertThat(((PointsReversed) plain.data()).debtSettled()).isZero();
        assertThat(((PointsReversed) plain.data()).alreadyExpired()).isZero();
    }

    @Test
    void registryNamesEachRecordsOwnType() throws Exception {
        for (EventTypes.Entry entry : EventTypes.all()) {
            var constant = entry.dataClass().getField("TYPE");
            assertThat(Modifier.isStatic(constant.getModifiers())).isTrue();
            assertThat(constant.get(null)).isEqualTo(entry.type());
            assertThat(entry.schemaPath()).isEqualTo("schemas/" + entry.type() + ".json");
            assertThat(getClass().getClassLoader().getResource(entry.schemaPath())).as(entry.schemaPath()).isNotNull();
            assertThat(entry.dataClass().isRecord()).isTrue();
        }
        assertThat(EventTypes.topic(PointsEarned.TYPE)).isEqualTo(Topics.POINTS_LEDGER);
        assertThat(EventTypes.topic(TierChanged.TYPE)).isEqualTo(Topics.POINTS_LEDGER);
        assertThat(EventTypes.topic(MemberUpdated.TYPE)).isEqualTo(Topics.MEMBERS);
        assertThat(EventTypes.topic(StockChanged.TYPE)).isEqualTo(Topics.CATALOG_REWARDS);
        assertThat(EventTypes.topic(RedemptionFailed.TYPE)).isEqualTo(Topics.REDEMPTIONS);
        assertThat(EventTypes.dataClass(PointsReversed.TYPE)).isEqualTo(PointsReversed.class);
        assertThat(EventTypes.find("nope")).isEmpty();
        assertThatThrownBy(() -> EventTypes.schemaPath("nope")).isInstanceOf(IllegalArgumentException.class);
        assertThat(EventTypes.types()).hasSize(20);
    }

    @Test
    void namesDeadLetterTopics() {
        assertThat(Topics.dlq(Topics.POINTS_LEDGER, "catalog-service")).isEqualTo("points.ledger.dlq.catalog-service");
        assertThatThrownBy(() -> Topics.dlq(" ", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void buildsEnvelopesFromData() {
        PointsEvent data = new TierChanged("m-1", "MEMBER", "GOLD", 12_000);
        CloudEvent event = CloudEvent.of("e-1", "/ledger-service", Samples.T0, data);
        assertThat(event).isEqualTo(new CloudEvent("1.0", "e-1", "/ledger-service", "tier.changed", "m-1", Samples.T0,
                "application/json", "urn:points:tier.changed:1", data));
        assertThatThrownBy(() -> new CloudEvent("1.0", "e-1", "/x", "points.earned", "m-1", Samples.T0, null, null, data))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match");
        assertThatThrownBy(() -> CloudEvent.of("e-1", "/x", "m-2", Samples.T0, data))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("subject");
        assertThatThrownBy(() -> CloudEvent.of(" ", "/x", "m-1", Samples.T0, data))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
        assertThatThrownBy(() -> CloudEvent.of("e-1", "/x", "m-1", null, data))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("time");
        assertThatThrownBy(() -> CloudEvent.of("e-1", "/x", "m-1", Samples.T0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("data");
    }

    private ObjectNode tree(EventData data) throws Exception {
        return (ObjectNode) Schemas.JSON.readTree(codec.write(Samples.envelope(data)));
    }
}
