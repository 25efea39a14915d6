-- Outbox: events written in the same transaction as their cause, published by the relay.
create table outbox (
    id          bigserial primary key,
    topic       text        not null,
    message_key text        not null,
    event_id    text        not null,
    payload     text        not null,
    created_at  timestamptz not null default now()
);

-- Event ids already applied by this service's consumers.
create table processed_event (
    event_id     text primary key,
    processed_at timestamptz not null default now()
);

-- Enrolled members. Enrolment happens once per member id; its bonuses are credited with it.
create table member (
    member_id   text primary key,
    name        text,
    birthday    date,
    referred_by text references member (member_id),
    enrolled_at timestamptz not null
);
create index member_referred_by on member (referred_by);
