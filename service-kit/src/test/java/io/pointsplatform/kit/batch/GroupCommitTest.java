package io.pointsplatform.kit.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.kit.batch.GroupCommit.Outcome;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GroupCommitTest {

    private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Void> firstMayFinish = new CompletableFuture<>();

    /**
     * Upper-cases its items; the first batch waits for {@link #firstMayFinish} (so the next requests
     * queue up behind it and make one batch), and a batch holding "poison" fails as a whole.
     */
    private Uni<List<Outcome<String>>> process(List<String> items) {
        batches.add(List.copyOf(items));
        Uni<Void> wait = batches.size() == 1 ? Uni.createFrom().completionStage(firstMayFinish) : Uni.createFrom().voidItem();
        return wait.map(ignored -> {
            if (items.contains("poison")) {
                throw new IllegalStateException("the database refused the batch");
            }
            return items.stream().map(item -> Outcome.of(item.toUpperCase())).toList();
        });
    }

    @Test
    void aRequestThatFailsItsBatchFailsAloneAndTheOthersAreAnswered() throws Exception {
        GroupCommit<String, String> commit = new GroupCommit<>(this::process, 100, 1, 1_000);
        CompletableFuture<String> first = commit.submit("first").subscribeAsCompletionStage();
        CompletableFuture<String> a = commit.submit("a").subscribeAsCompletionStage();
        CompletableFuture<String> poison = commit.submit("poison").subscribeAsCompletionStage();
        CompletableFuture<String> b = commit.submit("b").subscribeAsCompletionStage();
        firstMayFinish.complete(null);

        assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("FIRST");
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("A");
        assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("B");
        assertThat(poison).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .withMessageContaining("the database refused the batch");
        assertThat(batches).containsExactly(List.of("first"), List.of("a", "poison", "b"),
                List.of("a"), List.of("poison"), List.of("b"));
        // The slot was given back: the next request is processed at once.
        assertThat(commit.submit("c").await().atMost(Duration.ofSeconds(5))).isEqualTo("C");
    }

    @Test
    void aRequestAloneThatFailsIsNotTriedAgain() {
        GroupCommit<String, String> commit = new GroupCommit<>(this::process, 100, 1, 1_000);
        firstMayFinish.complete(null);
        CompletableFuture<String> poison = commit.submit("poison").subscribeAsCompletionStage();
        assertThat(poison).failsWithin(Duration.ofSeconds(5));
        CompletableFuture<String> next = commit.submit("poison").subscribeAsCompletionStage();
        assertThat(next).failsWithin(Duration.ofSeconds(5));
        assertThat(batches).containsExactly(List.of("poison"), List.of("poison"));
    }
}
