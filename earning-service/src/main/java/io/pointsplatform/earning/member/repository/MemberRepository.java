package io.pointsplatform.earning.member.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.LocalDate;

@ApplicationScoped
public class MemberRepository {

    private static final String INSERT_IF_ABSENT = """
            insert into member (member_id, name, birthday, referred_by, enrolled_at, locale, email)
            values (?1, ?2, ?3, ?4, ?5, ?6, ?7) on conflict (member_id) do nothing""";

    /**
     * Inserts the member unless one with that id exists; true if this call enrolled it. The
     * database decides, so two concurrent enrolments of one id cannot both win.
     */
    public Uni<Boolean> insertIfAbsent(String memberId, String name, LocalDate birthday, String referredBy,
                                       Instant enrolledAt, String locale, String email) {
        return Panache.getSession().chain(session -> session.createNativeQuery(INSERT_IF_ABSENT)
                        .setParameter(1, memberId)
                        .setParameter(2, name)
                        .setParameter(3, birthday)
                        .setParameter(4, referredBy)
                        .setParameter(5, enrolledAt)
                        .setParameter(6, locale)
                        .setParameter(7, email)
                        .executeUpdate())
                .map(inserted -> inserted == 1);
    }

    /** The member, locked for an update in this transaction; null if never enrolled. */
    public Uni<Member> findForUpdate(String memberId) {
        return Member.findById(memberId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<Member> find(String memberId) {
        return Member.findById(memberId);
    }
}
