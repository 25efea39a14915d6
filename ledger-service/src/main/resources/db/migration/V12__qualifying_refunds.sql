-- Qualifying points are net of refunds: what a refund takes back of an order (its points asked,
-- taken + debt + alreadyExpired) no longer counts towards a tier. Kept per member and UTC month of
-- the refund, as qualifying_month keeps the credits; AccountStore.qualifyingPointsOf subtracts the
-- months of the window (the whole of the month it starts in). The ledger's own reversals are left
-- out: settlements of debt (reference 'debt settlement') and the take-back of a tier bonus
-- (refund id 'tier-bonus:<TIER>'), which never qualified.
create table qualifying_refund (
    member_id text   not null,
    month     date   not null,
    points    bigint not null,
    primary key (member_id, month)
);

create function refund_asked(event text) returns bigint language sql immutable as $$
    select (event::jsonb #>> '{data,points}')::bigint + coalesce((event::jsonb #>> '{data,debt}')::bigint, 0)
           + coalesce((event::jsonb #>> '{data,alreadyExpired}')::bigint, 0)
$$;

insert into qualifying_refund (member_id, month, points)
select member_id, date_trunc('month', occurred_at at time zone 'UTC')::date, sum(refund_asked(event))
from entry
where type = 'points.reversed' and reference <> 'debt settlement' and reference not like '%/tier-bonus:%'
group by 1, 2;

create function qualifying_refund_add() returns trigger language plpgsql as $$
begin
    insert into qualifying_refund (member_id, month, points)
    select member_id, date_trunc('month', occurred_at at time zone 'UTC')::date, sum(refund_asked(event))
    from added
    where type = 'points.reversed' and reference <> 'debt settlement' and reference not like '%/tier-bonus:%'
    group by 1, 2
    order by 1, 2
    on conflict (member_id, month) do update set points = qualifying_refund.points + excluded.points;
    return null;
end
$$;

create trigger entry_qualifying_refund_added after insert on entry
    referencing new table as added for each statement execute function qualifying_refund_add();
