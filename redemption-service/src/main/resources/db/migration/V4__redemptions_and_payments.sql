-- Idempotency-Key on creating POSTs (service-kit IdempotencyKeys).
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

-- The redemption saga: one row per redemption, its step recorded before the next remote call.
-- status: PENDING | COMPLETED | FAILED | CANCELLING | CANCELLED. step: where the saga stands
-- (RedemptionStep). The reservation id at catalog and the hold id at the ledger derive from the id.
create table redemption (
    redemption_id    text        primary key,
    seq              bigserial   not null unique,
    member_id        text        not null,
    reward_id        text        not null,
    quantity         int         not null check (quantity between 1 and 100),
    status           text        not null,
    step             text        not null,
    kind             text,
    points           bigint      not null default 0 check (points >= 0),
    code             text,
    reason           text,
    voucher_code     text,
    coupon_code      text,
    lottery          text,
    donation         text,
    attempts         int         not null default 0,
    next_attempt_at  timestamptz not null default now(),
    locked_until     timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    completed_at     timestamptz,
    cancelled_at     timestamptz,
    voucher_used_at  timestamptz,
    voucher_order_id text
);
create unique index redemption_voucher_code on redemption (voucher_code) where voucher_code is not null;
create index redemption_member on redemption (member_id, seq desc);
create index redemption_open on redemption (next_attempt_at) where status in ('PENDING', 'CANCELLING');

-- Points used as payment at checkout: a hold at the ledger per payment, captured when the order is paid.
-- status: PENDING (hold asked) | HELD | CAPTURED | CANCELLED | EXPIRED | FAILED.
create table payment (
    payment_id      text          primary key,
    order_id        text          not null,
    member_id       text          not null,
    order_amount    numeric(14,2) not null check (order_amount > 0),
    currency        text          not null,
    points          bigint        not null check (points > 0),
    amount          numeric(14,2) not null,
    status          text          not null,
    code            text,
    hold_expires_at timestamptz,
    refunded_amount numeric(14,2) not null default 0,
    refunded_points bigint        not null default 0,
    request_hash    text          not null,
    created_at      timestamptz   not null default now(),
    updated_at      timestamptz   not null default now()
);
create index payment_member on payment (member_id, created_at desc);

create table payment_refund (
    payment_id text          not null references payment (payment_id),
    refund_id  text          not null,
    amount     numeric(14,2) not null check (amount > 0),
    points     bigint        not null check (points >= 0),
    status     text          not null,
    created_at timestamptz   not null default now(),
    primary key (payment_id, refund_id)
);
