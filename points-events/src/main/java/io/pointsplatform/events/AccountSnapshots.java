package io.pointsplatform.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** An {@link Account} as JSON (an {@link AccountState}), for services that keep a per-member snapshot. */
public final class AccountSnapshots {

    private AccountSnapshots() {
    }

    /**
     * The account's {@link AccountState} as JSON: the text the codec's mapper writes for it, written
     * here by hand, since every decision, every view update and a rebuild's every account writes one
     * (a busy member's has dozens of lots, two timestamps each). A property test holds the two to
     * the same text.
     */
    public static String toJson(Account account) {
        return write(account.snapshot());
    }

    static String write(AccountState state) {
        StringBuilder out = new StringBuilder(320 + 150 * state.lots().size() + 64 * state.holds().size());
        out.append("{\"memberId\":");
        string(out, state.memberId());
        out.append(",\"tier\":");
        string(out, state.tier());
        out.append(",\"lifetimeEarned\":").append(state.lifetimeEarned())
                .append(",\"spent\":").append(state.spent())
                .append(",\"expired\":").append(state.expired())
                .append(",\"reversed\":").append(state.reversed())
                .append(",\"debt\":").append(state.debt())
                .append(",\"adjustedIn\":").append(state.adjustedIn())
                .append(",\"adjustedOut\":").append(state.adjustedOut())
                .append(",\"reserved\":").append(state.reserved())
                .append(",\"lots\":[");
        boolean first = true;
        for (Lot lot : state.lots()) {
            out.append(first ? "{\"lotId\":" : ",{\"lotId\":");
            first = false;
            string(out, lot.lotId());
            out.append(",\"points\":").append(lot.points()).append(",\"remaining\":").append(lot.remaining());
            if (lot.availableAt() != null) {
                out.append(",\"availableAt\":\"");
                Timestamps.append(out, lot.availableAt());
                out.append('"');
            }
            out.append(",\"expiresAt\":\"");
            Timestamps.append(out, lot.expiresAt());
            out.append('"');
            if (lot.origin() != null) {
                out.append(",\"origin\":\"").append(lot.origin().name()).append('"');
            }
            out.append('}');
        }
        out.append("],\"holds\":{");
        first = true;
        for (Map.Entry<String, List<Allocation>> hold : state.holds().entrySet()) {
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
