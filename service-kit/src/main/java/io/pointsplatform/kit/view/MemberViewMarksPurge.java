package io.pointsplatform.kit.view;

import io.pointsplatform.kit.batch.Rounds;
import io.pointsplatform.kit.inbox.ProcessedEvents;
import io.quarkus.arc.properties.IfBuildProperty;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps the member view's marks of applied events ({@code processed_event}) to those made within
 * {@code points.member-view.marks-retention} (7 days): every {@code points.member-view.marks-purge-every}
 * (1 minute) the older ones are deleted, {@value #ROUND} a statement, until none is left, so the table
 * stays as large as a week of the log instead of growing with all of it. Opt-in at build time with
 * {@code points.member-view.marks-purge=true}, in each service that keeps a member view.
 */
@ApplicationScoped
@IfBuildProperty(name = "points.member-view.marks-purge", stringValue = "true")
public class MemberViewMarksPurge {

    /** Marks deleted by one statement. */
    static final int ROUND = 10_000;

    private final Pool pool;
    private final ProcessedEvents marks;
    private final Duration retention;

    public MemberViewMarksPurge(Pool pool, ProcessedEvents marks,
                                @ConfigProperty(name = "points.member-view.marks-retention", defaultValue = "P7D")
                                Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("points.member-view.marks-retention must be positive, was " + retention);
        }
        this.pool = pool;
        this.marks = marks;
        this.retention = retention;
    }

    @Scheduled(every = "${points.member-view.marks-purge-every:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> scheduled() {
        return purge().invoke(forgotten -> {
            if (forgotten > 0) {
                Log.debugf("Member view: %d marks older than %s forgotten", forgotten, retention);
            }
        }).replaceWithVoid();
    }

    /** Deletes every mark older than the retention, a round at a time; how many were deleted. */
    public Uni<Long> purge() {
        return Rounds.untilShort(() -> marks.forgetOlderThan(pool, retention, ROUND), ROUND);
    }
}
