package io.pointsplatform.notification.preference;

import io.pointsplatform.notification.webhook.service.SecretBox;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One-click unsubscribe links (RFC 8058) for the e-mails of a list a member may leave without logging
 * in: today {@value #MARKETING}. A link names the member and the list and carries an HMAC-SHA256 of
 * both, so it cannot be made for another member; its key is derived from the service's secret key
 * ({@code points.webhooks.secret-key}, through HMAC with a label of its own), so there is no second
 * secret to deploy. Links point at {@code points.notices.unsubscribe.base-url}, the service's public
 * address; without one, e-mails carry no link.
 */
@ApplicationScoped
public class UnsubscribeLinks {

    /** The one list a link leaves: marketing e-mails. */
    public static final String MARKETING = "marketing";

    private static final String LABEL = "points-platform one-click unsubscribe v1";

    private final SecretKeySpec key;
    private final Optional<String> baseUrl;

    public UnsubscribeLinks(@ConfigProperty(name = "points.webhooks.secret-key", defaultValue = "") String secretKey,
                            @ConfigProperty(name = "points.notices.unsubscribe.base-url") Optional<String> baseUrl) {
        this.key = new SecretKeySpec(hmac(new SecretKeySpec(SecretBox.decodeKey(secretKey), "HmacSHA256"),
                LABEL.getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
        this.baseUrl = baseUrl.map(url -> url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }

    /** The link that takes {@code memberId} off {@code list}; empty when no base URL is configured. */
    public Optional<String> link(String memberId, String list) {
        return baseUrl.map(base -> base + "/api/v1/unsubscribe?member=" + URLEncoder.encode(memberId, StandardCharsets.UTF_8)
                + "&list=" + list + "&sig=" + signature(memberId, list));
    }

    /** Whether {@code sig} is this service's signature of the member and the list (in constant time). */
    public boolean verify(String memberId, String list, String sig) {
        return sig != null && MessageDigest.isEqual(signature(memberId, list).getBytes(StandardCharsets.US_ASCII),
                sig.getBytes(StandardCharsets.US_ASCII));
    }

    String signature(String memberId, String list) {
        byte[] mac = hmac(key, (memberId + "\n" + list).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    }

    private static byte[] hmac(SecretKeySpec key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 failed", e);
        }
    }
}
