-- Each (endpoint, member) queue's head carries its delivery's due time, so that a dispatch reads,
-- per endpoint, only the first due heads by index (webhook_queue_head_due: a range scan stopped by
-- the limit) instead of every head of the endpoint joined to its delivery, filtered and sorted.
-- EXPLAIN ANALYZE (jit off) over 50 100 pending deliveries, 2 000 members x 3 endpoints (6 000
-- heads, 30 of them leased), 8 per endpoint, on the shared 2-core machine:
--   before (V31's DUE: every head of the endpoint joined to its delivery, filtered, top-N sorted):
--     37, 91, 49 ms at load 25; 12, 11, 7 ms at load 7;
--   after (Limit over an index-only scan of webhook_queue_head_due, 8 rows per endpoint, then 24
--     primary-key probes): 0.12, 0.09, 0.08 ms at load 7; the dispatcher's whole take (the same
--     read, locking the heads and leasing 24 deliveries, with their 24 trigger calls):
--     1.3, 0.8, 0.8 ms at load 7 (5.7 ms cold).
--
-- The head's next_attempt_at equals its delivery's at every commit, kept by the triggers in the
-- transaction of each change:
--   * a head made (a new or resent PENDING delivery, V31's upsert) takes the delivery's time;
--   * a head moved on (its delivery DELIVERED or DEAD) takes the next PENDING delivery's time, read
--     FOR SHARE while the head row is locked: a transaction changing that delivery's time meanwhile
--     (a lease or failure of a delivery that was not the head, possible when an older dead one was
--     resent) is waited for and its time read; one that comes after sees the new head and updates it;
--     an enqueue committed meanwhile is seen; one still running waits on the head row, then finds the
--     new head (and keeps it: it is older) or none (the queue was empty) and makes itself the head;
--   * a PENDING delivery whose next_attempt_at changes (the lease, a failure's backoff) updates the
--     head row naming it, if any; a resend is the first case.
-- As in V31, an enqueue's upsert still locks an existing head row (its update is now conditional,
-- but ON CONFLICT DO UPDATE locks the row either way), so it waits for a transaction moving that
-- head. Locks are taken in one order, so that no two of these transactions deadlock: an endpoint's
-- row, then heads in (endpoint_id, member_id) order, then deliveries. The enqueue inserts in that
-- order; the dispatcher's record and the resend lock the heads first; the take skips a locked head
-- instead of waiting; an endpoint's deletion locks its row, then its heads, before the cascade
-- (WebhookDeliveryRepository, WebhookEndpointRepository).
alter table webhook_queue_head add column next_attempt_at timestamptz;
update webhook_queue_head h set next_attempt_at = d.next_attempt_at
from webhook_delivery d where d.delivery_id = h.delivery_id;
alter table webhook_queue_head alter column next_attempt_at set not null;
create index webhook_queue_head_due on webhook_queue_head (endpoint_id, next_attempt_at, delivery_id);
-- Nothing reads them any more; each was one more index entry per lease (webhook_delivery_due: every
-- lease and backoff changes next_attempt_at) or per head change.
drop index webhook_delivery_due;
drop index webhook_queue_head_delivery;

create or replace function webhook_queue_head_pending() returns trigger language plpgsql as $$
begin
    insert into webhook_queue_head (endpoint_id, member_id, delivery_id, next_attempt_at)
    values (new.endpoint_id, new.member_id, new.delivery_id, new.next_attempt_at)
    on conflict (endpoint_id, member_id) do update
        set delivery_id = excluded.delivery_id, next_attempt_at = excluded.next_attempt_at
        where excluded.delivery_id < webhook_queue_head.delivery_id;
    return null;
end $$;

-- A head moved on is now updated in place (or deleted when its queue is empty) rather than deleted
-- and inserted again: the same lock on the head row while the next PENDING delivery is read, but no
-- foreign-key check on webhook_endpoint, so recording outcomes never waits for an endpoint's row
-- while holding heads (an endpoint's deletion takes its row, then its heads).
create or replace function webhook_queue_head_done() returns trigger language plpgsql as $$
declare
    successor record;
begin
    perform 1 from webhook_queue_head
    where endpoint_id = old.endpoint_id and member_id = old.member_id and delivery_id = old.delivery_id
    for update;
    if not found then
        return null;
    end if;
    select delivery_id, next_attempt_at into successor from webhook_delivery
    where endpoint_id = old.endpoint_id and member_id = old.member_id and status = 'PENDING'
    order by delivery_id limit 1
    for share;
    if found then
        update webhook_queue_head set delivery_id = successor.delivery_id, next_attempt_at = successor.next_attempt_at
        where endpoint_id = old.endpoint_id and member_id = old.member_id;
    else
        delete from webhook_queue_head where endpoint_id = old.endpoint_id and member_id = old.member_id;
    end if;
    return null;
end $$;

create function webhook_queue_head_due() returns trigger language plpgsql as $$
begin
    update webhook_queue_head set next_attempt_at = new.next_attempt_at
    where endpoint_id = new.endpoint_id and member_id = new.member_id and delivery_id = new.delivery_id;
    return null;
end $$;

create trigger webhook_queue_head_due after update of next_attempt_at on webhook_delivery
    for each row when (old.status = 'PENDING' and new.status = 'PENDING'
                       and old.next_attempt_at is distinct from new.next_attempt_at)
    execute function webhook_queue_head_due();
