-- Webhook endpoints of merchants' systems and the deliveries to them (docs/contract-extensions.md,
-- "Webhooks"). Secrets are stored only encrypted: AES-256-GCM under points.webhooks.secret-key, a
-- 12-byte nonce before the ciphertext, the endpoint id as associated data (a ciphertext copied to
-- another row does not open).
create table webhook_endpoint (
    endpoint_id          text primary key,
    url                  text        not null,
    event_types          text[]      not null,
    secret_sealed        bytea       not null,
    -- After a rotation the old secret keeps signing beside the new one until previous_valid_until.
    previous_sealed      bytea,
    previous_valid_until timestamptz,
    -- Idempotency-Key of the registration and a hash of its request: a repeat answers the same
    -- endpoint (and secret) again without the secret ever being stored in clear.
    creation_key         text unique,
    creation_hash        text,
    created_at           timestamptz not null default now(),
    rotated_at           timestamptz
);

-- One delivery per endpoint and event. delivery_id is the order in which events were read from the
-- log: per (endpoint, member) the delivery with the smallest id still PENDING goes first and the
-- later ones wait for it to be DELIVERED or DEAD.
create table webhook_delivery (
    delivery_id     bigserial primary key,
    endpoint_id     text        not null references webhook_endpoint on delete cascade,
    event_id        text        not null,
    member_id       text        not null,
    event_type      text        not null,
    body            text        not null,
    status          text        not null default 'PENDING' check (status in ('PENDING', 'DELIVERED', 'DEAD')),
    attempts        integer     not null default 0,
    -- Due time of the next attempt; while an attempt is under way, the end of its lease.
    next_attempt_at timestamptz not null default now(),
    give_up_at      timestamptz not null,
    last_status     integer,
    last_error      text,
    created_at      timestamptz not null default now(),
    finished_at     timestamptz,
    unique (endpoint_id, event_id)
);
create index webhook_delivery_queue on webhook_delivery (endpoint_id, member_id, delivery_id) where status = 'PENDING';
create index webhook_delivery_due on webhook_delivery (endpoint_id, next_attempt_at) where status = 'PENDING';
create index webhook_delivery_dead on webhook_delivery (endpoint_id, delivery_id) where status = 'DEAD';
