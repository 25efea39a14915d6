package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.events.Account;
import io.pointsplatform.events.Balance;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/** {@code GET /api/v1/accounts/{memberId}} as CONTRACT.md names it. */
public record AccountView(String memberId, long available, long pending, long reserved, long lifetimeEarned,
                          long spent, long expired, long reversed, long debt, String tier,
                          List<Expiring> expiring) {

    /**
     * One expiry date: {@code points} left to spend in the lots expiring then, and {@code held}
     * taken from them by open holds (spent if the hold is captured, expiring if it is released).
     */
    public record Expiring(LocalDate date, long points, long held) {
    }

    static AccountView of(Account account, Instant now, ZoneId zone, int expiringDates) {
        Balance balance = account.balance(now);
        List<Expiring> expiring = account.expiringByDate(now, zone, expiringDates).entrySet().stream()
                .map(e -> new Expiring(e.getKey(), e.getValue().left(), e.getValue().held()))
                .toList();
        return new AccountView(account.memberId(), balance.available(), balance.pending(), balance.reserved(),
                account.lifetimeEarned(), account.spent(), account.expired(), account.reversed(), balance.debt(),
                account.tier(), expiring);
    }
}
