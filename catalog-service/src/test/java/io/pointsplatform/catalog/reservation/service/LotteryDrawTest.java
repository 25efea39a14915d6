package io.pointsplatform.catalog.reservation.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The draw is a pure function of seed and table; over many seeds each prize comes up at its odds. */
class LotteryDrawTest {

    private static final int DRAWS = 200_000;
    private static final List<LotteryDraw.Line> TABLE = List.of(
            new LotteryDraw.Line("mug", "Mug", 100_000, true),
            new LotteryDraw.Line("pen", "Pen", 250_000, true),
            new LotteryDraw.Line("car", "Car", 1, true));

    @Test
    void theTicketIsTheSeedsSha256FirstEightBytesModuloAMillion() throws Exception {
        for (String seed : List.of("a", "seed-1", LotteryDraw.newSeed())) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            long first = ByteBuffer.wrap(digest).getLong();
            assertThat(LotteryDraw.ticket(seed)).isEqualTo((int) Long.remainderUnsigned(first, 1_000_000));
        }
    }

    @Test
    void theSameSeedAndTableAlwaysDrawTheSameAndFreshSeedsDiffer() {
        for (int i = 0; i < 1_000; i++) {
            String seed = LotteryDraw.newSeed();
            assertThat(LotteryDraw.draw(seed, TABLE)).isEqualTo(LotteryDraw.draw(seed, List.copyOf(TABLE)));
        }
        assertThat(LotteryDraw.newSeed()).hasSize(64).isNotEqualTo(LotteryDraw.newSeed());
    }

    @Test
    void overManySeedsEachPrizeComesUpAtItsOddsWithinFiveStandardDeviations() {
        Map<String, Integer> won = count(TABLE);
        expectAbout(won.getOrDefault("mug", 0), 0.10);
        expectAbout(won.getOrDefault("pen", 0), 0.25);
        expectAbout(won.getOrDefault("none", 0), 0.65 - 0.000001);
        assertThat(won.getOrDefault("car", 0)).isLessThan(10);
    }

    @Test
    void aPrizeOutOfStockIsNeverDrawnItsShareIsNoPrizeAndTheOthersOddsDoNotMove() {
        List<LotteryDraw.Line> mugGone = List.of(new LotteryDraw.Line("mug", "Mug", 100_000, false), TABLE.get(1), TABLE.get(2));
        Map<String, Integer> all = count(TABLE);
        Map<String, Integer> without = count(mugGone);
        assertThat(without).doesNotContainKey("mug");
        assertThat(without.get("pen")).isEqualTo(all.get("pen"));
        assertThat(without.get("none")).isEqualTo(all.get("none") + all.get("mug"));
        for (int i = 0; i < 10_000; i++) {
            String seed = "s-" + i;
            LotteryDraw.Outcome before = LotteryDraw.draw(seed, TABLE);
            LotteryDraw.Outcome after = LotteryDraw.draw(seed, mugGone);
            assertThat(after.ticket()).isEqualTo(before.ticket());
            if (before.prize() != null && !before.prize().prizeId().equals("mug")) {
                assertThat(after.prize()).isEqualTo(before.prize());
            }
        }
    }

    private static Map<String, Integer> count(List<LotteryDraw.Line> table) {
        Map<String, Integer> won = new HashMap<>();
        for (int i = 0; i < DRAWS; i++) {
            LotteryDraw.Outcome outcome = LotteryDraw.draw("seed-" + i, table);
            won.merge(outcome.prize() == null ? "none" : outcome.prize().prizeId(), 1, Integer::sum);
        }
        return won;
    }

    private static void expectAbout(int count, double p) {
        double mean = DRAWS * p;
        double sd = Math.sqrt(DRAWS * p * (1 - p));
        assertThat((double) count).as("draws won at odds %s", p).isBetween(mean - 5 * sd, mean + 5 * sd);
    }
}
