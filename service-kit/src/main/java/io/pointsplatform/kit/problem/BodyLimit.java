package io.pointsplatform.kit.problem;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A body announced larger than {@code quarkus.http.limits.max-body-size} is refused before it is
 * read, as problem+json {@code 413 PAYLOAD_TOO_LARGE} (Quarkus's own check, one step later,
 * answers with an empty body). A chunked body that grows past the limit is still cut off by Quarkus
 * with a bare 413; either way nothing of it is applied.
 */
@ApplicationScoped
public class BodyLimit {

    private final Optional<MemorySize> limit;
    private final ObjectMapper json;

    public BodyLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") Optional<MemorySize> limit,
                     ObjectMapper json) {
        this.limit = limit;
        this.json = json;
    }

    void install(@Observes Router router) {
        if (limit.isEmpty()) {
            return;
        }
        long maxBytes = limit.get().asLongValue();
        byte[] body;
        try {
            body = json.writeValueAsBytes(Problem.of(413, "PAYLOAD_TOO_LARGE", "Payload too large",
                    "The body is larger than this service accepts (" + maxBytes + " bytes)"));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(context -> {
            String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && tooLong(length, maxBytes)) {
                context.response().setStatusCode(413)
                        .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                        .putHeader(HttpHeaders.CONNECTION, "close")
                        .end(io.vertx.core.buffer.Buffer.buffer(body));
                return;
            }
            context.next();
        });
    }

    private static boolean tooLong(String length, long maxBytes) {
        try {
            return Long.parseLong(length.trim()) > maxBytes;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
