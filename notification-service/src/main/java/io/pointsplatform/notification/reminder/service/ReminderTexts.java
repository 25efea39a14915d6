package io.pointsplatform.notification.reminder.service;

import java.time.LocalDate;

/**
 * The expiring notice's words, in Simplified Chinese (the programme's default locale).
 * TODO(notices): move into the Qute templates (kind {@code expiring}, per locale) when they land.
 */
final class ReminderTexts {

    static final String TITLE = "积分即将过期";

    private ReminderTexts() {
    }

    static String body(long points, LocalDate date) {
        return "您有 " + points + " 积分将于 " + date + " 过期，请尽快使用。";
    }
}
