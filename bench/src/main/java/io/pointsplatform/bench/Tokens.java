package io.pointsplatform.bench;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * Bearer tokens signed with the local stack's private key, with the claims deploy/local/token.sh
 * gives (iss, aud, sub = upn = the subject, groups = [role], iat, exp): the key is
 * {@code <run dir>/keys/jwt-private.pem} (PKCS#8 PEM), issuer and audience
 * {@code -Dpoints.bench.jwt.issuer} / {@code -Dpoints.bench.jwt.audience} (points-local,
 * points-platform).
 */
public final class Tokens {

    private final PrivateKey key;
    private final String issuer;
    private final String audience;

    public Tokens(Path privateKeyPem, String issuer, String audience) throws IOException, GeneralSecurityException {
        String base64 = Files.readString(privateKeyPem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        this.key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        this.issuer = issuer;
        this.audience = audience;
    }

    /** The key of {@code -Dpoints.bench.jwt.private-key} (default the local stack's), issuer and audience as token.sh's. */
    public static Tokens fromSystemProperties() throws IOException, GeneralSecurityException {
        return new Tokens(Path.of(System.getProperty("points.bench.jwt.private-key", "deploy/local/.run/keys/jwt-private.pem")),
                System.getProperty("points.bench.jwt.issuer", "points-local"),
                System.getProperty("points.bench.jwt.audience", "points-platform"));
    }

    /** A token for {@code role} (checkout, member, admin, analyst, service) whose subject is {@code subject}. */
    public String mint(String role, String subject, Duration ttl) {
        Instant now = Instant.now();
        return Jwt.issuer(issuer).audience(audience).subject(subject).upn(subject).groups(Set.of(role))
                .issuedAt(now).expiresAt(now.plus(ttl))
                .jws().algorithm(SignatureAlgorithm.RS256).sign(key);
    }
}
