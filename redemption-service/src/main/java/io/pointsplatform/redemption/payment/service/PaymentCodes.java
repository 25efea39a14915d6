package io.pointsplatform.redemption.payment.service;

import io.pointsplatform.kit.Fingerprints;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.redemption.payment.repository.PaymentRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The member's consent to pay with points: a one-time payment code its app asks for and shows at
 * the till (a barcode of 18 digits, as wallet apps show), which the checkout sends with the payment.
 * A code pays one payment of its member, within {@code points.payment.code-ttl-seconds} (120) of
 * being made; only its SHA-256 is kept. 18 random digits are about 60 bits: a till guessing a live
 * code of some member among a million live codes would need about 10^12 tries a hit.
 */
@ApplicationScoped
public class PaymentCodes {

    private static final long BOUND = 1_000_000_000_000_000_000L;
    private static final int ATTEMPTS = 3;

    private final PaymentRepository repository;
    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();

    public PaymentCodes(PaymentRepository repository, Clock clock,
                        @ConfigProperty(name = "points.payment.code-ttl-seconds") long ttlSeconds) {
        if (ttlSeconds <= 0) {
            throw new IllegalArgumentException("points.payment.code-ttl-seconds must be positive, was " + ttlSeconds);
        }
        this.repository = repository;
        this.clock = clock;
        this.ttl = Duration.ofSeconds(ttlSeconds);
    }

    /** A new code of the member's and when it lapses. */
    public record Code(String code, String memberId, Instant expiresAt) {
    }

    /** Makes a new code for the member (codes already made stay valid until they lapse or are used). */
    public Uni<Code> issue(String memberId) {
        return issue(memberId, ATTEMPTS);
    }

    private Uni<Code> issue(String memberId, int attemptsLeft) {
        String code = String.format("%018d", random.nextLong(BOUND));
        Instant now = clock.instant();
        Instant expiresAt = now.plus(ttl);
        return repository.recordCode(hash(code), memberId, now, expiresAt).chain(recorded -> {
            if (recorded) {
                return Uni.createFrom().item(new Code(code, memberId, expiresAt));
            }
            if (attemptsLeft <= 1) {
                return Uni.createFrom().failure(new IllegalStateException("No free payment code in " + ATTEMPTS
                        + " draws"));
            }
            return issue(memberId, attemptsLeft - 1);
        });
    }

    /** Deletes codes lapsed over a day ago (used or not): the number, up to {@code limit}. */
    public Uni<Integer> forgetLapsed(int limit) {
        return repository.forgetCodes(clock.instant().minus(Duration.ofDays(1)), limit);
    }

    /** What is kept of a code. */
    static String hash(String code) {
        return Fingerprints.sha256("payment-code:" + code);
    }

    /** Why a payment's code did not admit it, as the answer to the checkout. */
    static ApiException refused(PaymentRepository.CodeRefusal why, String memberId) {
        return switch (why) {
            case UNKNOWN -> new ApiException(422, "PAYMENT_CODE_INVALID", "Not the member's payment code",
                    "The payment code is not one member '" + memberId + "' made: ask the member to show the code again");
            case EXPIRED -> new ApiException(422, "PAYMENT_CODE_EXPIRED", "The payment code lapsed",
                    "The payment code lapsed: the member's app shows a new one");
            case USED -> new ApiException(422, "PAYMENT_CODE_USED", "The payment code was used",
                    "The payment code paid another payment already: a code pays once; the member's app shows a new one");
        };
    }
}
