package io.pointsplatform.kit.security;

import io.smallrye.jwt.build.Jwt;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * {@code deploy/local/token.sh ROLE [SUBJECT]}: prints one signed JWT on stdout for the local
 * stack, minted by smallrye-jwt-build. Env: POINTS_JWT_PRIVATE_KEY_FILE (required),
 * POINTS_JWT_ISSUER (points-local), POINTS_JWT_AUDIENCE (points-platform), TOKEN_TTL_SECONDS (3600).
 */
public final class TokenTool {

    static final List<String> ROLES = List.of(Roles.CHECKOUT, Roles.MEMBER, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE);

    private TokenTool() {
    }

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2 || !ROLES.contains(args[0])) {
            System.err.println("usage: token.sh ROLE [SUBJECT]; ROLE: " + String.join(" ", ROLES));
            System.exit(2);
        }
        String role = args[0];
        String subject = args.length == 2 ? args[1] : role + "-local";
        if (subject.isBlank()) {
            System.err.println("token.sh: SUBJECT must not be empty");
            System.exit(2);
        }
        String keyFile = System.getenv("POINTS_JWT_PRIVATE_KEY_FILE");
        if (keyFile == null || keyFile.isBlank()) {
            System.err.println("token.sh: POINTS_JWT_PRIVATE_KEY_FILE is not set");
            System.exit(2);
        }
        long ttlSeconds = Long.parseLong(env("TOKEN_TTL_SECONDS", "3600"));
        Instant now = Instant.now();
        String token = Jwt.issuer(env("POINTS_JWT_ISSUER", "points-local"))
                .audience(env("POINTS_JWT_AUDIENCE", "points-platform"))
                .subject(subject)
                .upn(subject)
                .groups(Set.of(role))
                .issuedAt(now)
                .expiresAt(now.plusSeconds(ttlSeconds))
                .claim("jti", UUID.randomUUID().toString())
                .jws().algorithm(io.smallrye.jwt.algorithm.SignatureAlgorithm.RS256)
                .sign(keyFile.startsWith("file:") ? keyFile : "file:" + keyFile);
        System.out.println(token);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
