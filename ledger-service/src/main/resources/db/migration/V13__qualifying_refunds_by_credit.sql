-- A refund takes its qualifying points off the credit it refunds, not off the month it was made in.
-- V12 kept refunds per month of the refund, so the refund of an order earned before the tier window
-- still lowered the member's qualifying points now, and a refund made in a later month than its
-- order lowered the total still when the order's credit had left the window. Now each refund's
-- row carries the time of the order's credit (credited_at: the occurred_at of the member's
-- points.earned whose origin is that order, reference 'ORDER:<orderId>'; the earliest if there were
-- several), and AccountStore.qualifyingPointsOf subtracts the refunds whose credit is in the window
-- to the instant, exactly as it counts the credits. A refund whose order's credit the ledger does not
-- have (not expected: a refund naming its lot waits for the credit) counts from its own time, as
-- before. The ledger's own reversals stay out, as in V12: settlements of debt (reference
-- 'debt settlement') and the take-back of a tier bonus (refund id 'tier-bonus:<TIER>').
--
-- One row per refund (its entry's event_id): refunds are few beside credits, and a member's refunds
-- of the window are read from the index alone.
drop trigger entry_qualifying_refund_added on entry;
drop function qualifying_refund_add();
drop table qualifying_refund;

create table qualifying_refund (
    member_id   text        not null,
    event_id    text        not null,
    credited_at timestamptz not null,
    points      bigint      not null,
    primary key (member_id, event_id)
);
create index qualifying_refund_window on qualifying_refund (member_id, credited_at) include (points);

-- When the member's credit of the order was recorded (null: no such credit). Reads the member's
-- qualifying credits by entry_qualifying (its predicate is repeated so that the planner may use it).
create function order_credited_at(member text, order_id text) returns timestamptz language sql stable as $$
    select min(occurred_at) from entry
    where member_id = member and type = 'points.earned' and reference not like 'TIER_BONUS:%'
      and reference = 'ORDER:' || order_id
$$;

insert into qualifying_refund (member_id, event_id, credited_at, points)
select member_id, event_id,
       coalesce(order_credited_at(member_id, event::jsonb #>> '{data,orderId}'), occurred_at), refund_asked(event)
from entry
where type = 'points.reversed' and reference <> 'debt settlement' and reference not like '%/tier-bonus:%';

create function qualifying_refund_add() returns trigger language plpgsql as $$
begin
    insert into qualifying_refund (member_id, event_id, credited_at, points)
    select member_id, event_id,
           coalesce(order_credited_at(member_id, event::jsonb #>> '{data,orderId}'), occurred_at), refund_asked(event)
    from added
    where type = 'points.reversed' and reference <> 'debt settlement' and reference not like '%/tier-bonus:%'
    order by 1, 2
    on conflict (member_id, event_id) do nothing;
    return null;
end
$$;

create function qualifying_refund_remove() returns trigger language plpgsql as $$
begin
    delete from qualifying_refund q using removed r
    where q.member_id = r.member_id and q.event_id = r.event_id and r.type = 'points.reversed';
    return null;
end
$$;

create trigger entry_qualifying_refund_added after insert on entry
    referencing new table as added for each statement execute function qualifying_refund_add();
create trigger entry_qualifying_refund_removed after delete on entry
    referencing old table as removed for each statement execute function qualifying_refund_remove();
