package io.pointsplatform.kit.security;

import io.smallrye.jwt.build.Jwt;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The bearer token a service sends when it calls another service: role {@code service}, subject
 * the calling service's name, signed with {@code smallrye.jwt.sign.key.location}, valid a few
 * minutes and made again before it runs out. Where an identity provider issues the tokens instead,
 * this is the one place that would ask it (client credentials).
 */
@ApplicationScoped
public class ServiceTokens {

    private final String subject;
    private final String issuer;
    private final String audience;
    private final Duration ttl;
    private final Clock clock;

    private volatile String token;
    private volatile Instant renewAt = Instant.MIN;

    public ServiceTokens(@ConfigProperty(name = "quarkus.application.name") String subject,
                         @ConfigProperty(name = "mp.jwt.verify.issuer") String issuer,
                         @ConfigProperty(name = "mp.jwt.verify.audiences") String audience,
                         @ConfigProperty(name = "points.service-token.ttl-seconds", defaultValue = "300") long ttlSeconds) {
        this.subject = subject;
        this.issuer = issuer;
        this.audience = audience.split(",")[0].trim();
        this.ttl = Duration.ofSeconds(ttlSeconds);
        this.clock = Clock.systemUTC();
    }

    /** {@code "Bearer <jwt>"}, for an {@code Authorization} header. */
    public String authorization() {
        return "Bearer " + token();
    }

    public String token() {
        Instant now = clock.instant();
        String current = token;
        if (current == null || now.isAfter(renewAt)) {
            synchronized (this) {
                if (token == null || now.isAfter(renewAt)) {
                    token = Jwt.issuer(issuer)
                            .audience(audience)
                            .subject(subject)
                            .upn(subject)
                            .groups(Set.of(Roles.SERVICE))
                            .issuedAt(now)
                            .expiresAt(now.plus(ttl))
                            .sign();
                    renewAt = now.plus(ttl.dividedBy(2));
                }
                current = token;
            }
        }
        return current;
    }
}
