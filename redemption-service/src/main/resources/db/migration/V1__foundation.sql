-- Outbox: events decided here, written in the same transaction as their effect, published by the relay.
create table outbox (
    id          bigserial primary key,
    topic       text        not null,
    message_key text        not null,
    event_id    text        not null,
    payload     text        not null,
    created_at  timestamptz not null default now()
);

-- Event ids already applied: Kafka delivers at least once, so a repeat must change nothing.
create table processed_event (
    event_id     text primary key,
    processed_at timestamptz not null default now()
);

-- Each member's account folded from points.ledger (a snapshot of the shared Account fold).
create table member_points (
    member_id  text primary key,
    snapshot   jsonb       not null,
    updated_at timestamptz not null
);
