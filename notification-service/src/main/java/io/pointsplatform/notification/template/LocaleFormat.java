package io.pointsplatform.notification.template;

import java.text.NumberFormat;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A notice's values as its reader's locale writes them: whole numbers with grouping (1,234), an
 * instant (a value whose name ends in {@code At}) as the local date in the programme's zone
 * (2026年12月3日, 3 Dec 2026); anything else as it is.
 */
final class LocaleFormat {

    private static final DateTimeFormatter CHINESE_DATE = DateTimeFormatter.ofPattern("uuuu年M月d日", Locale.SIMPLIFIED_CHINESE);
    private static final DateTimeFormatter ENGLISH_DATE = DateTimeFormatter.ofPattern("d MMM uuuu", Locale.UK);
    /** Made once (the lookup behind getIntegerInstance costs more than the formatting); each use has its own clone. */
    private static final NumberFormat ENGLISH_NUMBERS = NumberFormat.getIntegerInstance(Locale.UK);
    private static final NumberFormat CHINESE_NUMBERS = NumberFormat.getIntegerInstance(Locale.SIMPLIFIED_CHINESE);

    private LocaleFormat() {
    }

    static Map<String, Object> format(Map<String, Object> params, String locale, ZoneId zone) {
        boolean english = "en".equals(locale);
        NumberFormat numbers = (NumberFormat) (english ? ENGLISH_NUMBERS : CHINESE_NUMBERS).clone();
        Map<String, Object> out = new LinkedHashMap<>();
        params.forEach((name, value) -> {
            if (value instanceof Number n && !(value instanceof Double) && !(value instanceof Float)) {
                out.put(name, numbers.format(n.longValue()));
            } else if (value instanceof String s && name.endsWith("At")) {
                out.put(name, (english ? ENGLISH_DATE : CHINESE_DATE).format(Instant.parse(s).atZone(zone)));
            } else {
                out.put(name, value);
            }
        });
        return out;
    }
}
