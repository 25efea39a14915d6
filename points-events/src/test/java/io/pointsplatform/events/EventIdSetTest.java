package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The replay's memory of applied event ids is exact: ids whose hashes collide are kept apart. */
class EventIdSetTest {

    @Test
    void twoIdsWithTheSameHashAreBothKept() {
        EventIdSet set = new EventIdSet(0, id -> 42L);
        assertThat(set.add("points.earned:order-1")).isTrue();
        assertThat(set.add("points.earned:order-2")).as("same hash, another id").isTrue();
        assertThat(set.add("points.earned:order-1")).as("the same id again").isFalse();
        assertThat(set.contains("points.earned:order-2")).isTrue();
        assertThat(set.contains("points.earned:order-3")).isFalse();
        assertThat(set.size()).isEqualTo(2);
    }

    @Test
    void aHashOfZeroIsAHashLikeAnother() {
        // 0 marks a free slot inside; an id that hashes to it is kept all the same.
        EventIdSet set = new EventIdSet(0, id -> id.length() % 2 == 0 ? 0L : 1L);
        assertThat(set.add("ab")).isTrue();
        assertThat(set.add("abc")).isTrue();
        assertThat(set.add("abcd")).isTrue();
        assertThat(set.contains("ab")).isTrue();
        assertThat(set.contains("abcd")).isTrue();
        assertThat(set.add("ab")).isFalse();
    }

    @Test
    void idsBeyondAsciiAndLongIdsAreKeptExactly() {
        EventIdSet set = new EventIdSet(0, id -> 7L);
        String chinese = "points.earned:积分-1";
        String sameLengthInChars = "points.earned:ab-1";
        String longId = "x".repeat(3 << 20);
        assertThat(set.add(chinese)).isTrue();
        assertThat(set.add(sameLengthInChars)).isTrue();
        assertThat(set.add(longId)).isTrue();
        assertThat(set.add(longId + "y")).isTrue();
        assertThat(set.add(new String(chinese.toCharArray()))).isFalse();
        assertThat(set.add(new String(longId.toCharArray()))).isFalse();
        assertThat(set.contains("points.earned:积分-2")).isFalse();
    }

    @Test
    void aSetThatGrowsAnswersAsAHashSet() {
        Random random = new Random(4);
        // A hash with few values: every lookup meets many ids of the same hash.
        EventIdSet set = new EventIdSet(0, id -> id.hashCode() & 0x3f);
        EventIdSet real = new EventIdSet(10);
        Set<String> expected = new HashSet<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            String id = random.nextInt(4) == 0 && !ids.isEmpty() ? ids.get(random.nextInt(ids.size()))
                    : "points.reserved:m-" + random.nextInt(1000) + ":h-" + random.nextLong();
            ids.add(id);
            boolean added = expected.add(id);
            assertThat(set.add(id)).as(id).isEqualTo(added);
            assertThat(real.add(id)).as(id).isEqualTo(added);
        }
        assertThat(set.size()).isEqualTo(expected.size());
        for (String id : ids) {
            assertThat(set.contains(id)).isTrue();
            assertThat(real.contains(id + "!")).isFalse();
        }
    }
}
