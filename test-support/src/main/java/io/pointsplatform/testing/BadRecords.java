package io.pointsplatform.testing;

import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.EventCodec;
import io.pointsplatform.events.MemberEnrolled;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Records a consumer of a contract topic must set aside, each with a piece of the reason it is to
 * give (the {@code dead-letter-reason} header): not JSON, not a CloudEvent, of an unknown type,
 * failing its JSON Schema (a few ways), of a type that belongs on another topic.
 */
public final class BadRecords {

    private static final EventCodec CODEC = new EventCodec();

    private BadRecords() {
    }

    /** Bad records of {@code points.ledger} keyed by {@code memberId}: value → piece of the reason. */
    public static Map<String, String> forPointsLedger(String memberId) {
        Map<String, String> bad = common(CODEC.write(TestEvents.earned(memberId, 1)));
        // Fails points.earned's JSON Schema: points as text, a timestamp as seconds since 1970, a null.
        bad.put(CODEC.write(TestEvents.earned(memberId, 500)).replace("\"points\":500", "\"points\":\"500\""),
                "field 'data.points': must be a whole number");
        bad.put(CODEC.write(TestEvents.earned(memberId, 7))
                        .replaceFirst("\"availableAt\":\"[^\"]+\"", "\"availableAt\":1700000000"),
                "field 'data.availableAt': must be a text");
        bad.put(CODEC.write(TestEvents.earned(memberId, 8)).replace("\"origin\":{", "\"origin\":{\"ref\":null,")
                        .replaceFirst(",\"ref\":\"[^\"]+\"", ""),
                "field 'data.origin.ref': must not be null");
        bad.put(CODEC.write(CloudEvent.of("member.enrolled:" + memberId, "/earning-service", Instant.now(),
                new MemberEnrolled(memberId, "李雷", null, null))), "does not belong on points.ledger");
        return bad;
    }

    /** Bad records of {@code members} keyed by {@code memberId}: value → piece of the reason. */
    public static Map<String, String> forMembers(String memberId) {
        String enrolled = CODEC.write(CloudEvent.of("member.enrolled:" + memberId, "/earning-service", Instant.now(),
                new MemberEnrolled(memberId, "Li Lei", LocalDate.of(1990, 5, 17), null)));
        Map<String, String> bad = common(enrolled);
        bad.put(enrolled.replace("\"name\":\"Li Lei\"", "\"name\":5"), "field 'data.name': must be a string");
        bad.put(enrolled.replace("\"birthday\":\"1990-05-17\"", "\"birthday\":\"1990-05-17T00:00:00Z\""),
                "field 'data.birthday': must be an RFC 3339 full-date");
        bad.put(enrolled.replace("\"name\":\"Li Lei\"", "\"name\":null"), "field 'data.name': must not be null");
        bad.put(CODEC.write(TestEvents.earned(memberId, 5)), "does not belong on members");
        return bad;
    }

    /** Not JSON, not a CloudEvent, an unknown type (made from {@code event}, a valid one). */
    private static Map<String, String> common(String event) {
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("not JSON at all " + event.hashCode(), "malformed JSON");
        bad.put("{\"hello\":\"world\",\"n\":" + event.hashCode() + "}", "missing field 'type'");
        bad.put(event.replaceFirst("\"type\":\"[a-z.]+\"", "\"type\":\"points.gifted\""), "unknown event type 'points.gifted'");
        return bad;
    }
}
