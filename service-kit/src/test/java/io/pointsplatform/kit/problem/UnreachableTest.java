package io.pointsplatform.kit.problem;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.net.SocketException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** What ProblemMappers answers 503 UNAVAILABLE for (something unreachable), and what stays our 500. */
class UnreachableTest {

    private final ProblemMappers mappers = new ProblemMappers();

    @Test
    void aDatabaseOrServiceOutOfReachIs503WithRetryAfter() {
        PgException shuttingDown = new PgException("the database system is shutting down", "FATAL", "57P03", null);
        for (Exception outage : new Exception[] {
                shuttingDown,
                new PgException("too many connections for database \"earning\"", "FATAL", "53300", null),
                new PgException("terminating connection due to administrator command", "FATAL", "57P01", null),
                new CompletionException(new ConnectException("Connection refused: /127.0.0.1:5432")),
                new SocketException("Connection reset"),
                new IllegalStateException("saga step", ClosedConnectionException.INSTANCE)}) {
            Response answer = mappers.unexpected(outage);
            assertThat(answer.getStatus()).as(outage.toString()).isEqualTo(503);
            assertThat(answer.getHeaderString("Retry-After")).isEqualTo("1");
            Problem problem = (Problem) answer.getEntity();
            assertThat(problem.code()).isEqualTo("UNAVAILABLE");
            assertThat(problem.detail()).doesNotContain("Exception").doesNotContain("57P03").contains("Idempotency-Key");
        }
    }

    @Test
    void anythingElseStaysOurOwn500WithAnErrorId() {
        for (Exception fault : new Exception[] {
                new PgException("duplicate key value violates unique constraint", "ERROR", "23505", null),
                new PgException("syntax error", "ERROR", "42601", null),
                new IllegalStateException("a bug")}) {
            Response answer = mappers.unexpected(fault);
            assertThat(answer.getStatus()).as(fault.toString()).isEqualTo(500);
            assertThat(answer.getHeaderString("Retry-After")).isNull();
            assertThat(((Problem) answer.getEntity()).detail()).contains("error id");
        }
    }
}
