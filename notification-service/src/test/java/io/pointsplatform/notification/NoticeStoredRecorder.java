package io.pointsplatform.notification;

import io.pointsplatform.notification.notice.service.NoticeStored;
import io.pointsplatform.notification.notice.service.NoticesStored;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Observes the announcements as the live stream does: what was announced, for the tests to read. */
@ApplicationScoped
public class NoticeStoredRecorder {

    static final List<NoticeStored> HEARD = new CopyOnWriteArrayList<>();

    void heard(@ObservesAsync NoticesStored notices) {
        HEARD.addAll(notices.notices());
    }

    static List<NoticeStored> of(String memberId) {
        return HEARD.stream().filter(n -> n.memberId().equals(memberId)).toList();
    }
}
