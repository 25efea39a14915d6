-- The member view (service-kit MemberPointsProjector) keeps each member's figures, lots and open
-- holds as rows of their own instead of one snapshot per member. An event now reads and writes the
-- few rows it names: the snapshot, read, folded and written whole by every event, grew with every
-- lot the member was ever credited and cost more the longer a member had been earning.

create table member_account (
    member_id       text primary key,
    tier            text        not null,
    lifetime_earned bigint      not null,
    spent           bigint      not null,
    expired         bigint      not null,
    reversed        bigint      not null,
    debt            bigint      not null,
    adjusted_in     bigint      not null,
    adjusted_out    bigint      not null,
    reserved        bigint      not null,
    updated_at      timestamptz not null
);

-- Every lot, emptied ones too (a second credit of the same lot must still be refused). Instants
-- as the events write them, ISO-8601 text to the nanosecond: timestamptz keeps microseconds only.
create table member_lot (
    member_id    text   not null,
    lot_id       text   not null,
    points       bigint not null,
    remaining    bigint not null,
    available_at text,
    expires_at   text   not null,
    origin       text,
    primary key (member_id, lot_id)
);

-- Open holds: the lots each took from and how many points, in the order of its allocations.
create table member_hold (
    member_id text     not null,
    hold_id   text     not null,
    lot_ids   text[]   not null,
    points    bigint[] not null,
    primary key (member_id, hold_id)
);

insert into member_account
select member_id, s ->> 'tier', (s ->> 'lifetimeEarned')::bigint, (s ->> 'spent')::bigint,
       (s ->> 'expired')::bigint, (s ->> 'reversed')::bigint, (s ->> 'debt')::bigint,
       (s ->> 'adjustedIn')::bigint, (s ->> 'adjustedOut')::bigint, (s ->> 'reserved')::bigint, updated_at
from (select member_id, snapshot::jsonb as s, updated_at from member_points) as p;

insert into member_lot
select p.member_id, l ->> 'lotId', (l ->> 'points')::bigint, (l ->> 'remaining')::bigint,
       l ->> 'availableAt', l ->> 'expiresAt', l ->> 'origin'
from member_points as p, jsonb_array_elements(p.snapshot::jsonb -> 'lots') as l;

insert into member_hold
select p.member_id, h.key,
       array(select a ->> 'lotId' from jsonb_array_elements(h.value) with ordinality as t(a, n) order by n),
       array(select (a ->> 'points')::bigint from jsonb_array_elements(h.value) with ordinality as t(a, n) order by n)
from member_points as p, jsonb_each(p.snapshot::jsonb -> 'holds') as h;

drop table member_points;
