package io.pointsplatform.redemption.redemption.service;

import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.Locale;

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
        StringBuilder plain = new StringBuilder(LENGTH);
        for (int i = 0; i < LENGTH; i++) {
            plain.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return grouped(plain);
    }

    /**
     * A code as a cashier may type it (lower case, without the dashes) in the form it was issued:
     * upper case, in groups of four. Anything that is not 20 letters of the alphabet is returned as
     * typed, upper-cased, and matches no voucher.
     */
    public static String canonical(String typed) {
        String plain = typed.replace("-", "").toUpperCase(Locale.ROOT);
        if (plain.length() != LENGTH || !plain.chars().allMatch(ch -> ALPHABET.indexOf(ch) >= 0)) {
            return typed.toUpperCase(Locale.ROOT);
        }
        return grouped(plain);
    }

    private static String grouped(CharSequence plain) {
        StringBuilder code = new StringBuilder(LENGTH + LENGTH / 4);
        for (int i = 0; i < plain.length(); i++) {
            if (i > 0 && i % 4 == 0) {
                code.append('-');
            }
            code.append(plain.charAt(i));
        }
        return code.toString();
    }
}
