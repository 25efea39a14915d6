package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.statistics.Statistics;

/**
 * An account kept as rows (its figures, one row per lot, one per open hold) and folded a batch at
 * a time, each batch loading only what its events name ({@link Account#restorePart}), ends where
 * the whole account's fold ends, and refuses exactly the events the whole account refuses.
 */
class AccountPartProperties {

    @Provide
    Arbitrary<List<AccountProperties.Command>> histories() {
        return new AccountProperties().histories();
    }

    /** The rows, as a store keeps them: only what a batch names is read, only what changed is written. */
    static final class Rows {
        AccountFigures figures = new Account("m-1").figures();
        final Map<String, Lot> lots = new HashMap<>();
        final Map<String, List<Allocation>> holds = new HashMap<>();
        int lotsRead;

        Account load(List<PointsEvent> batch) {
            Set<String> lotIds = new LinkedHashSet<>();
            Map<String, List<Allocation>> someHolds = new HashMap<>();
            for (PointsEvent event : batch) {
                lotIds.addAll(Account.lotsNamedBy(event));
                for (String holdId : Account.holdsNamedBy(event)) {
                    if (holds.containsKey(holdId)) {
                        someHolds.put(holdId, holds.get(holdId));
                    }
                }
                if (event instanceof PointsReturned returned) {
                    List<String> named = Account.lotsNamedBy(returned);
                    holds.forEach((id, allocations) -> {
                        if (allocations.stream().anyMatch(a -> named.contains(a.lotId()))) {
                            someHolds.put(id, allocations);
                        }
                    });
                }
            }
            List<Lot> someLots = lotIds.stream().map(lots::get).filter(java.util.Objects::nonNull).toList();
            lotsRead += someLots.size();
            return Account.restorePart(figures, someLots, someHolds);
        }

        void save(Account part, List<PointsEvent> batch) {
            figures = part.figures();
            for (PointsEvent event : batch) {
                for (String lotId : Account.lotsNamedBy(event)) {
                    Lot lot = part.lot(lotId);
                    if (lot != null) {
                        lots.put(lotId, lot);
                    }
                }
                for (String holdId : Account.holdsNamedBy(event)) {
                    List<Allocation> open = part.holds().get(holdId);
                    if (open == null) {
                        holds.remove(holdId);
                    } else {
                        holds.put(holdId, open);
                    }
                }
            }
        }

        /** The whole account, from every row: the lots with points left for reads ... */
        Account live() {
            return Account.restorePart(figures, lots.values().stream().filter(l -> l.remaining() > 0).toList(), holds);
        }

        /** ... and every row, checked as a snapshot is. */
        AccountState state() {
            return figures.with(new ArrayList<>(lots.values()), holds);
        }
    }

    @Property(tries = 400)
    void foldingPartsEqualsFoldingTheWhole(@ForAll("histories") List<AccountProperties.Command> history,
            @ForAll Random random) {
        AccountProperties.Run live = AccountProperties.run(history, r -> {
        });
        // Events delivered again, and some out of place, so that some are refused.
        List<PointsEvent> events = new ArrayList<>(live.events);
        for (int i = 0, repeats = random.nextInt(1 + events.size() / 4); i < repeats && !live.events.isEmpty(); i++) {
            events.add(random.nextInt(events.size() + 1), live.events.get(random.nextInt(live.events.size())));
        }
        Account whole = new Account("m-1");
        Rows rows = new Rows();
        int refused = 0;
        for (int from = 0; from < events.size(); ) {
            List<PointsEvent> batch = events.subList(from, Math.min(events.size(), from + 1 + random.nextInt(8)));
            Account part = rows.load(batch);
            for (PointsEvent event : batch) {
                String byWhole = refusal(whole, event);
                String byPart = refusal(part, event);
                assertThat(byPart).as("%s", event).isEqualTo(byWhole);
                refused += byWhole == null ? 0 : 1;
            }
            rows.save(part, batch);
            from += batch.size();
        }
        assertThat(rows.state()).isEqualTo(whole.snapshot());
        for (Instant at : List.of(live.now, live.now.minus(Duration.ofDays(3)), live.now.plus(Duration.ofDays(400)))) {
            Account reads = rows.live();
            assertThat(reads.balance(at)).isEqualTo(whole.balance(at));
            assertThat(reads.lots()).isEqualTo(whole.lots());
            assertThat(reads.lotsDueForExpiry(at)).isEqualTo(whole.lotsDueForExpiry(at));
        }
        Statistics.label("refused").collect(refused == 0 ? "none" : "some");
        Statistics.label("refused").coverage(c -> c.check("some").percentage(p -> p > 30));
    }

    private static String refusal(Account account, PointsEvent event) {
        try {
            account.apply(event);
            return null;
        } catch (InvariantViolation refused) {
            return refused.getMessage();
        }
    }
}
