package io.pointsplatform.notification.webhook.service;

import io.pointsplatform.events.EventTypes;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.notification.webhook.repository.WebhookDeliveryRepository;
import io.pointsplatform.notification.webhook.repository.WebhookDeliveryRepository.Delivery;
import io.pointsplatform.notification.webhook.repository.WebhookEndpointRepository;
import io.pointsplatform.notification.webhook.repository.WebhookEndpointRepository.Endpoint;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Webhook endpoints: registration, secrets and their rotation, dead letters. */
@ApplicationScoped
public class WebhookService {

    public static final String SECRET_PREFIX = "whsec_";
    public static final int MAX_PAGE = 100;
    public static final int MAX_EVENT_TYPES = 64;
    public static final int MAX_URL_CHARS = 2048;
    static final int SECRET_BYTES = 32;
    private static final int MIN_SECRET_BYTES = 24;
    private static final int MAX_SECRET_BYTES = 64;
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    /** The topics notification-service reads; their event types are the ones an endpoint may ask for. */
    private static final Set<String> TOPICS = Set.of(Topics.POINTS_LEDGER, Topics.MEMBERS, Topics.REDEMPTIONS);

    /** What a caller asks for; the service checks it. */
    public record Registration(String url, List<String> eventTypes, String secret) {
    }

    @Schema(name = "WebhookEndpoint", description = "A registered receiver (its secret is never shown again)")
    public record View(String webhookId, String url, List<String> eventTypes, Instant createdAt,
                       @Schema(description = "When the secret was last rotated; null if never") Instant rotatedAt,
                       @Schema(description = "Until when the secret before the last rotation still signs beside the"
                               + " current one; null if none") Instant previousSecretValidUntil) {
        static View of(Endpoint e) {
            Instant until = e.previousValidUntil() != null && e.previousValidUntil().isAfter(Instant.now())
                    ? e.previousValidUntil() : null;
            return new View(e.endpointId(), e.url(), e.eventTypes(), e.createdAt(), e.rotatedAt(), until);
        }

        /**
         * As an analyst sees it: the URL's scheme and host (and port) only, its path and query shown as
         * {@code /…}, since a receiver's path or query may hold a token of its own (as the log shows it).
         */
        public View withoutPath() {
            URI parsed = URI.create(url);
            boolean more = (parsed.getRawPath() != null && !parsed.getRawPath().isEmpty() && !"/".equals(parsed.getRawPath()))
                    || parsed.getRawQuery() != null;
            return new View(webhookId, parsed.getScheme() + "://" + parsed.getRawAuthority() + (more ? "/…" : "/"),
                    eventTypes, createdAt, rotatedAt, previousSecretValidUntil);
        }
    }

    @Schema(name = "WebhookEndpointCreated", description = "A registered receiver and its signing secret, shown this once")
    public record Created(String webhookId, String url, List<String> eventTypes, Instant createdAt,
                          @Schema(description = "whsec_ + base64 of the HMAC key; keep it, it is not shown again."
                                  + " A repeat (same Idempotency-Key) answers it again only while the endpoint's secret"
                                  + " has never been rotated; after a rotation null") String secret) {
    }

    public record Registered(Created endpoint, boolean replayed) {
    }

    @Schema(name = "WebhookSecretRotated", description = "The new signing secret, shown this once")
    public record Rotated(String webhookId,
                          @Schema(description = "whsec_ + base64; signs every delivery from now on") String secret,
                          @Schema(description = "The old secret signs beside the new one until then") Instant previousSecretValidUntil) {
    }

    @Schema(name = "WebhookEndpointPage", description = "Registered receivers, in id order")
    public record Page(List<View> items, @Schema(description = "Pass as after for the next page; null on the last") String nextAfter) {

        /** The page as an analyst sees it (View#withoutPath). */
        public Page withoutPaths() {
            return new Page(items.stream().map(View::withoutPath).toList(), nextAfter);
        }
    }

    @Schema(name = "WebhookDelivery", description = "One event's delivery to one endpoint")
    public record DeliveryView(long deliveryId, String eventId, String memberId, String eventType,
                               @Schema(enumeration = {"PENDING", "DELIVERED", "DEAD"}) String status, int attempts,
                               @Schema(description = "HTTP status of the last attempt; null if none answered") Integer lastStatus,
                               @Schema(description = "Why the last attempt failed") String lastError,
                               Instant createdAt,
                               @Schema(description = "When it was delivered or given up") Instant finishedAt) {
        static DeliveryView of(Delivery d) {
            return new DeliveryView(d.deliveryId(), d.eventId(), d.memberId(), d.eventType(), d.status(), d.attempts(),
                    d.lastStatus(), d.lastError(), d.createdAt(), d.finishedAt());
        }
    }

    @Schema(name = "WebhookDeliveryPage", description = "Dead deliveries of an endpoint, oldest first")
    public record DeliveryPage(List<DeliveryView> items,
                               @Schema(description = "Pass as after for the next page; null on the last") Long nextAfter) {
    }

