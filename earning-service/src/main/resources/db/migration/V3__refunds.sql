-- What a refund needs to know of the order: its lines and its fixed bonuses (with their thresholds).
alter table earning add column lines text;
alter table earning add column bonuses text;

-- Refunds: recorded with the points to take back in one transaction; the dispatcher then asks the
-- ledger (idempotent per refund id) until it confirms or refuses.
create table refund (
    refund_id       text primary key,
    order_id        text           not null references earning (order_id),
    member_id       text           not null,
    content_hash    text           not null,
    amount_yuan     numeric(14, 2) not null,
    points          bigint         not null,
    status          text           not null check (status in ('PENDING', 'CONFIRMED', 'REFUSED')),
    taken           bigint,
    debt            bigint,
    attempts        int            not null default 0,
    next_attempt_at timestamptz    not null default now(),
    last_error      text,
    created_at      timestamptz    not null default now()
);
create index refund_order on refund (order_id);
create index refund_pending on refund (next_attempt_at) where status = 'PENDING';
