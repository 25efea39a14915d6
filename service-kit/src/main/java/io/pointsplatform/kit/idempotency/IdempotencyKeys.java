package io.pointsplatform.kit.idempotency;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pointsplatform.kit.batch.StatementBatches;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.security.Caller;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * CONTRACT.md's {@code Idempotency-Key} for POSTs that create something: the first successful
 * (2xx) response to a key is stored with a hash of the request, and a repeat of the key with the
 * same request answers it again (status and body, byte for byte); with another request, {@code 409
 * IDEMPOTENCY_KEY_REUSED}. Keys are per scope (method and path) and caller (the token's subject), and
 * kept for {@code points.idempotency.retention} (24 h): one member's key is never another's, so a
 * member neither meets another's key as a 409 nor learns from one that it was used.
 *
 * <p>The response is stored after the operation, not reserved before it. That is enough because
 * every operation that uses this is idempotent by the ids in its body: two concurrent first uses of
 * a key with the same request both run it, one creates and the other is a repeat of it, the first
 * to store its response wins and the other answers the stored one, so both clients get the same
 * answer and nothing is done twice. Two concurrent first uses with different requests (a client's
 * mistake) both run, each by its own ids, and each is answered what it did: a {@code 409} is only
 * ever the answer of a request that was not run. A refusal (4xx) or a failure (5xx) changed nothing and is not
 * stored: the same key may be tried again, and then answers what the operation answers then.
 *
 * <p>The responses are stored through {@link StatementBatches}: those of requests answered at the same
 * time share one commit instead of waiting for a flush each (a redemption made one commit of its
 * own for this alone).
 *
 * <p>Each service that uses it creates the {@code idempotency_key} table in its own migrations and
 * calls {@link #purgeExpired} from a job of its own.
 */
@ApplicationScoped
public class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    /** Set on an answer that repeats a stored one. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    static final int MAX_KEY_CHARS = 255;
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1," + MAX_KEY_CHARS + "}");

    private final Pool pool;
    /** Responses stored by one statement each: those of requests answered at once share a commit. */
    private final StatementBatches writes;
    private final ObjectMapper json;
    private final Duration retention;
    private final Caller caller;

    public IdempotencyKeys(Pool pool, ObjectMapper json, Caller caller,
                           @ConfigProperty(name = "points.idempotency.retention", defaultValue = "24h")
                           Duration retention) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("points.idempotency.retention must be positive");
        }
        this.pool = pool;
        this.writes = new StatementBatches(pool);
        this.json = json;
        this.retention = retention;
        this.caller = caller;
    }

    /**
     * Runs {@code operation} for the caller's POST to {@code uri} with this body, once per key:
     * without a key (null), it just runs it.
     */
    public <T> Uni<RestResponse<T>> once(String key, UriInfo uri, Object request,
                                         Supplier<Uni<RestResponse<T>>> operation) {
        return once(key, key == null ? null : "POST " + uri.getPath() + " by " + caller.subject(), request, operation);
    }

    /** As {@link #once(String, UriInfo, Object, Supplier)}, keys kept per {@code scope} (method and path). */
    public <T> Uni<RestResponse<T>> once(String key, String scope, Object request,
                                         Supplier<Uni<RestResponse<T>>> operation) {
        if (key == null) {
            return operation.get();
        }
        if (!KEY.matcher(key).matches()) {
            throw ApiException.validation(HEADER, "must be 1-" + MAX_KEY_CHARS + " visible ASCII characters");
        }
        String requestHash = hash(request);
        return find(scope, key).chain(stored -> stored != null
                ? Uni.createFrom().item(replay(stored, key, requestHash))
                : operation.get().chain(response -> remember(scope, key, requestHash, response)));
    }

    /** Deletes up to {@code limit} keys older than the retention; the number deleted. */
    public Uni<Integer> purgeExpired(int limit) {
        return pool.preparedQuery("delete from idempotency_key where (scope, key) in (select scope, key"
                        + " from idempotency_key where created_at < now() - make_interval(secs => $1) limit $2)")
                .execute(Tuple.of(retention.toSeconds(), limit)).map(rows -> rows.rowCount());
    }

    private record Stored(String requestHash, int status, String body, String contentType) {
    }

    private Uni<Stored> find(String scope, String key) {
        return pool.preparedQuery("select request_hash, status, response_body, content_type from idempotency_key"
                        + " where scope = $1 and key = $2 and created_at >= now() - make_interval(secs => $3)")
                .execute(Tuple.of(scope, key, retention.toSeconds()))
                .map(rows -> rows.size() == 0 ? null : stored(rows.iterator().next()));
    }

    /**
     * Stores a successful response under the key, unless another request stored one first: then
     * that one is the answer (or 409 if it was for another request). An expired row is replaced.
     * A {@code 202} is not stored: it says "not settled yet, poll Location", and a repeat should learn
     * how it stands now, as running the operation again tells (it is idempotent by ids derived from
     * the key); until 2026-12-06 the repeat got the first 202 for a day, without its Location.
     */
    private <T> Uni<RestResponse<T>> remember(String scope, String key, String requestHash, RestResponse<T> response) {
        if (response.getStatus() < 200 || response.getStatus() >= 300 || response.getStatus() == 202) {
            return Uni.createFrom().item(response);
        }
        String body = write(response.getEntity());
        String contentType = response.getMediaType() != null ? response.getMediaType().toString()
                : MediaType.APPLICATION_JSON;
        return writes.execute("""
                        insert into idempotency_key (scope, key, request_hash, status, response_body, content_type)
                        values ($1, $2, $3, $4, $5, $6)
                        on conflict (scope, key) do update set request_hash = excluded.request_hash,
                            status = excluded.status, response_body = excluded.response_body,
                            content_type = excluded.content_type, created_at = now()
                        where idempotency_key.created_at < now() - make_interval(secs => $7)
                        returning key""", Tuple.from(new Object[] {scope, key, requestHash, response.getStatus(), body,
                        contentType, retention.toSeconds()}), scope + " " + key)
                .chain(rows -> rows.rowCount() == 1 ? Uni.createFrom().item(response)
                        : find(scope, key).map(first -> {
                            Log.debugf("Idempotency key %s of %s was stored by a concurrent request", key, scope);
                            if (first == null) {
                                return response;
                            }
                            if (!first.requestHash().equals(requestHash)) {
                                // Another request with this key, run at the same moment, stored first; this one
                                // ran too (each is idempotent by its own ids), so its answer is what it did, not
                                // a 409 that would say nothing was done. A later repeat of it gets the 409.
                                Log.warnf("Idempotency key %s of %s was used by two different requests at once;"
                                        + " both were carried out", key, scope);
                                return response;
                            }
                            return replay(first, key, requestHash);
                        }));
    }

    /** The stored answer as the first request got it; its entity is the stored JSON text, written as is. */
    @SuppressWarnings("unchecked")
    private static <T> RestResponse<T> replay(Stored stored, String key, String requestHash) {
        if (!stored.requestHash().equals(requestHash)) {
            throw ApiException.conflict("IDEMPOTENCY_KEY_REUSED", "Idempotency-Key '" + key
                    + "' was used for another request to this resource");
        }
        RestResponse.ResponseBuilder<Object> answer = RestResponse.ResponseBuilder.create(stored.status());
        return (RestResponse<T>) (RestResponse<?>) answer.entity(stored.body()).type(stored.contentType())
                .header(REPLAYED_HEADER, "true").build();
    }

    private static Stored stored(Row row) {
        return new Stored(row.getString("request_hash"), row.getInteger("status"), row.getString("response_body"),
                row.getString("content_type"));
    }

    /** Requests are compared as JSON trees (key order, spacing, aliases and 10.0 vs 10.00 do not count). */
    private String hash(Object request) {
        try {
            byte[] canonical = json.writeValueAsBytes(json.valueToTree(request));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("request cannot be written as JSON", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    private String write(Object entity) {
        if (entity instanceof String text) {
            return text;
        }
        try {
            return new String(json.writeValueAsBytes(entity), StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("response cannot be written as JSON", e);
        }
    }
}
