package io.pointsplatform.kit.problem;

import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A query parameter given more than once ({@code ?limit=1&limit=2}) is refused, 400 naming it,
 * before the operation runs. Every query parameter of the API takes one value, and which of two
 * counts differs between servers, caches and proxies (JAX-RS takes the first), so the request
 * could mean one thing here and another on its way: as with a JSON property given twice
 * ({@code StrictJson}), neither is taken.
 */
public class SingleQueryParameters {

    @ServerRequestFilter
    public void refuseRepeats(UriInfo uri) {
        if (uri.getRequestUri().getRawQuery() == null) {
            return;
        }
        for (Map.Entry<String, List<String>> parameter : uri.getQueryParameters().entrySet()) {
            if (parameter.getValue().size() > 1) {
                throw ApiException.validation(parameter.getKey(),
                        "must be given once, not " + parameter.getValue().size() + " times");
            }
        }
    }
}
