package io.pointsplatform.kit.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import javax.crypto.SecretKey;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * The bearer tokens this service has already verified, so that a caller sending the same token
 * again (a till, a mobile app, another service: each keeps one token for minutes) is not checked
 * again with RSA on every request. Everything else is smallrye-jwt's own {@link DefaultJWTParser}.
 *
 * <p>Keyed by the whole token text, so a changed byte (another signature, another claim) is a
 * miss and verified in full; failures are never kept. A kept token is dropped when it expires
 * (its {@code exp} plus the configured clock skew, as the verifier allows) and at the latest
 * {@code points.jwt.verified-cache.max-age-seconds} after it was verified, so a key removed from
 * an identity provider's JWKS stops working within that time. Bounded by
 * {@code points.jwt.verified-cache.size} (0 turns the cache off). The cost it saves is measured in
 * docs/benchmarks.md ("The edge's cost").
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {

    private final DefaultJWTParser verifier;
    private final Cache<String, JsonWebToken> verified;

    @Inject
    public VerifiedTokens(DefaultJWTParser verifier,
                          @ConfigProperty(name = "points.jwt.verified-cache.size", defaultValue = "10000") long size,
                          @ConfigProperty(name = "points.jwt.verified-cache.max-age-seconds", defaultValue = "60") long maxAgeSeconds,
                          @ConfigProperty(name = "mp.jwt.verify.clock.skew", defaultValue = "60") long skewSeconds) {
        this.verifier = verifier;
        this.verified = size <= 0 ? null : Caffeine.newBuilder()
                .maximumSize(size)
                .expireAfter(untilExpiry(Duration.ofSeconds(maxAgeSeconds), Duration.ofSeconds(skewSeconds)))
                .build();
    }

    /** How long a verified token may be kept: until its exp plus the skew, never longer than maxAge. */
    static Expiry<String, JsonWebToken> untilExpiry(Duration maxAge, Duration skew) {
        return Expiry.creating((token, jwt) -> {
            long acceptedUntilMillis = (jwt.getExpirationTime() + skew.toSeconds()) * 1000;
            long left = acceptedUntilMillis - System.currentTimeMillis();
            return left <= 0 ? Duration.ZERO : Duration.ofMillis(Math.min(left, maxAge.toMillis()));
        });
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        if (verified == null) {
            return verifier.parse(token);
        }
        JsonWebToken known = verified.getIfPresent(token);
        if (known != null) {
            return known;
        }
        JsonWebToken fresh = verifier.parse(token);
        verified.put(token, fresh);
        return fresh;
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }
}
