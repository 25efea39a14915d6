-- Helper "notices" (issue #21, items 1-3 and 7).

-- A notice's place in the order it was stored (the live stream's Last-Event-ID), the member's
-- locale it was written in, the values its templates were filled with (to render its e-mail later),
-- and when the member read it.
alter table notification add column sequence bigint generated always as identity;
alter table notification add column locale text not null default 'zh-CN';
alter table notification add column params jsonb not null default '{}';
alter table notification add column read_at timestamptz;
create unique index notification_sequence on notification (sequence);
create index notification_unread on notification (member_id) where read_at is null;

-- What notification knows of a member from the members topic: the language to write in (null: not
-- given, zh-CN), the address to e-mail (null: none given yet) and the name to greet.
create table member_contact (
    member_id  text primary key,
    locale     text,
    name       text,
    email      text,
    updated_at timestamptz not null default now()
);

-- The delivery of a notice on a channel (today: email). PENDING until sent (SENT), given up after
-- the last try (FAILED, with the reason) or not to be sent at all (SKIPPED, with the reason).
create table notice_delivery (
    notification_id text        not null references notification (notification_id),
    channel         text        not null,
    status          text        not null check (status in ('PENDING', 'SENT', 'FAILED', 'SKIPPED')),
    attempts        int         not null default 0,
    next_attempt_at timestamptz,
    reason          text,
    recipient       text,
    updated_at      timestamptz not null default now(),
    primary key (notification_id, channel)
);
create index notice_delivery_due on notice_delivery (next_attempt_at) where status = 'PENDING';
create index notice_delivery_status on notice_delivery (status, updated_at desc, notification_id desc);

-- A member's opt-outs: (channel, kind), kind '*' for every kind of that channel.
create table notification_preference (
    member_id text not null,
    channel   text not null,
    kind      text not null,
    primary key (member_id, channel, kind)
);

-- CONTRACT.md's Idempotency-Key (service-kit's IdempotencyKeys), for POST /api/v1/notifications/marketing.
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
