-- Expiry reminders (helper "reminders", issue #21 item 6; docs/contract-extensions.md, "Expiry
-- reminders"). "if not exists": other migrations of this service may make the same shared tables.

-- The outbox: expiry.reminded is written in the same transaction as the reminder and its notice,
-- and published to the notifications topic by service-kit's relay.
create table if not exists outbox (
    id          bigserial primary key,
    topic       text        not null,
    message_key text        not null,
    event_id    text        not null,
    payload     text        not null,
    created_at  timestamptz not null default now()
);

-- The member view (service-kit MemberPointsProjector, channel member-view): each member's lots
-- with their points left and expiresAt, folded from points.ledger by the shared Account.
create table if not exists processed_event (
    event_id     text primary key,
    processed_at timestamptz not null default now()
);

create table if not exists member_account (
    member_id       text primary key,
    tier            text        not null,
    lifetime_earned bigint      not null,
    spent           bigint      not null,
    expired         bigint      not null,
    reversed        bigint      not null,
    debt            bigint      not null,
    adjusted_in     bigint      not null,
    adjusted_out    bigint      not null,
    reserved        bigint      not null,
    updated_at      timestamptz not null
);

create table if not exists member_lot (
    member_id    text   not null,
    lot_id       text   not null,
    points       bigint not null,
    remaining    bigint not null,
    available_at text,
    expires_at   text   not null,
    origin       text,
    primary key (member_id, lot_id)
);

create table if not exists member_hold (
    member_id text     not null,
    hold_id   text     not null,
    lot_ids   text[]   not null,
    points    bigint[] not null,
    primary key (member_id, hold_id)
);

-- One row per lot and window: the reminder that told the member (its expiry.reminded event id). A
-- lot first reminded in a shorter window has the longer windows' rows too, with the same event:
-- a member is not told twice at once.
create table expiry_reminder (
    member_id       text        not null,
    lot_id          text        not null,
    lead_seconds    bigint      not null,
    reminder_window text        not null,
    event_id        text        not null,
    reminded_at     timestamptz not null,
    primary key (member_id, lot_id, lead_seconds)
);
