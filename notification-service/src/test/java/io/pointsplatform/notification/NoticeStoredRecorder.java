package io.pointsplatform.notification;

import io.pointsplatform.notification.notice.service.NoticeStored;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Observes NoticeStored as the webhook and stream helpers will: what was announced, for the tests to read. */
@ApplicationScoped
public class NoticeStoredRecorder {

    static final List<NoticeStored> HEARD = new CopyOnWriteArrayList<>();

    void heard(@ObservesAsync NoticeStored notice) {
        HEARD.add(notice);
    }

    static List<NoticeStored> of(String memberId) {
        return HEARD.stream().filter(n -> n.memberId().equals(memberId)).toList();
    }
}
