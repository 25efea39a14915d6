package io.pointsplatform.redemption;

import io.pointsplatform.kit.Fingerprints;

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
        return prefix + Fingerprints.sha256(String.join("\n", parts)).substring(0, hexChars);
    }
}
