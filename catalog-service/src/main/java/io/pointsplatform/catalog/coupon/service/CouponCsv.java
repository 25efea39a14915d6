package io.pointsplatform.catalog.coupon.service;

import io.pointsplatform.kit.problem.Problem;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Coupon codes from a CSV of one column, read strictly: UTF-8, one code a line (LF or CRLF), an
 * optional first line {@code code}, a final line break optional. A code is 1-64 visible ASCII
 * characters other than comma and double quote (so a line is never more than one CSV field); spaces
 * around it are not part of it. Every line at fault is named with its number, counting the header.
 * A strict line reader rather than a CSV library: one column without quoting needs no more, and
 * it names each line exactly as an editor shows it.
 */
public final class CouponCsv {

    public static final int MAX_CODES = 50_000;
    public static final String HEADER = "code";
    private static final Pattern CODE = Pattern.compile("[\\x21\\x23-\\x2B\\x2D-\\x7E]{1,64}");

    private CouponCsv() {
    }

    /** The codes in order, or the lines at fault (as {@code line N} with why). */
    public record Parsed(List<String> codes, Map<String, Integer> lineOf, List<Problem.FieldError> faults) {
    }

    public static Parsed parse(byte[] body) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return new Parsed(List.of(), Map.of(), List.of(new Problem.FieldError("body", "is not UTF-8")));
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\n", -1);
        int count = lines.length;
        if (count > 0 && lines[count - 1].isEmpty()) {
            count--;
        }
        List<String> codes = new ArrayList<>();
        Map<String, Integer> lineOf = new HashMap<>();
        List<Problem.FieldError> faults = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int number = i + 1;
            String line = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String code = line.strip();
            if (i == 0 && code.equalsIgnoreCase(HEADER)) {
                continue;
            }
            if (!CODE.matcher(code).matches()) {
                faults.add(new Problem.FieldError("line " + number, code.isEmpty() ? "is empty"
                        : "is not a code (1-64 visible ASCII characters, no comma or double quote)"));
                continue;
            }
            Integer first = lineOf.putIfAbsent(code, number);
            if (first != null) {
                faults.add(new Problem.FieldError("line " + number, "repeats the code of line " + first));
                continue;
            }
            codes.add(code);
        }
        if (codes.isEmpty() && faults.isEmpty()) {
            faults.add(new Problem.FieldError("body", "holds no code"));
        }
        if (codes.size() > MAX_CODES) {
            faults.add(new Problem.FieldError("body", "holds " + codes.size() + " codes, more than " + MAX_CODES));
        }
        return new Parsed(codes, lineOf, faults);
    }
}
