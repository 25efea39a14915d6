package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** The snapshot text written by hand against the codec's mapper, and the timestamps in it against {@link Instant#toString}. */
class AccountSnapshotsProperties {

    /** One lot as generated: its figures, and how much of what left it is still held. */
    private record Drawn(String lotId, long points, long remaining, long held, Instant availableAt, Instant expiresAt,
                         OriginKind origin) {
    }

    @Provide
    Arbitrary<AccountState> states() {
        // Mostly plain ids (the plain reader's case), else text to escape or beyond ASCII.
        Arbitrary<String> texts = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(40, Samples.ids()), net.jqwik.api.Tuple.of(1, Samples.text()),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u007f').ofMinLength(1)
                        .ofMaxLength(8).filter(s -> !s.isBlank())));
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
                        Arbitraries.longs().between(0, 1_000), texts)
                .as((member, tier, drawn, debt, holdName) -> {
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
                            holds.computeIfAbsent(holdName + (i % 3), k -> new ArrayList<>())
                                    .add(new Allocation(d.lotId(), d.held()));
                        }
                    }
                    return new AccountState(member, tier, earned, spent, 0, 0, debt, 0, 0, reserved, all, holds);
                });
    }

    /** Instants mostly of this century, some from before year 0 to after 9999, with 0, 3, 6 or 9 fraction digits' worth of nanos. */
    static Arbitrary<Instant> wideInstants() {
        return Combinators.combine(
                Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(-70_000_000_000L, 300_000_000_000L)),
                        net.jqwik.api.Tuple.of(6, Arbitraries.longs().between(
                                Instant.parse("1999-12-25T00:00:00Z").getEpochSecond(),
                                Instant.parse("2101-01-05T00:00:00Z").getEpochSecond()))),
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

    /**
     * An account is written as its state is, whatever order its lots were put in: restored from the
     * state (lot id order), or given its lots shuffled.
     */
    @Property(tries = 1000)
    void anAccountIsWrittenAsItsState(@ForAll("states") AccountState state, @ForAll Random random) {
        String expected = AccountSnapshots.write(state);
        assertThat(AccountSnapshots.toJson(Account.restore(state))).isEqualTo(expected);
        assertThat(new String(AccountSnapshots.toJsonBytes(Account.restore(state), false), StandardCharsets.UTF_8))
                .isEqualTo(expected);
        List<Lot> shuffled = new ArrayList<>(state.lots());
        Collections.shuffle(shuffled, random);
        assertThat(AccountSnapshots.toJson(Account.restorePart(state.figures(), shuffled, state.holds())))
                .isEqualTo(expected);
    }

    /**
     * The plain reader of snapshots against the mapper: on the text written, and on that text broken
     * in one place, it either leaves it to the mapper (null) or reads exactly what the mapper reads;
     * a snapshot in plain ASCII it reads itself.
     */
    @Property(tries = 3000)
    void thePlainReaderReadsOnlyWhatTheMapperReads(@ForAll("states") AccountState state, @ForAll Random random)
            throws Exception {
        String json = AccountSnapshots.write(state);
        String document = switch (random.nextInt(6)) {
            case 0, 1 -> json;
            case 2 -> EventCodecOracleProperties.duplicateAKey(json, random);
            case 3 -> json.substring(0, random.nextInt(json.length()));
            case 4 -> EventCodecOracleProperties.mutate(json, random, true);
            default -> EventCodecOracleProperties.mutate(json, random, false);
        };
        AccountState plain = CanonicalReader.accountState(document.getBytes(StandardCharsets.UTF_8));
        Statistics.label("plain reader").collect(plain != null ? "answered" : "left it");
        if (plain != null) {
            assertThat(EventCodec.mapper().readValue(document, AccountState.class)).as(document).isEqualTo(plain);
        }
        boolean plainTimes = state.lots().stream().allMatch(lot -> canonical(lot.expiresAt())
                && (lot.availableAt() == null || canonical(lot.availableAt())));
        if (document.equals(json) && plainTimes && json.chars().allMatch(c -> c < 0x7f && c != '\\')) {
            assertThat(plain).as(json).isEqualTo(state);
        }
    }

    /** Whether the instant's text is in the canonical form (years 0000-9999) rather than one to leave to Jackson. */
    private static boolean canonical(Instant instant) {
        return Timestamps.parseCanonical(instant.toString()) != null;
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
