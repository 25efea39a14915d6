package io.pointsplatform.notification.notice.service;

import java.util.List;

/**
 * The notices one transaction stored, in the order they were stored, fired once with
 * {@code Event<NoticesStored>.fireAsync} after its commit: one announcement a batch rather than one a
 * notice (a backlog stores hundreds a statement).
 */
public record NoticesStored(List<NoticeStored> notices) {

    public NoticesStored {
        notices = List.copyOf(notices);
    }
}
