-- The head of each (endpoint, member) queue of webhook deliveries: the PENDING delivery with the
-- smallest id, the only one of the queue that may be sent (in order per member and endpoint). The
-- dispatcher reads due heads from here, so a dispatch costs what it takes (a few rows by index), not
-- the whole backlog: before, it looked for heads among every pending delivery with a `not exists`
-- per row (586 ms a dispatch at 66 000 pending, docs/benchmarks.md). Kept by triggers on
-- webhook_delivery, in the same transaction as each change:
--   * a new PENDING delivery (enqueue, or a DEAD one resent) becomes its queue's head unless a
--     smaller one is; the upsert locks the head row, so it waits for a transaction moving that head;
--   * a head that leaves PENDING (DELIVERED, DEAD) hands the place to the next PENDING of its queue,
--     read by a statement of its own after the head row was deleted (locked), so an enqueue that
--     committed meanwhile is seen, and one still running finds no head and makes itself the head.
create table webhook_queue_head (
    endpoint_id text   not null references webhook_endpoint on delete cascade,
    member_id   text   not null,
    delivery_id bigint not null,
    primary key (endpoint_id, member_id)
);
create index webhook_queue_head_delivery on webhook_queue_head (delivery_id);

insert into webhook_queue_head (endpoint_id, member_id, delivery_id)
select distinct on (endpoint_id, member_id) endpoint_id, member_id, delivery_id
from webhook_delivery where status = 'PENDING'
order by endpoint_id, member_id, delivery_id;

create function webhook_queue_head_pending() returns trigger language plpgsql as $$
begin
    insert into webhook_queue_head (endpoint_id, member_id, delivery_id)
    values (new.endpoint_id, new.member_id, new.delivery_id)
    on conflict (endpoint_id, member_id)
        do update set delivery_id = least(webhook_queue_head.delivery_id, excluded.delivery_id);
    return null;
end $$;

create function webhook_queue_head_done() returns trigger language plpgsql as $$
begin
    delete from webhook_queue_head
    where endpoint_id = old.endpoint_id and member_id = old.member_id and delivery_id = old.delivery_id;
    if found then
        insert into webhook_queue_head (endpoint_id, member_id, delivery_id)
        select endpoint_id, member_id, min(delivery_id) from webhook_delivery
        where endpoint_id = old.endpoint_id and member_id = old.member_id and status = 'PENDING'
        group by endpoint_id, member_id
        on conflict (endpoint_id, member_id)
            do update set delivery_id = least(webhook_queue_head.delivery_id, excluded.delivery_id);
    end if;
    return null;
end $$;

create trigger webhook_queue_head_inserted after insert on webhook_delivery
    for each row when (new.status = 'PENDING') execute function webhook_queue_head_pending();

create trigger webhook_queue_head_resent after update of status on webhook_delivery
    for each row when (old.status <> 'PENDING' and new.status = 'PENDING') execute function webhook_queue_head_pending();

create trigger webhook_queue_head_finished after update of status on webhook_delivery
    for each row when (old.status = 'PENDING' and new.status <> 'PENDING') execute function webhook_queue_head_done();
