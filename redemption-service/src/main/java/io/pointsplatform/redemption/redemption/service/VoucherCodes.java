package io.pointsplatform.redemption.redemption.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;

/**
 * Voucher codes: 20 characters from a 31-letter alphabet without the look-alikes 0/O, 1/I/L
 * (about 99 bits from {@link SecureRandom}), shown in groups of four: {@code 7KQX-M2RD-…}. Nobody
 * guesses one; the database's unique index catches the (never expected) repeat, and a new code is drawn.
 */
@ApplicationScoped
public class VoucherCodes {

    static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    static final int LENGTH = 20;

    private final SecureRandom random = new SecureRandom();

    public String next() {
        StringBuilder code = new StringBuilder(LENGTH + LENGTH / 4);
        for (int i = 0; i < LENGTH; i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }
}
