-- The analytics side's own schema (database `analytics` in the local stack). Written by replay-cli
-- (`--format postgres`), read by the dashboard; no service reads it and it reads no service's tables.
-- Everything here is derived from the log: dropping the schema and replaying from the beginning gives
-- it back. Idempotent by construction: a row of analytics.events is inserted once per CloudEvent id,
-- and every aggregate below changes only for events inserted in the same transaction, so replaying a
-- range twice changes nothing. The columns named here are what the dashboard reads: add, don't rename.

CREATE SCHEMA IF NOT EXISTS analytics;

-- The fact table: one row per event, with typed columns for what analysts filter and group by.
CREATE TABLE IF NOT EXISTS analytics.events (
    event_id          text        PRIMARY KEY,          -- the CloudEvent id
    topic             text        NOT NULL,
    kafka_partition   int         NOT NULL,
    kafka_offset      bigint      NOT NULL,
    type              text        NOT NULL,             -- the CloudEvent type, e.g. points.earned
    occurred_at       timestamptz NOT NULL,             -- the CloudEvent time
    day               date        NOT NULL,             -- occurred_at's date in the programme's zone (Asia/Shanghai)
    member_id         text,
    tier              text,                             -- the member's tier when it happened (MEMBER before any tier.changed)
    points            bigint,                           -- as the event writes it (a points.adjusted may be negative)
    outstanding_delta bigint      NOT NULL DEFAULT 0,   -- what it changes in the points owed to members
    lot_id            text,
    hold_id           text,
    order_id          text,
    reward_id         text,
    redemption_id     text,
    data              jsonb       NOT NULL              -- the CloudEvent's data as written
);
CREATE INDEX IF NOT EXISTS events_day_type ON analytics.events (day, type);
CREATE INDEX IF NOT EXISTS events_member ON analytics.events (member_id);

-- Daily aggregates per event type and tier.
CREATE TABLE IF NOT EXISTS analytics.daily_points (
    day               date   NOT NULL,
    type              text   NOT NULL,
    tier              text   NOT NULL,
    events            bigint NOT NULL,
    points            bigint NOT NULL,                  -- sum of events.points
    outstanding_delta bigint NOT NULL,                  -- sum of events.outstanding_delta
    PRIMARY KEY (day, type, tier)
);

-- Outstanding points (owed to members, a debt in money) at the end of each day with events.
CREATE OR REPLACE VIEW analytics.outstanding_by_day AS
    SELECT day, sum(sum(outstanding_delta)) OVER (ORDER BY day) AS outstanding
    FROM analytics.daily_points
    GROUP BY day;

-- Members and their current tier (from members and tier.changed).
CREATE TABLE IF NOT EXISTS analytics.members (
    member_id   text PRIMARY KEY,
    tier        text NOT NULL DEFAULT 'MEMBER',
    enrolled_at timestamptz,
    locale      text
);

-- Rewards as catalog.rewards last described them.
CREATE TABLE IF NOT EXISTS analytics.rewards (
    reward_id   text PRIMARY KEY,
    name        text,
    kind        text,
    points_cost bigint,
    retired     boolean NOT NULL DEFAULT false
);

-- Reward popularity from the redemptions topic.
CREATE TABLE IF NOT EXISTS analytics.reward_popularity (
    reward_id    text   PRIMARY KEY,
    requested    bigint NOT NULL DEFAULT 0,
    completed    bigint NOT NULL DEFAULT 0,
    failed       bigint NOT NULL DEFAULT 0,
    cancelled    bigint NOT NULL DEFAULT 0,
    points_spent bigint NOT NULL DEFAULT 0              -- completed minus cancelled
);

-- Point lots and what has been taken from them, for "points expiring in the next 30 days".
CREATE TABLE IF NOT EXISTS analytics.lots (
    lot_id     text        PRIMARY KEY,
    member_id  text        NOT NULL,
    points     bigint      NOT NULL,                    -- as credited
    taken      bigint      NOT NULL DEFAULT 0,          -- spent, expired, reversed or adjusted away, less what came back
    expires_at timestamptz
);
CREATE INDEX IF NOT EXISTS lots_expires_at ON analytics.lots (expires_at);

-- Where each named replay stopped (`--from saved`), committed with the rows it produced.
CREATE TABLE IF NOT EXISTS analytics.replay_offsets (
    consumer        text        NOT NULL,
    topic           text        NOT NULL,
    kafka_partition int         NOT NULL,
    next_offset     bigint      NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (consumer, topic, kafka_partition)
);

-- Records a replay could not read: counted and reported, never fatal.
CREATE TABLE IF NOT EXISTS analytics.unreadable (
    topic           text        NOT NULL,
    kafka_partition int         NOT NULL,
    kafka_offset    bigint      NOT NULL,
    reason          text        NOT NULL,
    seen_at         timestamptz NOT NULL,
    PRIMARY KEY (topic, kafka_partition, kafka_offset)
);
