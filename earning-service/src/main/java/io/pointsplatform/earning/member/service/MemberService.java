package io.pointsplatform.earning.member.service;

import io.pointsplatform.earning.member.repository.Member;
import io.pointsplatform.earning.member.repository.MemberRepository;
import io.pointsplatform.earning.member.rest.EnrolmentRequest;
import io.pointsplatform.events.BreakdownLine;
import io.pointsplatform.events.CloudEvent;
import io.pointsplatform.events.MemberEnrolled;
import io.pointsplatform.events.MemberUpdated;
import io.pointsplatform.events.Origin;
import io.pointsplatform.events.OriginKind;
import io.pointsplatform.events.PointsEarned;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.outbox.Outbox;
import io.pointsplatform.kit.outbox.Outbox.OutgoingEvent;
import io.pointsplatform.kit.problem.ApiException;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Enrolment: the member row, {@code member.enrolled} and the sign-up (and referral) credits are
 * one transaction, so a member is never enrolled without the bonuses or credited twice.
 */
@ApplicationScoped
public class MemberService {

    static final String SOURCE = "/earning-service";

    private final MemberRepository members;
    private final Outbox outbox;
    private final Clock clock;
    private final long signupBonus;
    private final long referralBonus;
    private final int expiryMonths;

    public MemberService(MemberRepository members, Outbox outbox, Clock clock,
                         @ConfigProperty(name = "points.bonus.signup") long signupBonus,
                         @ConfigProperty(name = "points.bonus.referral") long referralBonus,
                         @ConfigProperty(name = "points.expiry-months") int expiryMonths) {
        this.members = members;
        this.outbox = outbox;
        this.clock = clock;
        this.signupBonus = signupBonus;
        this.referralBonus = referralBonus;
        this.expiryMonths = expiryMonths;
    }

