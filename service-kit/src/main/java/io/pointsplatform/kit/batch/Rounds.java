package io.pointsplatform.kit.batch;

import io.smallrye.mutiny.Uni;
import java.util.function.Supplier;

/** Work done a bounded round at a time (a purge that deletes at most so many rows a statement). */
public final class Rounds {

    private Rounds() {
    }

    /**
     * Runs {@code round} (which does at most {@code size} things and answers how many it did) again
     * and again until one does fewer than {@code size}; how many were done in all.
     */
    public static Uni<Long> untilShort(Supplier<Uni<Integer>> round, int size) {
        return untilShort(round, size, 0L);
    }

    private static Uni<Long> untilShort(Supplier<Uni<Integer>> round, int size, long before) {
        return round.get().chain(done -> done < size ? Uni.createFrom().item(before + done)
                : untilShort(round, size, before + done));
    }
}
