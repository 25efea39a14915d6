package io.pointsplatform.events;

/** Events of the {@value Topics#MEMBERS} topic. */
public sealed interface MemberEvent extends EventData permits MemberEnrolled, MemberUpdated {

    String memberId();

    @Override
    default String key() {
        return memberId();
    }
}
