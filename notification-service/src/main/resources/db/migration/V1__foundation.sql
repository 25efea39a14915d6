-- A member's notifications. The id is the id of the event that caused it, so a redelivered event
-- cannot notify twice.
create table notification (
    notification_id text primary key,
    member_id       text        not null,
    kind            text        not null,
    title           text        not null,
    body            text        not null,
    occurred_at     timestamptz not null,
    created_at      timestamptz not null default now()
);
create index notification_member on notification (member_id, occurred_at desc, notification_id desc);
