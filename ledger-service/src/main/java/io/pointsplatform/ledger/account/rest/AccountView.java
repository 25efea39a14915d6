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

    public record Expiring(LocalDate date, long points) {
    }

    static AccountView of(Account account, Instant now, ZoneId zone, int expiringDates) {
        Balance balance = account.balance(now);
        List<Expiring> expiring = account.expiringByDate(now, zone, expiringDates).entrySet().stream()
                .map(e -> new Expiring(e.getKey(), e.getValue()))
                .toList();
        return new AccountView(account.memberId(), balance.available(), balance.pending(), balance.reserved(),
                account.lifetimeEarned(), account.spent(), account.expired(), account.reversed(), balance.debt(),
                account.tier(), expiring);
    }
}
