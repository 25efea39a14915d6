-- Bulk grants: one admin call credits a campaign's points to many members, once per grant id.
-- ("grant" is an SQL keyword, hence grant_batch.)
create table grant_batch (
    grant_id     text primary key,
    campaign_id  text        not null references campaign (campaign_id),
    points       bigint      not null check (points > 0),
    members      int         not null check (members > 0),
    content_hash text        not null,
    requested_by text,
    reason       text,
    response     text        not null,
    created_at   timestamptz not null default now()
);

-- Who a grant credited, and the lot each member got (lot id grant-<grantId>-<memberId>).
create table grant_credit (
    grant_id  text not null references grant_batch (grant_id),
    member_id text not null,
    lot_id    text not null unique,
    primary key (grant_id, member_id)
);
create index grant_credit_member on grant_credit (member_id);
