-- Issue #20: the catalogue of five kinds, coupon codes, stock reservations, per-member limits,
-- lottery draws and donation totals. Every statement that changes stock is a conditional UPDATE:
-- no reservation can take a reward (or a prize, or a member's limit) below zero.

-- stock is now what is left to reserve; null = unlimited.
alter table reward alter column stock drop not null;
alter table reward rename column per_member_limit to limit_count;
alter table reward
    add column limit_period  text not null default 'LIFETIME'
        check (limit_period in ('DAY', 'WEEK', 'MONTH', 'YEAR', 'LIFETIME')),
    add column visibility    text not null default 'PUBLIC' check (visibility in ('PUBLIC', 'HIDDEN')),
    add column status        text not null default 'ACTIVE' check (status in ('ACTIVE', 'RETIRED')),
    add column voucher_value numeric(14, 2) check (voucher_value > 0),
    add column cause         text,
    -- Bumped by every change: the version names each change's event (reward.upserted:<id>:<version>).
    add column version       bigint not null default 1;

-- A lottery's prize table, in the order the draw walks it. odds_ppm: odds in millionths.
create table reward_prize (
    reward_id text   not null references reward (reward_id),
    position  int    not null,
    prize_id  text   not null,
    name      text   not null,
    odds_ppm  int    not null check (odds_ppm between 0 and 1000000),
    stock     bigint check (stock >= 0),
    primary key (reward_id, prize_id),
    unique (reward_id, position)
);

-- Imported coupon codes: unique across every reward; a code once issued or voided is never reissued.
create table coupon_code (
    code           text primary key,
    reward_id      text        not null references reward (reward_id),
    seq            bigserial   not null,
    status         text        not null default 'AVAILABLE'
        check (status in ('AVAILABLE', 'RESERVED', 'ISSUED', 'VOID')),
    reservation_id text,
    imported_at    timestamptz not null default now()
);
create index coupon_code_available on coupon_code (reward_id, seq) where status = 'AVAILABLE';

-- Stock reservations, idempotent by the caller's reservation id.
create table reservation (
    reservation_id text primary key,
    reward_id      text        not null references reward (reward_id),
    member_id      text        not null,
    quantity       int         not null check (quantity > 0),
    ttl_seconds    int         not null check (ttl_seconds > 0),
    kind           text        not null,
    points_cost    bigint      not null check (points_cost > 0),
    status         text        not null check (status in ('RESERVED', 'CONFIRMED', 'RELEASED', 'EXPIRED', 'RETURNED')),
    expires_at     timestamptz not null,
    period_key     text,
    seed           text,
    prize_id       text,
    prize_name     text,
    prize_table    text,
    coupon_code    text,
    cause          text,
    created_at     timestamptz not null,
    updated_at     timestamptz not null
);
create index reservation_open on reservation (expires_at) where status = 'RESERVED';

-- Each member's reservations of a reward in a limit's period (RESERVED + CONFIRMED), raised and
-- lowered by conditional updates in the reservation's own transaction.
create table member_limit (
    member_id  text   not null,
    reward_id  text   not null,
    period_key text   not null,
    used       int    not null check (used >= 0),
    primary key (member_id, reward_id, period_key)
);

-- Points given to each cause: confirmed donations add, returned ones subtract.
create table donation_total (
    cause        text primary key,
    total_points bigint not null check (total_points >= 0)
);

-- CONTRACT.md's Idempotency-Key (service-kit IdempotencyKeys), as earning-service keeps it.
create table idempotency_key (
    scope         text        not null,
    key           text        not null check (length(key) between 1 and 255),
    request_hash  text        not null,
    status        int         not null check (status between 200 and 299),
    response_body text        not null,
    content_type  text        not null,
    created_at    timestamptz not null default now(),
    primary key (scope, key)
);
create index idempotency_key_created on idempotency_key (created_at);