    private final WebhookEndpointRepository endpoints;
    private final WebhookDeliveryRepository deliveries;
    private final SecretBox box;
    private final ReceiverAddresses addresses;
    private final Duration overlap;
    private final Duration retryWindow;
    private final SecureRandom random = new SecureRandom();

    public WebhookService(WebhookEndpointRepository endpoints, WebhookDeliveryRepository deliveries, SecretBox box,
                          ReceiverAddresses addresses,
                          @ConfigProperty(name = "points.webhooks.rotation-overlap") Duration overlap,
                          @ConfigProperty(name = "points.webhooks.retry-window") Duration retryWindow) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.box = box;
        this.addresses = addresses;
        this.overlap = overlap;
        this.retryWindow = retryWindow;
    }

    /** The event types an endpoint may ask for: those of the topics this service reads. */
    public static Set<String> subscribableTypes() {
        Set<String> types = new TreeSet<>();
        EventTypes.all().stream().filter(e -> TOPICS.contains(e.topic())).forEach(e -> types.add(e.type()));
        return types;
    }

    /**
     * Registers an endpoint, once per Idempotency-Key and caller (the token's subject, as service-kit's
     * {@code IdempotencyKeys}: one caller's key is never another's): a repeat with the same request
     * answers the same endpoint (replayed), and its secret only while that has never been rotated;
     * after a rotation the repeat answers the endpoint with {@code secret} null (a secret is shown
     * once, and the one made at registration no longer signs alone). With another request 409
     * IDEMPOTENCY_KEY_REUSED. Until 2026-12-06 a repeat answered the current secret, a rotated one
     * too, to anyone who repeated the key.
     */
    public Uni<Registered> register(Registration request, String idempotencyKey, String caller) {
        URI url = checkUrl(request.url());
        List<String> types = checkTypes(request.eventTypes());
        String secret = request.secret() == null ? newSecret() : checkSecret(request.secret());
        if (idempotencyKey != null && !KEY.matcher(idempotencyKey).matches()) {
            throw ApiException.validation("Idempotency-Key", "must be 1-255 visible ASCII characters");
        }
        String hash = idempotencyKey == null ? null : hash(url.toString(), types, request.secret());
        String id = "wh_" + UUID.randomUUID().toString().replace("-", "");
        return allowed(url).chain(() -> {
            Endpoint row = new Endpoint(id, url.toString(), types, box.seal(id, secret), null, null,
                    creationKey(idempotencyKey, caller), hash, null, null);
            return endpoints.insertOnce(row);
        }).map(stored -> {
            boolean replayed = !stored.endpointId().equals(id);
            if (replayed && !stored.creationHash().equals(hash)) {
                throw ApiException.conflict("IDEMPOTENCY_KEY_REUSED", "Idempotency-Key '" + idempotencyKey
                        + "' was used for another registration");
            }
            // The host only: a receiver's path or query may hold a token of its own.
            Log.infof("Webhook endpoint %s registered for host %s (%s)%s", stored.endpointId(),
                    URI.create(stored.url()).getHost(),
                    String.join(",", stored.eventTypes()), replayed ? ", a repeat" : "");
            String shown = !replayed || stored.rotatedAt() == null ? box.open(stored.endpointId(), stored.secretSealed())
                    : null;
            return new Registered(new Created(stored.endpointId(), stored.url(), stored.eventTypes(),
                    stored.createdAt(), shown), replayed);
        });
    }

    /**
     * The stored creation key: the Idempotency-Key, then the caller's subject. A key has no space
     * (visible ASCII), so the first space ends it and no two (key, caller) pairs meet; keys stored
     * before this scoping (no space) meet none of them.
     */
    static String creationKey(String idempotencyKey, String caller) {
        return idempotencyKey == null ? null : idempotencyKey + " by " + caller;
    }

    public Uni<Page> list(String after, int limit) {
        int size = Math.min(limit, MAX_PAGE);
        return endpoints.page(after, size + 1).map(rows -> {
            List<Endpoint> items = rows.size() > size ? rows.subList(0, size) : rows;
            String next = rows.size() > size ? items.get(items.size() - 1).endpointId() : null;
            return new Page(items.stream().map(View::of).toList(), next);
        });
    }

    public Uni<View> get(String id) {
        return endpoints.byId(id).map(e -> View.of(found(e, id)));
    }

    public Uni<Void> delete(String id) {
        return endpoints.delete(id).map(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("Webhook", id);
            }
            Log.infof("Webhook endpoint %s deleted with its deliveries", id);
            return null;
        });
    }

    /**
     * A new secret (the caller's, or a new random one) signs from now on; the current one keeps
     * signing beside it for {@code points.webhooks.rotation-overlap}. A secret older than the current
     * one stops signing at once.
     */
    public Uni<Rotated> rotate(String id, String requestedSecret) {
        String secret = requestedSecret == null ? newSecret() : checkSecret(requestedSecret);
        Instant until = Instant.now().plus(overlap);
        return endpoints.rotate(id, box.seal(id, secret), until).map(e -> {
            found(e, id);
            Log.infof("Webhook endpoint %s: secret rotated, the old one signs too until %s", id, until);
            return new Rotated(id, secret, until);
        });
    }

    public Uni<DeliveryPage> deadLetters(String id, Long after, int limit) {
        int size = Math.min(limit, MAX_PAGE);
        return endpoints.byId(id).chain(e -> {
            found(e, id);
            return deliveries.dead(id, after == null ? 0 : after, size + 1);
        }).map(rows -> {
            List<Delivery> items = rows.size() > size ? rows.subList(0, size) : rows;
            Long next = rows.size() > size ? items.get(items.size() - 1).deliveryId() : null;
            return new DeliveryPage(items.stream().map(DeliveryView::of).toList(), next);
        });
    }

    /** A dead delivery goes out again, first in its member's queue, with a new retry window. */
    public Uni<DeliveryView> resend(String id, long deliveryId) {
        return deliveries.resend(id, deliveryId, retryWindow).chain(resent -> {
            if (resent != null) {
                Log.infof("Webhook delivery %d of %s (event %s) sent again", deliveryId, id, resent.eventId());
                return Uni.createFrom().item(DeliveryView.of(resent));
            }
            return deliveries.byId(id, deliveryId).map(d -> {
                if (d == null) {
                    throw ApiException.notFound("Delivery", Long.toString(deliveryId));
                }
                throw ApiException.conflict("DELIVERY_NOT_DEAD", "Delivery " + deliveryId + " is " + d.status()
                        + "; only a DEAD delivery is sent again");
            });
        });
    }

    private static Endpoint found(Endpoint e, String id) {
        if (e == null) {
            throw ApiException.notFound("Webhook", id);
        }
        return e;
    }

    private Uni<Void> allowed(URI url) {
        return Uni.createFrom().item(() -> addresses.refusal(url))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .map(refusal -> {
                    if (refusal != null) {
                        throw new ApiException(422, "URL_NOT_ALLOWED", "The URL is not an outside receiver",
                                "url: " + refusal);
                    }
                    return null;
                });
    }

    static URI checkUrl(String text) {
        if (text == null || text.isBlank()) {
            throw ApiException.validation("url", "is required");
        }
        if (text.length() > MAX_URL_CHARS) {
            throw ApiException.validation("url", "is longer than " + MAX_URL_CHARS + " characters");
        }
        URI url;
        try {
            url = new URI(text);
        } catch (URISyntaxException e) {
            throw ApiException.validation("url", "is not a URL");
        }
        if (!"https".equalsIgnoreCase(url.getScheme()) && !"http".equalsIgnoreCase(url.getScheme())) {
            throw ApiException.validation("url", "must be an absolute http or https URL");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw ApiException.validation("url", "has no host");
        }
        // java.net.URI takes any number of digits as a port; the HTTP client refuses every attempt at one
        // outside 1-65535 (and 0 is no port to send to).
        if (url.getPort() != -1 && (url.getPort() < 1 || url.getPort() > 65535)) {
            throw ApiException.validation("url", "has a port outside 1-65535");
        }
        if (url.getRawUserInfo() != null) {
            throw ApiException.validation("url", "must not hold a user or password (they would be stored in clear)");
        }
        if (url.getRawFragment() != null) {
            throw ApiException.validation("url", "must not have a fragment");
        }
        return url;
    }

    static List<String> checkTypes(List<String> types) {
        if (types == null || types.isEmpty()) {
            throw ApiException.validation("eventTypes", "name at least one event type");
        }
        if (types.size() > MAX_EVENT_TYPES) {
            throw ApiException.validation("eventTypes", "at most " + MAX_EVENT_TYPES + " event types");
        }
        Set<String> known = subscribableTypes();
        Set<String> unique = new LinkedHashSet<>();
        for (String type : types) {
            if (type == null || !known.contains(type)) {
                throw ApiException.validation("eventTypes", "'" + type + "' is not an event type of points.ledger,"
                        + " members or redemptions: " + String.join(", ", known));
            }
            unique.add(type);
        }
        return new ArrayList<>(new TreeSet<>(unique));
    }

    static String checkSecret(String secret) {
        if (!secret.startsWith(SECRET_PREFIX)) {
            throw ApiException.validation("secret", "must be whsec_ followed by base64 of 24 to 64 random bytes");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw ApiException.validation("secret", "must be whsec_ followed by base64 of 24 to 64 random bytes");
        }
        if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
            throw ApiException.validation("secret", "must be whsec_ followed by base64 of 24 to 64 random bytes,"
                    + " got " + key.length + " bytes");
        }
        return secret;
    }

    private String newSecret() {
        byte[] key = new byte[SECRET_BYTES];
        random.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The request as the key remembers it: a hash, so a caller's secret is not stored in clear beside its key. */
    private static String hash(String url, List<String> types, String secret) {
        String canonical = url + "\n" + String.join(",", types) + "\n" + (secret == null ? "" : secret);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
