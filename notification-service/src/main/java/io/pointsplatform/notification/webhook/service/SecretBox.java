package io.pointsplatform.notification.webhook.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Seals endpoint secrets for the database: AES-GCM under {@code points.webhooks.secret-key}, a fresh
 * 12-byte nonce before the ciphertext, the endpoint id as associated data so a sealed secret moved to
 * another row does not open. The key never leaves this class and no secret is ever logged.
 */
@ApplicationScoped
public class SecretBox {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(@ConfigProperty(name = "points.webhooks.secret-key", defaultValue = "") String key) {
        this.key = new SecretKeySpec(decodeKey(key), "AES");
    }

    public static byte[] decodeKey(String key) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("points.webhooks.secret-key is not base64");
        }
        if (bytes.length != 32) {
            throw new IllegalStateException("points.webhooks.secret-key must be base64 of 32 random bytes (AES-256),"
                    + " got " + bytes.length + " bytes; deploy/local/up.sh makes one");
        }
        return bytes;
    }

    public byte[] seal(String endpointId, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(endpointId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    public String open(String endpointId, byte[] sealed) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            cipher.updateAAD(endpointId.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the secret of endpoint " + endpointId
                    + " does not open with points.webhooks.secret-key (another key, or altered)");
        }
    }
}
