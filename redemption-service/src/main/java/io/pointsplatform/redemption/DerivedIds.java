package io.pointsplatform.redemption;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Ids derived from other ids, so that a retried call names the same thing: a redemption from its
 * member and Idempotency-Key, a ledger return from a payment and its refund. Hex of SHA-256, cut
 * to fit the platform's 64-character ids.
 */
public final class DerivedIds {

    private DerivedIds() {
    }

    /** {@code prefix} and the first {@code hexChars} hex digits of SHA-256 over the parts, joined by newlines. */
    public static String of(String prefix, int hexChars, String... parts) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
            return prefix + HexFormat.of().formatHex(digest).substring(0, hexChars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
