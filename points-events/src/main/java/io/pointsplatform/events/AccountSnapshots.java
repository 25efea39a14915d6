package io.pointsplatform.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An {@link Account} as JSON (an {@link AccountState}), for services that keep a per-member snapshot. */
public final class AccountSnapshots {

    private AccountSnapshots() {
    }

    /**
     * The account's {@link AccountState} as JSON: the text the codec's mapper writes for it, written
     * here by hand, since every decision, every view update and a rebuild's every account writes one
     * (a busy member's has dozens of lots, two timestamps each). Written from the account itself,
     * without making its {@link AccountState} (whose checks the fold already keeps, and which the
     * snapshot meets again when it is read). Property tests hold the text to the mapper's.
     */
    public static String toJson(Account account) {
        return new String(toJsonBytes(account), StandardCharsets.UTF_8);
    }

    /**
     * {@link #toJson} as the UTF-8 bytes it is stored as, made in one array of the exact size:
     * each lot's object is kept, as bytes, until the lot changes, so writing an account after a
     * credit copies its lots rather than writing them again.
     */
    public static byte[] toJsonBytes(Account account) {
        return toJsonBytes(account, true);
    }

    /**
     * {@link #toJsonBytes(Account)}; with {@code keepLotTexts} false the account keeps no lot's text
     * (for an account written once and dropped, as a rebuild writes millions: kept, they would
     * take about a third more memory than the lots themselves).
     */
    public static byte[] toJsonBytes(Account account, boolean keepLotTexts) {
        Map<String, List<Allocation>> holds = account.holds();
        byte[] head = begin(account.figures(), 0, 0).toString().getBytes(StandardCharsets.UTF_8);
        byte[][] lots = account.lotTexts(AccountSnapshots::lotBytes, keepLotTexts);
        byte[] tail = end(new StringBuilder(16 + 64 * holds.size()), holds.size() < 2 ? holds : new TreeMap<>(holds))
                .getBytes(StandardCharsets.UTF_8);
        int size = head.length + tail.length + Math.max(0, lots.length - 1);
        for (byte[] lot : lots) {
            size += lot.length;
        }
        byte[] out = new byte[size];
        System.arraycopy(head, 0, out, 0, head.length);
        int at = head.length;
        for (int i = 0; i < lots.length; i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            System.arraycopy(lots[i], 0, out, at, lots[i].length);
            at += lots[i].length;
        }
        System.arraycopy(tail, 0, out, at, tail.length);
        return out;
    }

    static String write(AccountState state) {
        StringBuilder out = begin(state.figures(), state.lots().size(), state.holds().size());
        boolean first = true;
        for (Lot lot : state.lots()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(lot(lot.lotId(), lot.points(), lot.remaining(), lot.availableAt(), lot.expiresAt(), lot.origin()));
        }
        return end(out, state.holds());
    }

    private static StringBuilder begin(AccountFigures figures, int lots, int holds) {
        StringBuilder out = new StringBuilder(320 + 150 * lots + 64 * holds);
        out.append("{\"memberId\":");
        string(out, figures.memberId());
        out.append(",\"tier\":");
        string(out, figures.tier());
        out.append(",\"lifetimeEarned\":").append(figures.lifetimeEarned())
                .append(",\"spent\":").append(figures.spent())
                .append(",\"expired\":").append(figures.expired())
                .append(",\"reversed\":").append(figures.reversed())
                .append(",\"debt\":").append(figures.debt())
                .append(",\"adjustedIn\":").append(figures.adjustedIn())
                .append(",\"adjustedOut\":").append(figures.adjustedOut())
                .append(",\"reserved\":").append(figures.reserved())
                .append(",\"lots\":[");
        return out;
    }

    private static byte[] lotBytes(String lotId, long points, long remaining, Instant availableAt, Instant expiresAt,
                                   OriginKind origin) {
        return lot(lotId, points, remaining, availableAt, expiresAt, origin).getBytes(StandardCharsets.UTF_8);
    }

    /** One lot's object in the lots array. */
    private static String lot(String lotId, long points, long remaining, Instant availableAt, Instant expiresAt,
                              OriginKind origin) {
        StringBuilder out = new StringBuilder(160);
        out.append("{\"lotId\":");
        string(out, lotId);
        out.append(",\"points\":").append(points).append(",\"remaining\":").append(remaining);
        if (availableAt != null) {
            out.append(",\"availableAt\":\"");
            Timestamps.append(out, availableAt);
            out.append('"');
        }
        out.append(",\"expiresAt\":\"");
        Timestamps.append(out, expiresAt);
        out.append('"');
        if (origin != null) {
            out.append(",\"origin\":\"").append(origin.name()).append('"');
        }
        return out.append('}').toString();
    }

    /** Closes the lots and writes the holds, in hold id order as given. */
    private static String end(StringBuilder out, Map<String, List<Allocation>> holds) {
        out.append("],\"holds\":{");
        boolean first = true;
        for (Map.Entry<String, List<Allocation>> hold : holds.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, hold.getKey());
            out.append(":[");
            for (int i = 0; i < hold.getValue().size(); i++) {
                Allocation allocation = hold.getValue().get(i);
                out.append(i == 0 ? "{\"lotId\":" : ",{\"lotId\":");
                string(out, allocation.lotId());
                out.append(",\"points\":").append(allocation.points()).append('}');
            }
            out.append(']');
        }
        return out.append("}}").toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /** A JSON string, escaped as Jackson escapes it: quote, backslash and control characters only. */
    private static void string(StringBuilder out, String text) {
        out.append('"');
        int plain = 0;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(text, plain, i);
            plain = i + 1;
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
        }
        out.append(text, plain, text.length()).append('"');
    }

    /** The account a snapshot describes: read directly when in the plain form, else by the codec's mapper. */
    public static Account fromJson(String json) {
        if (json == null) {
            throw new EventFormatException("no account snapshot (null)");
        }
        AccountState plain = CanonicalReader.accountState(json.getBytes(StandardCharsets.UTF_8));
        if (plain != null) {
            return Account.restore(plain);
        }
        try {
            return Account.restore(EventCodec.mapper().readValue(json, AccountState.class));
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new EventFormatException("invalid account snapshot: " + cause.getMessage(), e);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new EventFormatException("invalid account snapshot: " + e.getMessage(), e);
        }
    }
}
