-- CONTRACT.md's Idempotency-Key (service-kit's IdempotencyKeys): the first successful response to a
-- key, per scope (method and path), with a hash of the request it answered. Kept for
-- points.idempotency.retention (24 h), then deleted by a job.
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
