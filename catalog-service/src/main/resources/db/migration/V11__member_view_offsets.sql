-- Where the member view has read points.ledger to, per partition, written in the transaction that
-- applies what it read (service-kit MemberPointsProjector): a record before it is one applied
-- already, whatever the consumer group's committed offset says. The marks of applied events
-- (processed_event) are forgotten after a week, and Kafka forgets an idle group's offsets after a
-- week too (offsets.retention.minutes), after which the group starts again at the log's beginning.
create table if not exists member_view_offset (
    topic           text   not null,
    kafka_partition int    not null,
    next_offset     bigint not null,
    primary key (topic, kafka_partition)
);
