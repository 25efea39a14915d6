-- Expiry reminders (docs/contract-extensions.md, "Expiry reminders"). notification-service publishes
-- expiry.reminded on the notifications topic; the ledger keeps, per lot and window, the first
-- reminder it read. Its expiry job never takes a lot earlier than the last window's reminder plus
-- that window's lead. Instants as the events write them (ISO-8601 text, to the nanosecond).
create table lot_reminder (
    member_id    text        not null,
    lot_id       text        not null,
    lead_seconds bigint      not null,
    reminder_window text     not null,
    reminded_at  text        not null,
    event_id     text        not null,
    recorded_at  timestamptz not null default now(),
    primary key (member_id, lot_id, lead_seconds)
);

-- Lots whose expiry the ledger deferred (expiry.deferred), with the expiresAt they had before the
-- first deferral: the points.expired that finally takes them says when they were to expire.
create table deferred_lot (
    member_id    text not null,
    lot_id       text not null,
    scheduled_at text not null,
    primary key (member_id, lot_id)
);
