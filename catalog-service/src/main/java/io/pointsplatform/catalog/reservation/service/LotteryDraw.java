package io.pointsplatform.catalog.reservation.service;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A lottery's draw as a pure function of a seed and a prize table, so an auditor can run it again.
 *
 * <p>The seed's SHA-256 (of its UTF-8 bytes) gives a ticket: its first eight bytes as an unsigned
 * number, modulo one million (the bias this leaves is below 10^-12). The table is walked in order,
 * each prize owning the next {@code oddsPpm} tickets; tickets past every prize are "no prize". A
 * prize out of stock keeps its tickets, and a ticket falling on them is "no prize": the published odds
 * of every other prize never change with another's stock, and an empty prize is never drawn.
 */
public final class LotteryDraw {

    public static final int TICKETS = 1_000_000;
    private static final int SEED_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private LotteryDraw() {
    }

    /** One line of the table as it was at the draw: odds in millionths and whether any was left. */
    public record Line(String prizeId, String name, int oddsPpm, boolean inStock) {
    }

    /** The ticket drawn and the prize it won (null: no prize). */
    public record Outcome(int ticket, Line prize) {
    }

    /** A fresh seed: 32 bytes from SecureRandom, as hex. */
    public static String newSeed() {
        byte[] seed = new byte[SEED_BYTES];
        RANDOM.nextBytes(seed);
        return HexFormat.of().formatHex(seed);
    }

    public static int ticket(String seed) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return (int) Long.remainderUnsigned(ByteBuffer.wrap(digest, 0, Long.BYTES).getLong(), TICKETS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    public static Outcome draw(String seed, List<Line> table) {
        int ticket = ticket(seed);
        long upTo = 0;
        for (Line line : table) {
            upTo += line.oddsPpm();
            if (ticket < upTo) {
                return new Outcome(ticket, line.inStock() ? line : null);
            }
        }
        return new Outcome(ticket, null);
    }
}
