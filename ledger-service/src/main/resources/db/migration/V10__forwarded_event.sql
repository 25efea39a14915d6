-- Credits found on another partition of points.ledger than their member's (a producer with another
-- partitioner than Kafka's default), forwarded by the ledger to the member's partition through the
-- outbox, the same event under the same id (docs/contract-extensions.md, "The log"). One row per
-- event: a redelivery of the record after a crash forwards nothing twice. Kept as the record of what
-- was forwarded, from where.
create table forwarded_event (
    event_id       text        primary key,
    member_id      text        not null,
    from_partition int         not null,
    from_offset    bigint      not null,
    forwarded_at   timestamptz not null default now()
);
