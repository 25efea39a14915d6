-- The rule set's version: bumped by every change to a rule or campaign, recorded on each earning.
create table rule_set (
    id      int primary key check (id = 1),
    version bigint not null
);
insert into rule_set (id, version) values (1, 1);

-- Earning rules, applied in the fixed order of docs/earning.md. Which columns matter depends on kind.
create table earning_rule (
    rule_id        text primary key,
    kind           text        not null check (kind in ('CATEGORY_MULTIPLIER', 'THRESHOLD_BONUS', 'MEMBER_DAY',
                                                        'FIRST_PURCHASE', 'TIER_MULTIPLIER')),
    category       text,
    tier           text,
    multiplier     numeric(6, 2),
    threshold_yuan numeric(14, 2),
    points         bigint,
    day_of_month   int,
    active         boolean     not null default true,
    updated_at     timestamptz not null default now()
);
insert into earning_rule (rule_id, kind, threshold_yuan, points) values ('threshold-100', 'THRESHOLD_BONUS', 100, 200);
insert into earning_rule (rule_id, kind, day_of_month, points) values ('member-day', 'MEMBER_DAY', 1, 50);

-- Campaigns: a multiplier within [starts_at, ends_at), optionally for a category, a SKU or a minimum
-- tier, and an optional budget in points that stops the campaign once spent.
create table campaign (
    campaign_id text primary key,
    name        text,
    multiplier  numeric(6, 2) not null,
    starts_at   timestamptz   not null,
    ends_at     timestamptz   not null,
    category    text,
    sku         text,
    min_tier    text,
    budget      bigint,
    spent       bigint        not null default 0,
    active      boolean       not null default true,
    updated_at  timestamptz   not null default now(),
    check (ends_at > starts_at),
    check (budget is null or (budget >= 0 and spent <= budget))
);

-- One earning per order: the primary key makes concurrent duplicates collide.
create table earning (
    order_id          text primary key,
    member_id         text        not null,
    content_hash      text        not null,
    points            bigint      not null,
    eligible_yuan     numeric(14, 2) not null,
    proportional      bigint      not null,
    rule_set_version  bigint      not null,
    response          text        not null,
    created_at        timestamptz not null default now()
);
create index earning_member on earning (member_id);

-- A member's first purchase, claimed once (the first-purchase bonus).
create table first_purchase (
    member_id text primary key,
    order_id  text not null
);

-- Tiers as the ledger decided them (tier.changed on points.ledger).
create table member_tier (
    member_id  text primary key,
    tier       text        not null,
    updated_at timestamptz not null default now()
);
