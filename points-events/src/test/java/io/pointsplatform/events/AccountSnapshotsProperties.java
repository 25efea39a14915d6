package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The snapshot text written by hand against the codec's mapper, and the timestamps in it against {@link Instant#toString}. */
class AccountSnapshotsProperties {

    /** One lot as generated: its figures, and how much of what left it is still held. */
    private record Drawn(String lotId, long points, long remaining, long held, Instant availableAt, Instant expiresAt,
                         OriginKind origin) {
    }

    @Provide
    Arbitrary<AccountState> states() {
        Arbitrary<String> texts = Arbitraries.oneOf(Samples.ids(), Samples.text(),
                Arbitraries.strings().withCharRange('\u0000', '\u007f').ofMinLength(1).ofMaxLength(8)
                        .filter(s -> !s.isBlank()));
        Arbitrary<Drawn> lots = Combinators.combine(texts, Arbitraries.longs().between(1, 1_000_000_000_000L),
                        Arbitraries.doubles().between(0, 1), Arbitraries.doubles().between(0, 1), wideInstants(),
                        Arbitraries.longs().between(1, 400L * 86_400), Arbitraries.of(OriginKind.class).injectNull(0.2),
                        Arbitraries.of(true, false))
                .as((id, points, left, held, at, life, origin, pending) -> {
                    long remaining = (long) (points * left);
                    long heldPoints = (long) ((points - remaining) * held);
                    return new Drawn(id, points, remaining, heldPoints, pending ? at : null, at.plusSeconds(life), origin);
                });
        return Combinators.combine(texts, texts, lots.list().ofMaxSize(12).uniqueElements(Drawn::lotId),
                        Arbitraries.longs().between(0, 1_000))
                .as((member, tier, drawn, debt) -> {
                    List<Lot> all = new ArrayList<>();
                    Map<String, List<Allocation>> holds = new HashMap<>();
                    long earned = 0;
                    long spent = 0;
                    long reserved = 0;
                    for (int i = 0; i < drawn.size(); i++) {
                        Drawn d = drawn.get(i);
                        all.add(new Lot(d.lotId(), d.points(), d.remaining(), d.availableAt(), d.expiresAt(), d.origin()));
                        earned += d.points();
                        reserved += d.held();
                        spent += d.points() - d.remaining() - d.held();
                        if (d.held() > 0) {
                            holds.computeIfAbsent("hold \"" + (i % 3) + "\"\n", k -> new ArrayList<>())
                                    .add(new Allocation(d.lotId(), d.held()));
                        }
                    }
                    return new AccountState(member, tier, earned, spent, 0, 0, debt, 0, 0, reserved, all, holds);
                });
    }

    /** Instants from before year 0 to after 9999, with 0, 3, 6 or 9 fraction digits' worth of nanos. */
    static Arbitrary<Instant> wideInstants() {
        return Combinators.combine(
                Arbitraries.oneOf(Arbitraries.longs().between(-70_000_000_000L, 300_000_000_000L),
                        Arbitraries.longs().between(Instant.parse("1999-12-25T00:00:00Z").getEpochSecond(),
                                Instant.parse("2101-01-05T00:00:00Z").getEpochSecond())),
                Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 999).map(ms -> ms * 1_000_000),
                        Arbitraries.integers().between(0, 999_999).map(us -> us * 1_000),
                        Arbitraries.integers().between(0, 999_999_999)))
                .as(Instant::ofEpochSecond);
    }

    @Property(tries = 2000)
    void theTextIsTheMappersText(@ForAll("states") AccountState state) throws Exception {
        assertThat(AccountSnapshots.write(state)).isEqualTo(EventCodec.mapper().writeValueAsString(state));
        assertThat(AccountSnapshots.fromJson(AccountSnapshots.write(state)).snapshot()).isEqualTo(state);
    }

    @Property(tries = 5000)
    void timestampsAreWrittenAsInstantWritesThem(@ForAll("instants") Instant instant) {
        StringBuilder out = new StringBuilder();
        Timestamps.append(out, instant);
        assertThat(out.toString()).isEqualTo(instant.toString());
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.oneOf(wideInstants(), Arbitraries.of(Instant.EPOCH, Instant.MIN, Instant.MAX,
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("2024-02-29T12:00:00.000001Z"), Instant.parse("1969-12-31T23:59:59.9Z")));
    }
}
