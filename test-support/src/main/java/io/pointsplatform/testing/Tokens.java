package io.pointsplatform.testing;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;

/**
 * Signed JWTs for tests, minted with smallrye-jwt-build: one RSA key pair per test JVM, its public
 * key written as a PEM file and as a JWK set ({@link PlatformTestResource} points the service at
 * the PEM), and tokens for every role, plus the ones a service must refuse (expired, another key,
 * another audience, another issuer).
 */
public final class Tokens {

    public static final String ISSUER = "points-local";
    public static final String AUDIENCE = "points-platform";
    public static final String KEY_ID = "test-key-1";

    private static KeyPair keys;
    private static KeyPair otherKeys;
    private static Path publicKeyPem;
    private static Path jwks;
    private static Path privateKeyPem;

    private Tokens() {
    }

    public static String checkout() {
        return of("checkout", "checkout-test");
    }

    public static String admin() {
        return of("admin", "admin-1");
    }

    /** Another admin: the checker of a maker-checker pair. */
    public static String admin(String subject) {
        return of("admin", subject);
    }

    public static String analyst() {
        return of("analyst", "analyst-1");
    }

    public static String service() {
        return of("service", "test-service");
    }

    public static String member(String memberId) {
        return of("member", memberId);
    }

    /** A valid token for ROLE and SUBJECT, an hour long. */
    public static String of(String role, String subject) {
        return sign(claims(role, subject, Instant.now().plusSeconds(3600)), keys());
    }

    /** A valid token with several roles (an identity provider's groups), an hour long. */
    public static String withRoles(String subject, String... roles) {
        return sign(claims(roles[0], subject, Instant.now().plusSeconds(3600)).groups(Set.of(roles)), keys());
    }

    /** Expired two minutes ago: beyond the 60 s clock skew. */
    public static String expired(String role, String subject) {
        return sign(claims(role, subject, Instant.now().minusSeconds(120)).issuedAt(Instant.now().minusSeconds(3600)), keys());
    }

    /** Signed by a key the services do not know. */
    public static String otherKey(String role, String subject) {
        return sign(claims(role, subject, Instant.now().plusSeconds(3600)), otherKeys());
    }

    public static String otherAudience(String role, String subject) {
        return sign(claims(role, subject, Instant.now().plusSeconds(3600)).audience("somebody-else"), keys());
    }

    public static String otherIssuer(String role, String subject) {
        return sign(claims(role, subject, Instant.now().plusSeconds(3600)).issuer("https://issuer.invalid"), keys());
    }

    /** The PEM file of the public key every service under test verifies with. */
    public static synchronized Path publicKeyPem() {
        keys();
        return publicKeyPem;
    }

    /** The same public key as a JWK set file, the form an identity provider's JWKS URL serves. */
    public static synchronized Path jwks() {
        keys();
        return jwks;
    }

    /** The PKCS#8 PEM of the private key, for a service that signs its own service tokens. */
    public static synchronized Path privateKeyPem() {
        keys();
        return privateKeyPem;
    }

    private static JwtClaimsBuilder claims(String role, String subject, Instant expiresAt) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject(subject).upn(subject).groups(Set.of(role))
                .issuedAt(Instant.now()).expiresAt(expiresAt);
    }

    private static String sign(JwtClaimsBuilder claims, KeyPair pair) {
        return claims.jws().algorithm(SignatureAlgorithm.RS256).keyId(KEY_ID).sign(pair.getPrivate());
    }

    private static synchronized KeyPair keys() {
        if (keys == null) {
            keys = generate();
            try {
                Path dir = Files.createTempDirectory("points-jwt");
                dir.toFile().deleteOnExit();
                publicKeyPem = dir.resolve("jwt-public.pem");
                privateKeyPem = dir.resolve("jwt-private.pem");
                jwks = dir.resolve("jwks.json");
                Files.writeString(publicKeyPem, pem("PUBLIC KEY", keys.getPublic().getEncoded()));
                Files.writeString(privateKeyPem, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
                Files.writeString(jwks, jwkSet((RSAPublicKey) keys.getPublic()));
                for (Path p : new Path[] {publicKeyPem, privateKeyPem, jwks}) {
                    p.toFile().deleteOnExit();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return keys;
    }

    private static synchronized KeyPair otherKeys() {
        if (otherKeys == null) {
            otherKeys = generate();
        }
        return otherKeys;
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String jwkSet(RSAPublicKey key) {
        return "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + KEY_ID + "\",\"n\":\""
                + unsigned(key.getModulus()) + "\",\"e\":\"" + unsigned(key.getPublicExponent()) + "\"}]}";
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = java.util.Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
