package io.pointsplatform.notification.preference;

import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.notification.preference.repository.PreferenceRepository;
import io.pointsplatform.notification.preference.repository.PreferenceRepository.OptOut;
import io.pointsplatform.notification.template.NoticeTemplates;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A member's notification preferences: opt-outs per channel ({@value #EMAIL}, {@value #WEBHOOK},
 * {@value #STREAM}) and kind ({@link NoticeTemplates#KINDS}, or {@value #EVERY_KIND}). The in-app
 * list always holds every notice. Notices about expiry ({@link NoticeTemplates#EXPIRY_KINDS}) stay
 * on at least one channel: a change that would switch one off everywhere is refused.
 */
@ApplicationScoped
public class Preferences {

    public static final String EMAIL = "email";
    public static final String WEBHOOK = "webhook";
    public static final String STREAM = "stream";
    public static final List<String> CHANNELS = List.of(EMAIL, WEBHOOK, STREAM);
    public static final String EVERY_KIND = "*";
    /** Every channel × (every kind and *): 3 × 14. */
    public static final int MAX_OPT_OUTS = 42;

    private final PreferenceRepository preferences;

    public Preferences(PreferenceRepository preferences) {
        this.preferences = preferences;
    }

    /** Whether the member wants notices of {@code kind} on {@code channel} (yes unless opted out). */
    public Uni<Boolean> allows(String memberId, String channel, String kind) {
        return preferences.optedOut(memberId, channel, kind).map(out -> !out);
    }

    public Uni<List<OptOut>> optOuts(String memberId) {
        return preferences.optOuts(memberId);
    }

    /** The member leaves a list's e-mails (a one-click unsubscribe link): e-mail opted out for its kind. */
    public Uni<Void> unsubscribe(String memberId, String list) {
        return preferences.add(memberId, new OptOut(EMAIL, list));
    }

    /** Replaces the member's opt-outs; {@code 422 EXPIRY_NOTICES_REQUIRED} if an expiry kind would be off everywhere. */
    public Uni<List<OptOut>> replace(String memberId, List<OptOut> optOuts) {
        List<OptOut> distinct = List.copyOf(new LinkedHashSet<>(optOuts));
        for (String kind : NoticeTemplates.EXPIRY_KINDS) {
            boolean offEverywhere = CHANNELS.stream().allMatch(channel -> distinct.stream().anyMatch(o ->
                    o.channel().equals(channel) && (o.kind().equals(kind) || o.kind().equals(EVERY_KIND))));
            if (offEverywhere) {
                throw new ApiException(422, "EXPIRY_NOTICES_REQUIRED", "Expiry notices cannot be switched off",
                        "Notices of kind " + kind + " must stay on for at least one of " + CHANNELS);
            }
        }
        return preferences.replace(memberId, distinct).chain(() -> preferences.optOuts(memberId));
    }
}