    @WithTransaction
    public Uni<Enrolment> enrol(EnrolmentRequest request) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return checkReferrer(request)
                .chain(() -> members.insertIfAbsent(request.memberId(), request.name(), request.birthday(),
                        request.referredBy(), now, request.effectiveLocale(), request.email()))
                .chain(inserted -> inserted ? credit(request, now) : repeat(request));
    }

    private Uni<Void> checkReferrer(EnrolmentRequest request) {
        if (request.referredBy() == null) {
            return Uni.createFrom().voidItem();
        }
        if (request.referredBy().equals(request.memberId())) {
            throw ApiException.validation("referredBy", "a member cannot refer itself");
        }
        return members.find(request.referredBy()).invoke(referrer -> {
            if (referrer == null) {
                throw new ApiException(422, "UNKNOWN_REFERRER", "Unknown referrer",
                        "referredBy '" + request.referredBy() + "' is not an enrolled member");
            }
        }).replaceWithVoid();
    }

    private Uni<Enrolment> credit(EnrolmentRequest request, Instant now) {
        String memberId = request.memberId();
        List<OutgoingEvent> events = new ArrayList<>();
        events.add(new OutgoingEvent(Topics.MEMBERS, CloudEvent.of("member.enrolled:" + memberId, SOURCE, memberId,
                now, new MemberEnrolled(memberId, request.name(), request.birthday(), request.referredBy(),
                request.effectiveLocale(), request.email()))));
        for (Bonus bonus : bonuses(memberId, request.referredBy())) {
            events.add(new OutgoingEvent(Topics.POINTS_LEDGER, bonus.event(now, expiresAt(now))));
        }
        Log.debugf("Enrolled member %s (referred by %s)", memberId, request.referredBy());
        return outbox.enqueueAll(events)
                .replaceWith(enrolment(memberId, request.name(), request.birthday(), request.referredBy(),
                        request.effectiveLocale(), request.email(), now, true));
    }

    /** The same enrolment again answers as the first did; different details for the same id are refused. */
    private Uni<Enrolment> repeat(EnrolmentRequest request) {
        return members.find(request.memberId()).map(existing -> {
            if (!sameEnrolment(existing, request)) {
                throw ApiException.conflict("MEMBER_CONFLICT", "member '" + request.memberId()
                        + "' is already enrolled with other details");
            }
            return enrolment(existing.memberId, existing.name, existing.birthday, existing.referredBy,
                    existing.locale, existing.email, existing.enrolledAt, false);
        });
    }

    private static boolean sameEnrolment(Member existing, EnrolmentRequest request) {
        return Objects.equals(existing.name, request.name())
                && Objects.equals(existing.birthday, request.birthday())
                && Objects.equals(existing.referredBy, request.referredBy())
                && Objects.equals(existing.locale, request.effectiveLocale())
                && Objects.equals(existing.email, request.email());
    }

    private Enrolment enrolment(String memberId, String name, LocalDate birthday, String referredBy, String locale,
                                String email, Instant enrolledAt, boolean created) {
        List<BreakdownLine> own = bonuses(memberId, referredBy).stream()
                .filter(b -> b.memberId().equals(memberId))
                .map(b -> new BreakdownLine(b.rule(), b.points()))
                .toList();
        return new Enrolment(memberId, name, birthday, referredBy, locale, email, enrolledAt, own, created);
    }

    /**
     * Sets the member's locale and e-mail address where given (null: unchanged) and publishes
     * member.updated with what changed, in one transaction; nothing changed publishes nothing.
     * {@code 404 NOT_FOUND} for a member never enrolled.
     */
    @WithTransaction
    public Uni<MemberContactDetails> changeContact(String memberId, String locale, String email) {
        return members.findForUpdate(memberId).chain(member -> {
            if (member == null) {
                throw ApiException.notFound("member", memberId);
            }
            String newLocale = locale == null || locale.equals(member.locale) ? null : locale;
            String newEmail = email == null || email.equals(member.email) ? null : email;
            if (newLocale == null && newEmail == null) {
                return Uni.createFrom().item(new MemberContactDetails(memberId, member.locale, member.email));
            }
            member.locale = newLocale == null ? member.locale : newLocale;
            member.email = newEmail == null ? member.email : newEmail;
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            CloudEvent updated = CloudEvent.of("member.updated:" + memberId + ":" + UUID.randomUUID(), SOURCE, memberId,
                    now, new MemberUpdated(memberId, null, null, newLocale, newEmail));
            return outbox.enqueueAll(List.of(new OutgoingEvent(Topics.MEMBERS, updated)))
                    .replaceWith(new MemberContactDetails(memberId, member.locale, member.email));
        });
    }

    /** How a member is told, as it now is. */
    public record MemberContactDetails(String memberId, String locale, String email) {
    }

    /**
     * The enrolment's credits. Lot ids join their parts with "/", which no member id contains, so
     * no two enrolments can name the same lot (with "-", member {@code a}'s referrer credit
     * {@code referral-a-referrer} was member {@code a-referrer}'s own referral credit).
     */
    private List<Bonus> bonuses(String memberId, String referredBy) {
        List<Bonus> bonuses = new ArrayList<>();
        if (signupBonus > 0) {
            bonuses.add(new Bonus(memberId, "signup/" + memberId, "signup", signupBonus, OriginKind.SIGNUP, memberId));
        }
        if (referredBy != null && referralBonus > 0) {
            bonuses.add(new Bonus(memberId, "referral/" + memberId, "referral", referralBonus,
                    OriginKind.REFERRAL, referredBy));
            bonuses.add(new Bonus(referredBy, "referral/" + memberId + "/referrer", "referral", referralBonus,
                    OriginKind.REFERRAL, memberId));
        }
        return bonuses;
    }

    private Instant expiresAt(Instant earnedAt) {
        return earnedAt.atOffset(ZoneOffset.UTC).plusMonths(expiryMonths).toInstant();
    }

    /** One bonus credit; its lot and event ids follow from the enrolment, so a repeat cannot credit twice. */
    private record Bonus(String memberId, String lotId, String rule, long points, OriginKind kind, String ref) {
        CloudEvent event(Instant now, Instant expiresAt) {
            return CloudEvent.of("points.earned:" + lotId, SOURCE, memberId, now,
                    new PointsEarned(memberId, lotId, points, new Origin(kind, ref),
                            List.of(new BreakdownLine(rule, points)), now, expiresAt));
        }
    }
}
