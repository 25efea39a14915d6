package io.pointsplatform.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccountTest {

    private static final Instant T0 = Samples.T0;
    private static final Instant WEEK = T0.plus(Duration.ofDays(7));
    private static final Instant YEAR = T0.plus(Duration.ofDays(365));

    private final Account account = new Account("m-1");

    static PointsEarned earned(String lotId, long points, Instant availableAt, Instant expiresAt) {
        return new PointsEarned("m-1", lotId, points, new Origin(OriginKind.ORDER, "o-" + lotId), List.of(), availableAt,
                expiresAt);
    }

    static List<Allocation> from(String lotId, long points) {
        return List.of(new Allocation(lotId, points));
    }

    static List<Allocation> from(String lotId, long points, String lotId2, long points2) {
        return List.of(new Allocation(lotId, points), new Allocation(lotId2, points2));
    }

    private void twoLots() {
        account.apply(earned("lot-1", 100, T0, YEAR));
        account.apply(earned("lot-2", 50, T0, YEAR.plusSeconds(1)));
    }

    @Test
    void startsEmpty() {
        assertThat(account.memberId()).isEqualTo("m-1");
        assertThat(account.tier()).isEqualTo("MEMBER");
        assertThat(account.balance(T0)).isEqualTo(new Balance(0, 0, 0, 0, 0));
        assertThat(account.lots()).isEmpty();
        assertThat(account.holds()).isEmpty();
        assertThatThrownBy(() -> new Account(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void earnedAddsALot() {
        account.apply(earned("lot-1", 120, WEEK, YEAR));
        assertThat(account.lifetimeEarned()).isEqualTo(120);
        assertThat(account.lot("lot-1")).isEqualTo(new Lot("lot-1", 120, 120, WEEK, YEAR, OriginKind.ORDER));
        assertThat(account.balance(T0)).isEqualTo(new Balance(0, 120, 0, 0, 0));
        assertThat(account.balance(WEEK)).isEqualTo(new Balance(120, 0, 0, 0, 0));
        assertThat(account.balance(YEAR)).isEqualTo(new Balance(0, 0, 0, 120, 0));
        assertThat(account.lot("lot-x")).isNull();
    }

    @Test
    void reservedMovesPointsIntoAHold() {
        twoLots();
        account.apply(new PointsReserved("m-1", "h-1", 120, from("lot-1", 100, "lot-2", 20), T0.plusSeconds(900), "rd-1"));
        assertThat(account.reserved()).isEqualTo(120);
        assertThat(account.lot("lot-1").remaining()).isZero();
        assertThat(account.lot("lot-2").remaining()).isEqualTo(30);
        assertThat(account.holds()).containsOnlyKeys("h-1");
        assertThat(account.holds().get("h-1")).isEqualTo(from("lot-1", 100, "lot-2", 20));
        assertThat(account.balance(T0)).isEqualTo(new Balance(30, 0, 120, 0, 0));
        assertThat(account.lots()).extracting(Lot::lotId).containsExactly("lot-2");
    }

    @Test
    void releasedGivesTheHoldBack() {
        twoLots();
        account.apply(new PointsReserved("m-1", "h-1", 120, from("lot-1", 100, "lot-2", 20), T0.plusSeconds(900), null));
        // In another order than the hold's: what counts is what moves, not how it is listed.
        account.apply(new PointsReleased("m-1", "h-1", 120, from("lot-2", 20, "lot-1", 100), ReleaseReason.EXPIRED));
        assertThat(account.reserved()).isZero();
        assertThat(account.holds()).isEmpty();
        assertThat(account.lot("lot-1").remaining()).isEqualTo(100);
        assertThat(account.lot("lot-2").remaining()).isEqualTo(50);
        assertThat(account.spent()).isZero();
    }

    @Test
    void spentWithAHoldCapturesIt() {
        twoLots();
        account.apply(new PointsReserved("m-1", "h-1", 120, from("lot-1", 100, "lot-2", 20), T0.plusSeconds(900), null));
        account.apply(new PointsSpent("m-1", "h-1", 120, from("lot-1", 100, "lot-2", 20), "rd-1"));
        assertThat(account.spent()).isEqualTo(120);
        assertThat(account.reserved()).isZero();
        assertThat(account.holds()).isEmpty();
        assertThat(account.lot("lot-2").remaining()).isEqualTo(30);
        assertThat(account.balance(T0)).isEqualTo(new Balance(30, 0, 0, 0, 0));
    }

    @Test
    void spentWithoutAHoldTakesFromLots() {
        twoLots();
        account.apply(new PointsSpent("m-1", null, 60, from("lot-1", 60), "pay-1"));
        assertThat(account.spent()).isEqualTo(60);
        assertThat(account.lot("lot-1").remaining()).isEqualTo(40);
        assertThat(account.balance(T0).available()).isEqualTo(90);
    }

    @Test
    void expiredTakesWhatLotsHeld() {
        twoLots();
        assertThat(account.balance(YEAR)).isEqualTo(new Balance(50, 0, 0, 100, 0));
        assertThat(account.lotsDueForExpiry(YEAR)).extracting(Lot::lotId).containsExactly("lot-1");
        account.apply(new PointsExpired("m-1", 100, from("lot-1", 100)));
        assertThat(account.expired()).isEqualTo(100);
        assertThat(account.lotsDueForExpiry(YEAR)).isEmpty();
        assertThat(account.balance(YEAR)).isEqualTo(new Balance(50, 0, 0, 0, 0));
    }

    @Test
    void reversedTakesBackAndRecordsDebt() {
        twoLots();
        account.apply(new PointsSpent("m-1", null, 130, from("lot-1", 100, "lot-2", 30), null));
        account.apply(new PointsReversed("m-1", "o-1", "rf-1", 20, from("lot-2", 20), 80));
        assertThat(account.reversed()).isEqualTo(20);
        assertThat(account.debt()).isEqualTo(80);
        assertThat(account.lot("lot-2").remaining()).isZero();
        assertThat(account.balance(T0)).isEqualTo(new Balance(0, 0, 0, 0, 80));

        // Debt waits for a later credit, and only an explicit settlement moves it.
        account.apply(earned("lot-3", 50, T0, YEAR));
        assertThat(account.debt()).isEqualTo(80);
        account.apply(new PointsReversed("m-1", null, null, 50, from("lot-3", 50), 0, 50));
        assertThat(account.debt()).isEqualTo(30);
        assertThat(account.reversed()).isEqualTo(70);
        assertThat(account.lot("lot-3").remaining()).isZero();
    }

    @Test
    void reversedOfNothingLeftIsAllDebt() {
        account.apply(earned("lot-1", 100, T0, YEAR));
        account.apply(new PointsSpent("m-1", null, 100, from("lot-1", 100), null));
        account.apply(new PointsReversed("m-1", "o-1", "rf-1", 0, List.of(), 100));
        assertThat(account.debt()).isEqualTo(100);
        assertThat(account.reversed()).isZero();
    }

    @Test
    void adjustedCreditsAndDebits() {
        account.apply(new PointsAdjusted("m-1", "adj-1", 200, "lot-adj-1", YEAR, null, "goodwill", "a", "b"));
        assertThat(account.adjustedIn()).isEqualTo(200);
        assertThat(account.lifetimeEarned()).isZero();
        assertThat(account.lot("lot-adj-1")).isEqualTo(new Lot("lot-adj-1", 200, 200, null, YEAR, null));
        assertThat(account.balance(T0.minus(Duration.ofDays(1000))).available()).as("available at once").isEqualTo(200);
        account.apply(new PointsAdjusted("m-1", "adj-2", -30, null, null, from("lot-adj-1", 30), "typo", "a", "b"));
        assertThat(account.adjustedOut()).isEqualTo(30);
        assertThat(account.lot("lot-adj-1").remaining()).isEqualTo(170);
    }

    @Test
    void tierChangedSetsTheTier() {
        account.apply(new TierChanged("m-1", "MEMBER", "GOLD", 12_000));
        assertThat(account.tier()).isEqualTo("GOLD");
    }

    @Test
    void expiringByDateGroupsTheSoonestDates() {
        ZoneId shanghai = ZoneId.of("Asia/Shanghai");
        account.apply(earned("lot-1", 100, T0, Instant.parse("2027-01-01T15:00:00Z")));
        account.apply(earned("lot-2", 50, T0, Instant.parse("2027-01-01T17:00:00Z")));
        account.apply(earned("lot-3", 30, T0, Instant.parse("2027-01-02T17:00:00Z")));
        account.apply(earned("lot-4", 20, T0, Instant.parse("2027-03-01T00:00:00Z")));
        account.apply(earned("lot-5", 10, T0, Instant.parse("2026-12-01T00:00:00Z")));
        account.apply(new PointsExpired("m-1", 10, from("lot-5", 10)));
        assertThat(account.expiringByDate(T0, shanghai, 2)).containsExactly(
                Map.entry(LocalDate.of(2027, 1, 1), left(100)), Map.entry(LocalDate.of(2027, 1, 2), left(50)));
        assertThat(account.expiringByDate(T0, ZoneId.of("UTC"), 10)).containsExactly(
                Map.entry(LocalDate.of(2027, 1, 1), left(150)), Map.entry(LocalDate.of(2027, 1, 2), left(30)),
                Map.entry(LocalDate.of(2027, 3, 1), left(20)));
        assertThat(account.expiringByDate(Instant.parse("2027-01-01T16:00:00Z"), shanghai, 10)).containsExactly(
                Map.entry(LocalDate.of(2027, 1, 2), left(50)), Map.entry(LocalDate.of(2027, 1, 3), left(30)),
                Map.entry(LocalDate.of(2027, 3, 1), left(20)));
        assertThatThrownBy(() -> account.expiringByDate(T0, shanghai, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static Account.Expiring left(long points) {
        return new Account.Expiring(points, 0);
    }

    @Test
    void expiringByDateCountsHeldPointsApartAndListsAWhollyHeldDate() {
        ZoneId utc = ZoneId.of("UTC");
        account.apply(earned("lot-1", 100, T0, Instant.parse("2027-01-01T00:00:00Z")));
        account.apply(earned("lot-2", 40, T0, Instant.parse("2027-02-01T00:00:00Z")));
        account.apply(earned("lot-3", 10, T0, Instant.parse("2027-02-01T12:00:00Z")));
        account.apply(new PointsReserved("m-1", "h-1", 130, from("lot-1", 100, "lot-2", 30), T0.plusSeconds(900), null));
        account.apply(new PointsReserved("m-1", "h-2", 5, from("lot-3", 5), T0.plusSeconds(900), null));
        assertThat(account.expiringByDate(T0, utc, 10)).containsExactly(
                Map.entry(LocalDate.of(2027, 1, 1), new Account.Expiring(0, 100)),
                Map.entry(LocalDate.of(2027, 2, 1), new Account.Expiring(15, 35)));
        // Released, the points are left again; captured, they are gone from both.
        account.apply(new PointsReleased("m-1", "h-1", 130, from("lot-1", 100, "lot-2", 30), ReleaseReason.CANCELLED));
        account.apply(new PointsSpent("m-1", "h-2", 5, from("lot-3", 5), null));
        assertThat(account.expiringByDate(T0, utc, 10)).containsExactly(
                Map.entry(LocalDate.of(2027, 1, 1), left(100)),
                Map.entry(LocalDate.of(2027, 2, 1), left(45)));
    }

    // ---- every way an event can be refused ----

    private void refused(PointsEvent event, String message) {
        AccountState before = account.snapshot();
        assertThatThrownBy(() -> account.apply(event)).isInstanceOf(InvariantViolation.class)
                .hasMessageContaining(message);
        assertThat(account.snapshot()).as("a refused event changes nothing").isEqualTo(before);
    }

    @Test
    void refusesAnotherMembersEvent() {
        refused(new PointsEarned("m-2", "lot-1", 10, new Origin(OriginKind.SIGNUP, null), null, T0, YEAR),
                "belongs to member m-2");
        refused(new TierChanged("m-2", "MEMBER", "GOLD", 1), "belongs to member m-2");
    }

    @Test
    void refusesACreditOfAnExistingLot() {
        twoLots();
        refused(earned("lot-1", 5, T0, YEAR), "credits lot lot-1 which already exists");
        refused(new PointsAdjusted("m-1", "adj-1", 5, "lot-2", YEAR, null, "why", "a", "b"), "lot-2 which already exists");
        account.apply(new PointsSpent("m-1", null, 100, from("lot-1", 100), null));
        refused(earned("lot-1", 5, T0, YEAR), "already exists");
    }

    @Test
    void refusesADebitOfAnUnknownLot() {
        twoLots();
        refused(new PointsSpent("m-1", null, 20, from("lot-1", 10, "lot-9", 10), null), "takes from unknown lot lot-9");
        refused(new PointsExpired("m-1", 10, from("lot-9", 10)), "unknown lot lot-9");
        refused(new PointsReserved("m-1", "h-1", 10, from("lot-9", 10), YEAR, null), "unknown lot lot-9");
        refused(new PointsReversed("m-1", "o-1", "rf-1", 10, from("lot-9", 10), 0), "unknown lot lot-9");
        refused(new PointsAdjusted("m-1", "adj-1", -10, null, null, from("lot-9", 10), "why", "a", "b"), "unknown lot");
    }

    @Test
    void refusesADebitOfMoreThanALotHas() {
        twoLots();
        // The first allocation fits, the second does not: neither may be applied.
        refused(new PointsSpent("m-1", null, 151, from("lot-1", 100, "lot-2", 51), null),
                "takes 51 from lot lot-2 which has 50 left");
        account.apply(new PointsReserved("m-1", "h-1", 30, from("lot-2", 30), YEAR, null));
        refused(new PointsExpired("m-1", 21, from("lot-2", 21)), "which has 20 left");
    }

    @Test
    void refusesHoldsThatAreNotOpen() {
        twoLots();
        refused(new PointsSpent("m-1", "h-1", 10, from("lot-1", 10), null), "names hold h-1 which is not open");
        refused(new PointsReleased("m-1", "h-1", 10, from("lot-1", 10), ReleaseReason.CANCELLED), "not open");
        account.apply(new PointsReserved("m-1", "h-1", 10, from("lot-1", 10), YEAR, null));
        refused(new PointsReserved("m-1", "h-1", 10, from("lot-2", 10), YEAR, null), "hold h-1 is already open");
        account.apply(new PointsSpent("m-1", "h-1", 10, from("lot-1", 10), null));
        refused(new PointsSpent("m-1", "h-1", 10, from("lot-1", 10), null), "not open");
        refused(new PointsReleased("m-1", "h-1", 10, from("lot-1", 10), ReleaseReason.CANCELLED), "not open");
    }

    @Test
    void refusesACaptureOrReleaseThatDiffersFromTheHold() {
        twoLots();
        account.apply(new PointsReserved("m-1", "h-1", 30, from("lot-1", 20, "lot-2", 10), YEAR, null));
        refused(new PointsSpent("m-1", "h-1", 30, from("lot-1", 30), null), "but hold h-1 holds");
        refused(new PointsSpent("m-1", "h-1", 20, from("lot-1", 20), null), "but hold h-1 holds");
        refused(new PointsReleased("m-1", "h-1", 31, from("lot-1", 21, "lot-2", 10), ReleaseReason.FAILED),
                "but hold h-1 holds");
    }

    @Test
    void aReturnGivesPointsBackToTheLotsNamedAndSpentGoesDown() {
        twoLots();
        account.apply(new PointsReserved("m-1", "h-1", 120, from("lot-1", 100, "lot-2", 20), YEAR, "redemption:rd-1"));
        account.apply(new PointsSpent("m-1", "h-1", 120, from("lot-1", 100, "lot-2", 20), "redemption:rd-1"));
        account.apply(new PointsReturned("m-1", "h-1", "rt-1", 50, from("lot-2", 20, "lot-1", 30), "redemption:rd-1"));
        assertThat(account.spent()).isEqualTo(70);
        assertThat(account.lot("lot-1").remaining()).isEqualTo(30);
        assertThat(account.lot("lot-2").remaining()).isEqualTo(50);
        assertThat(account.balance(T0)).isEqualTo(new Balance(80, 0, 0, 0, 0));
        assertThat(account.nextExpiry()).isEqualTo(YEAR);
    }

    /**
     * The rule for a lot that expired before its points came back: they go back to it all the
     * same, the balance counts them as expired but not yet recorded, and the expiry the ledger
     * then decides names that lot, so that a replay applies both as written.
     */
    @Test
    void pointsReturnedToAnExpiredLotAreExpiredAgainNamingIt() {
        twoLots();
        account.apply(new PointsSpent("m-1", null, 100, from("lot-1", 100), null));
        Instant later = YEAR.plus(Duration.ofDays(1));
        List<Allocation> due = Allocator.forExpiry(account, later);
        account.apply(new PointsExpired("m-1", 50, due));
        assertThat(account.nextExpiry()).isNull();

        account.apply(new PointsReturned("m-1", "h-0", "rt-1", 40, from("lot-1", 40), null));
        assertThat(account.balance(later)).isEqualTo(new Balance(0, 0, 0, 40, 0));
        assertThat(account.nextExpiry()).isEqualTo(YEAR);
        List<Allocation> again = Allocator.forExpiry(account, later);
        assertThat(again).containsExactly(new Allocation("lot-1", 40));
        account.apply(new PointsExpired("m-1", 40, again));
        assertThat(account.expired()).isEqualTo(90);
        assertThat(account.spent()).isEqualTo(60);
        assertThat(account.balance(later)).isEqualTo(new Balance(0, 0, 0, 0, 0));
    }

    @Test
    void aDeferredLotStaysAvailableUntilItsNewExpiryAndItsExpirySaysSo() {
        twoLots();
        Instant reminded = YEAR.minus(Duration.ofDays(2));
        Instant deferredTo = reminded.plus(Duration.ofDays(7));
        account.apply(new ExpiryDeferred("m-1", "lot-1", YEAR, deferredTo, reminded));
        Instant between = YEAR.plus(Duration.ofDays(1));
        assertThat(account.lot("lot-1").expiresAt()).isEqualTo(deferredTo);
        assertThat(account.balance(between).available()).isEqualTo(100);
        assertThat(Allocator.forExpiry(account, between)).containsExactly(new Allocation("lot-2", 50));
        assertThat(account.nextExpiry()).isEqualTo(YEAR.plusSeconds(1));
        account.apply(new PointsExpired("m-1", 50, from("lot-2", 50)));
        assertThat(account.nextExpiry()).isEqualTo(deferredTo);
        assertThat(Allocator.forDebit(account.lots(), 100, between).covered()).isTrue();
        List<Allocation> due = Allocator.forExpiry(account, deferredTo);
        account.apply(new PointsExpired("m-1", 100, due, YEAR, reminded));
        assertThat(account.expired()).isEqualTo(150);
        assertThat(account.balance(deferredTo)).isEqualTo(new Balance(0, 0, 0, 0, 0));
    }

    @Test
    void refusesADeferralOfAnUnknownLotOrFromAnotherTime() {
        twoLots();
        refused(new ExpiryDeferred("m-1", "lot-9", YEAR, YEAR.plusSeconds(1), null), "defers unknown lot lot-9");
        refused(new ExpiryDeferred("m-1", "lot-1", WEEK, YEAR.plusSeconds(1), null),
                "defers lot lot-1 from " + WEEK + " but it expires at " + YEAR);
        assertThatThrownBy(() -> new ExpiryDeferred("m-1", "lot-1", YEAR, YEAR, null))
                .hasMessageContaining("must be after scheduledAt");
        assertThatThrownBy(() -> new PointsExpired("m-1", 1, from("lot-1", 1), YEAR, null))
                .hasMessageContaining("go together");
    }

    @Test
    void refusesAReturnOfMoreThanALotGaveOrThanWasSpent() {
        twoLots();
        account.apply(new PointsSpent("m-1", null, 30, from("lot-1", 30), null));
        refused(new PointsReturned("m-1", "h-1", "rt-1", 31, from("lot-1", 31), null), "returns 31 points but 30 were spent");
        refused(new PointsReturned("m-1", "h-1", "rt-1", 10, from("lot-2", 10), null),
                "returns 10 to lot lot-2 which has 50 of 50 left and 0 held");
        account.apply(new PointsSpent("m-1", null, 40, from("lot-2", 40), null));
        account.apply(new PointsReserved("m-1", "h-2", 60, from("lot-1", 60), YEAR, null));
        // lot-1 has room for 30: the 60 held must find their place again when released.
        refused(new PointsReturned("m-1", "h-1", "rt-1", 31, from("lot-1", 31), null),
                "returns 31 to lot lot-1 which has 10 of 100 left and 60 held");
        refused(new PointsReturned("m-1", "h-1", "rt-1", 20, from("lot-1", 10, "lot-9", 10), null),
                "returns points to unknown lot lot-9");
        refused(new PointsReturned("m-1", "h-1", "rt-1", 70, from("lot-1", 25, "lot-2", 45), null), "lot lot-2");
        assertThat(account.lot("lot-1").remaining()).isEqualTo(10);
    }

    @Test
    void refusesSettlingMoreDebtThanIsOwed() {
        twoLots();
        refused(new PointsReversed("m-1", null, null, 10, from("lot-1", 10), 0, 10), "settles 10 of debt but the debt is 0");
    }

    @Test
    void refusesOverflow() {
        account.apply(earned("lot-1", Long.MAX_VALUE, T0, YEAR));
        refused(earned("lot-2", 1, T0, YEAR), "overflows");
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> account.apply(null)).isInstanceOf(InvariantViolation.class);
    }

    // ---- snapshots ----

    @Test
    void snapshotsRoundTripThroughJson() {
        twoLots();
        account.apply(new PointsAdjusted("m-1", "adj-1", 7, "lot-adj", YEAR, null, "why", "a", "b"));
        account.apply(new PointsReserved("m-1", "h-1", 30, from("lot-1", 20, "lot-2", 10), YEAR, null));
        account.apply(new PointsSpent("m-1", null, 80, from("lot-1", 80), null));
        account.apply(new PointsReversed("m-1", "o-1", "rf-1", 5, from("lot-2", 5), 15));
        account.apply(new TierChanged("m-1", "MEMBER", "SILVER", 2000));

        String json = AccountSnapshots.toJson(account);
        Account restored = AccountSnapshots.fromJson(json);
        assertThat(restored.snapshot()).isEqualTo(account.snapshot());
        assertThat(restored.balance(T0)).isEqualTo(account.balance(T0));
        assertThat(restored.lots()).isEqualTo(account.lots());
        assertThat(json).contains("\"lotId\":\"lot-1\"").doesNotContain("null");

        // A restored account folds on as the original would.
        PointsSpent capture = new PointsSpent("m-1", "h-1", 30, from("lot-1", 20, "lot-2", 10), null);
        restored.apply(capture);
        account.apply(capture);
        assertThat(restored.snapshot()).isEqualTo(account.snapshot());
    }

    @Test
    void snapshotsThatBreakInvariantsAreRefused() {
        twoLots();
        String json = AccountSnapshots.toJson(account);
        for (String broken : List.of(json.replace("\"lifetimeEarned\":150", "\"lifetimeEarned\":151"),
                json.replace("\"remaining\":50", "\"remaining\":40"),
                json.replace("\"reserved\":0", "\"reserved\":5"),
                json.replace("\"debt\":0", "\"debt\":-1"),
                "{\"memberId\":\"m-1\"}", "not json", "[]")) {
            assertThatThrownBy(() -> AccountSnapshots.fromJson(broken)).as(broken)
                    .isInstanceOf(EventFormatException.class).hasMessageContaining("account snapshot");
        }
        List<Lot> lots = new ArrayList<>(account.snapshot().lots());
        assertThatThrownBy(() -> new AccountState("m-1", "MEMBER", 150, 0, 0, 0, 0, 0, 0, 10, lots,
                Map.of("h-1", from("lot-1", 10)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds more than it was credited");
        assertThatThrownBy(() -> new AccountState("m-1", "MEMBER", 150, 0, 0, 0, 0, 0, 0, 10, lots,
                Map.of("h-1", from("lot-9", 10)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown lots");
    }
}
