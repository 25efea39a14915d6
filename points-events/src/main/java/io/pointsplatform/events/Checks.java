package io.pointsplatform.events;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The compact constructors' shared checks. Each message names the record and the field, so that a
 * rejected event read from Kafka explains itself in a dead-letter header without a stack trace.
 */
final class Checks {

    private Checks() {
    }

    static String text(String owner, String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(owner + ": " + field + " must not be blank");
        }
        return value;
    }

    /** Absent is fine, but an empty string is almost always a bug upstream, so it is refused. */
    static String optionalText(String owner, String field, String value) {
        if (value != null && value.isBlank()) {
            throw new IllegalArgumentException(owner + ": " + field + " must be absent or not blank");
        }
        return value;
    }

    static <T> T present(String owner, String field, T value) {
        if (value == null) {
            throw new IllegalArgumentException(owner + ": " + field + " is required");
        }
        return value;
    }

    static long positive(String owner, String field, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(owner + ": " + field + " must be > 0 (was " + value + ")");
        }
        return value;
    }

    static long nonNegative(String owner, String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(owner + ": " + field + " must be >= 0 (was " + value + ")");
        }
        return value;
    }

    static <T> List<T> elements(String owner, String field, List<T> values) {
        present(owner, field, values);
        for (T value : values) {
            if (value == null) {
                throw new IllegalArgumentException(owner + ": " + field + " must not contain null");
            }
        }
        return List.copyOf(values);
    }

    /**
     * A debit's allocations: they must add up to exactly {@code points} and name each lot once, so
     * the fold can check each lot against one allocation and apply them without recomputing.
     * Empty only when nothing is taken ({@code points == 0}).
     */
    static List<Allocation> allocations(String owner, List<Allocation> allocations, long points) {
        List<Allocation> copy = elements(owner, "allocations", allocations);
        if (copy.isEmpty() && points != 0) {
            throw new IllegalArgumentException(owner + ": allocations must not be empty");
        }
        long sum;
        try {
            sum = Allocation.total(copy);
        } catch (ArithmeticException overflow) {
            throw new IllegalArgumentException(owner + ": allocations overflow a long");
        }
        if (sum != points) {
            throw new IllegalArgumentException(
                    owner + ": allocations sum to " + sum + " but points is " + points);
        }
        String twice = lotNamedTwice(copy);
        if (twice != null) {
            throw new IllegalArgumentException(owner + ": allocations name lot " + twice + " twice");
        }
        return copy;
    }

    private static String lotNamedTwice(List<Allocation> allocations) {
        int n = allocations.size();
        // Almost every debit touches a handful of lots: a nested loop beats a HashSet there.
        if (n <= 16) {
            for (int i = 1; i < n; i++) {
                String lotId = allocations.get(i).lotId();
                for (int j = 0; j < i; j++) {
                    if (lotId.equals(allocations.get(j).lotId())) {
                        return lotId;
                    }
                }
            }
            return null;
        }
        Set<String> seen = new HashSet<>(n * 2);
        for (Allocation allocation : allocations) {
            if (!seen.add(allocation.lotId())) {
                return allocation.lotId();
            }
        }
        return null;
    }
}
