package io.pointsplatform.dashboard.rest;

import io.pointsplatform.kit.problem.Problem;
import io.pointsplatform.kit.problem.ProblemMappers;
import io.vertx.pgclient.PgException;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The analytics side not there yet (a stack whose replay has not run once): 503 with a code the page
 * switches on and a sentence saying what to run, rather than a 500. Any other database error stays
 * our fault (service-kit's 500 with an error id).
 */
public class SchemaMissingMapper {

    /** SQLSTATEs of a missing database, schema or table, and what each means here. */
    private static final Map<String, String> MISSING = Map.of(
            "3D000", "The analytics database does not exist: deploy/local/postgres.sh makes it",
            "3F000", "The analytics schema does not exist yet: the replay makes it on its first run (deploy/local/replay.sh)",
            "42P01", "The analytics tables do not exist yet: the replay makes them on its first run (deploy/local/replay.sh)");

    static final String CODE = "ANALYTICS_NOT_READY";

    @ServerExceptionMapper
    public Response missing(PgException e) {
        String detail = MISSING.get(e.getSqlState());
        if (detail == null) {
            return new ProblemMappers().unexpected(e);
        }
        return Response.status(503).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(503, CODE, "The analytics data is not there yet", detail)).build();
    }
}
