package io.pointsplatform.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

/** An {@link Account} as JSON (an {@link AccountState}), for services that keep a per-member snapshot. */
public final class AccountSnapshots {

    private AccountSnapshots() {
    }

    public static String toJson(Account account) {
        try {
            return EventCodec.mapper().writeValueAsString(account.snapshot());
        } catch (JsonProcessingException e) {
            throw new EventFormatException("cannot write account " + account.memberId() + ": " + e.getOriginalMessage(),
                    e);
        }
    }

    public static Account fromJson(String json) {
        if (json == null) {
            throw new EventFormatException("no account snapshot (null)");
        }
        try {
            return Account.restore(EventCodec.mapper().readValue(json, AccountState.class));
        } catch (ValueInstantiationException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new EventFormatException("invalid account snapshot: " + cause.getMessage(), e);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new EventFormatException("invalid account snapshot: " + e.getMessage(), e);
        }
    }
}
