package io.pointsplatform.kit.batch;

import io.pointsplatform.kit.problem.ApiException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Group commit: requests that arrive while earlier ones are being written wait in a queue and are
 * then handed to the processor together, so one transaction (one commit, a few statements) serves
 * many of them. At most {@code maxInFlight} batches run at once, each of at most {@code maxBatch}
 * items; at most {@code maxQueued} items wait, beyond which a request is refused with
 * {@code 503 BUSY} rather than queued without limit. A request alone starts at once: batching never
 * adds a wait when there is nothing to share it with.
 *
 * <p>When a batch fails as a whole, its items are processed again one at a time, so that one bad
 * request fails alone rather than every request that shared its batch. The processor must therefore
 * leave nothing behind when it fails (one transaction), or be idempotent per item.
 *
 * @param <I> what a request asks
 * @param <R> what it is answered
 */
public final class GroupCommit<I, R> {

    /** Decides a batch: one outcome per item, in order. A failure of the whole Uni fails every item. */
    @FunctionalInterface
    public interface Processor<I, R> {
        Uni<List<Outcome<R>>> process(List<I> items);
    }

    /** One item's answer: a result, or why it failed. */
    public record Outcome<R>(R result, Throwable failure) {

        public static <R> Outcome<R> of(R result) {
            return new Outcome<>(result, null);
        }

        public static <R> Outcome<R> failed(Throwable failure) {
            return new Outcome<>(null, failure);
        }
    }

    private record Pending<I, R>(I item, UniEmitter<? super R> emitter) {
    }

    private final Processor<I, R> processor;
    private final int maxBatch;
    private final int maxInFlight;
    private final int maxQueued;
    private final Queue<Pending<I, R>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    public GroupCommit(Processor<I, R> processor, int maxBatch, int maxInFlight, int maxQueued) {
        if (maxBatch < 1 || maxBatch > 10_000) {
            throw new IllegalArgumentException("maxBatch must be within 1..10000, was " + maxBatch);
        }
        if (maxInFlight < 1 || maxInFlight > 64) {
            throw new IllegalArgumentException("maxInFlight must be within 1..64, was " + maxInFlight);
        }
        if (maxQueued < maxBatch) {
            throw new IllegalArgumentException("maxQueued must be at least maxBatch, was " + maxQueued);
        }
        this.processor = processor;
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
        this.maxQueued = maxQueued;
    }

    public Uni<R> submit(I item) {
        return Uni.createFrom().emitter(emitter -> {
            if (queued.incrementAndGet() > maxQueued) {
                queued.decrementAndGet();
                emitter.fail(new ApiException(503, "BUSY", "Busy", "More than " + maxQueued
                        + " requests are waiting to be written; try again shortly"));
                return;
            }
            queue.add(new Pending<>(item, emitter));
            drain();
        });
    }

    /** Starts batches while there is work and a free slot. */
    private void drain() {
        while (!queue.isEmpty()) {
            int running = inFlight.get();
            if (running >= maxInFlight) {
                return;
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            List<Pending<I, R>> batch = new ArrayList<>();
            Pending<I, R> next;
            while (batch.size() < maxBatch && (next = queue.poll()) != null) {
                batch.add(next);
            }
            queued.addAndGet(-batch.size());
            if (batch.isEmpty()) {
                inFlight.decrementAndGet();
                continue;
            }
            run(batch);
        }
    }

    private void run(List<Pending<I, R>> batch) {
        List<I> items = batch.stream().map(Pending::item).toList();
        Uni.createFrom().deferred(() -> processor.process(items)).subscribe().with(outcomes -> {
            inFlight.decrementAndGet();
            for (int i = 0; i < batch.size(); i++) {
                settle(batch.get(i), outcomes, i);
            }
            drain();
        }, failure -> {
            if (batch.size() == 1) {
                inFlight.decrementAndGet();
                batch.get(0).emitter().fail(failure);
                drain();
            } else {
                // One request may have failed the batch for all (the processor's transaction is then
                // rolled back whole): each is tried again on its own, so that only a culprit fails.
                oneByOne(batch);
            }
        });
    }

    /** Runs the batch's items one at a time, in order, still in the batch's slot. */
    private void oneByOne(List<Pending<I, R>> batch) {
        Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(pending -> Uni.createFrom()
                        .deferred(() -> processor.process(List.of(pending.item())))
                        .onItemOrFailure().invoke((outcomes, failure) -> {
                            if (failure != null) {
                                pending.emitter().fail(failure);
                            } else {
                                settle(pending, outcomes, 0);
                            }
                        })
                        .onFailure().recoverWithNull())
                .collect().last()
                .subscribe().with(done -> {
                    inFlight.decrementAndGet();
                    drain();
                });
    }

    private void settle(Pending<I, R> pending, List<Outcome<R>> outcomes, int index) {
        Outcome<R> outcome = index < outcomes.size() ? outcomes.get(index)
                : Outcome.failed(new IllegalStateException("no outcome for item " + index));
        if (outcome.failure() != null) {
            pending.emitter().fail(outcome.failure());
        } else {
            pending.emitter().complete(outcome.result());
        }
    }
}
