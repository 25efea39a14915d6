-- member_points (V1) is the account: one row per member, its Account snapshot, locked by every
-- decision. next_expiry_at lets the expiry job find due accounts without reading snapshots.
alter table member_points add column next_expiry_at timestamptz;
create index member_points_next_expiry on member_points (next_expiry_at) where next_expiry_at is not null;

-- Every event applied to an account, in the order applied: the history members see, and (by its
-- unique event_id) the memory that makes a redelivered or repeated event change nothing.
create table entry (
    seq         bigserial primary key,
    member_id   text        not null,
    event_id    text        not null unique,
    type        text        not null,
    points      bigint      not null,
    reference   text,
    event       jsonb       not null,
    occurred_at timestamptz not null
);
create index entry_member_seq on entry (member_id, seq desc);

-- Open holds with their TTL, for the job that releases the ones nobody captured or released.
create table hold (
    member_id  text        not null,
    hold_id    text        not null,
    expires_at timestamptz not null,
    primary key (member_id, hold_id)
);
create index hold_expires on hold (expires_at);

-- Manual adjustments (maker-checker): requested by one admin, applied only when another approves.
create table adjustment (
    adjustment_id text        primary key,
    member_id     text        not null,
    points        bigint      not null check (points <> 0),
    reason        text        not null,
    requested_by  text        not null,
    requested_at  timestamptz not null,
    status        text        not null check (status in ('PENDING', 'APPROVED', 'REJECTED')),
    decided_by    text,
    decided_at    timestamptz,
    decision_note text
);
create index adjustment_pending on adjustment (requested_at) where status = 'PENDING';
