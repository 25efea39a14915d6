package io.pointsplatform.kit.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Set;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** The cache in front of smallrye-jwt never accepts what the verifier alone would refuse. */
class VerifiedTokensTest {

    private static final KeyPair KEYS = keyPair();
    private static final KeyPair OTHER_KEYS = keyPair();

    private final VerifiedTokens tokens = new VerifiedTokens(verifier(0), 100, 60, 0);

    @Test
    void aTokenVerifiedOnceIsServedAgainWithoutAnotherCheck() throws ParseException {
        String token = token(KEYS, Instant.now().plusSeconds(300));
        JsonWebToken first = tokens.parse(token);
        assertThat(first.getSubject()).isEqualTo("m-1");
        assertThat(tokens.parse(token)).isSameAs(first);
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefusedEveryTime() {
        String forged = token(OTHER_KEYS, Instant.now().plusSeconds(300));
        assertThatThrownBy(() -> tokens.parse(forged)).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> tokens.parse(forged)).isInstanceOf(ParseException.class);
    }

    @Test
    void aChangedByteIsAMissAndIsVerifiedInFull() throws ParseException {
        String token = token(KEYS, Instant.now().plusSeconds(300));
        tokens.parse(token);
        String payloadSwapped = token.substring(0, token.indexOf('.') + 1)
                + token(OTHER_KEYS, Instant.now().plusSeconds(300)).split("\\.")[1]
                + token.substring(token.lastIndexOf('.'));
        assertThatThrownBy(() -> tokens.parse(payloadSwapped)).isInstanceOf(ParseException.class);
    }

    @Test
    void aKeptTokenIsDroppedWhenItExpires() throws Exception {
        String token = token(KEYS, Instant.now().plusSeconds(2));
        assertThat(tokens.parse(token).getSubject()).isEqualTo("m-1");
        Thread.sleep(2_500);
        assertThatThrownBy(() -> tokens.parse(token)).isInstanceOf(ParseException.class);
    }

    @Test
    void sizeZeroVerifiesEveryTime() throws ParseException {
        VerifiedTokens uncached = new VerifiedTokens(verifier(0), 0, 60, 0);
        String token = token(KEYS, Instant.now().plusSeconds(300));
        assertThat(uncached.parse(token)).isNotSameAs(uncached.parse(token));
    }

    private static DefaultJWTParser verifier(int skewSeconds) {
        JWTAuthContextInfo context = new JWTAuthContextInfo((RSAPublicKey) KEYS.getPublic(), "points-test");
        context.setExpectedAudience(Set.of("points-platform"));
        context.setClockSkew(skewSeconds);
        context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256));
        return new DefaultJWTParser(context);
    }

    private static String token(KeyPair keys, Instant expiresAt) {
        return Jwt.issuer("points-test").audience("points-platform").subject("m-1").upn("m-1")
                .groups(Set.of(Roles.MEMBER)).expiresAt(expiresAt).sign(keys.getPrivate());
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
