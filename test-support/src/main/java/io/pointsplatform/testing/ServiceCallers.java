package io.pointsplatform.testing;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.util.KeyUtils;
import java.nio.file.Files;
import java.util.Set;

/**
 * For in-test stand-ins of another service (a fake ledger, a fake catalog): checks a request's
 * {@code Authorization} header as the real service would, a valid bearer token with the role
 * {@code service} (signed by the test key, from the platform's issuer, for its audience, not
 * expired), so a call sent without the caller's service token fails the tests.
 */
public final class ServiceCallers {

    private static DefaultJWTParser parser;

    private ServiceCallers() {
    }

    /** The subject of the header's service token; IllegalArgumentException saying why it has none that is valid. */
    public static String subject(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            throw new IllegalArgumentException("no bearer token");
        }
        try {
            var token = parser().parse(authorization.substring("Bearer ".length()));
            if (!token.getGroups().contains("service")) {
                throw new IllegalArgumentException("the token's roles " + token.getGroups() + " do not include service");
            }
            return token.getSubject();
        } catch (ParseException e) {
            throw new IllegalArgumentException("the token does not verify: " + e.getMessage());
        }
    }

    private static synchronized DefaultJWTParser parser() {
        if (parser == null) {
            try {
                JWTAuthContextInfo verification = new JWTAuthContextInfo(
                        KeyUtils.decodePublicKey(Files.readString(Tokens.publicKeyPem())), Tokens.ISSUER);
                verification.setExpectedAudience(Set.of(Tokens.AUDIENCE));
                parser = new DefaultJWTParser(verification);
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the test key", e);
            }
        }
        return parser;
    }
}
