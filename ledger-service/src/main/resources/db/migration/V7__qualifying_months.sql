-- A member's qualifying points (points earned in the tier window, tier bonuses left out) are summed
-- at every credit. Even from the partial index entry_qualifying (V6) that read every qualifying
-- entry of the member in the window, each from the heap until a vacuum marked its page visible:
-- about 4.5 ms per batch of credits in the earnings benchmark, the ledger's costliest statement,
-- and more with every credit a member earns.
--
-- qualifying_month keeps the sum per member and UTC month of occurred_at, so the window's sum reads
-- at most one row per month, and the entries of the one month the window starts in
-- (AccountStore.qualifyingPointsOf). Triggers on entry keep it equal to the sum of the entries,
-- whichever statement writes them; a statement's rows are added in one set-based upsert.
create table qualifying_month (
    member_id text   not null,
    month     date   not null,
    points    bigint not null,
    primary key (member_id, month)
);

insert into qualifying_month (member_id, month, points)
select member_id, date_trunc('month', occurred_at at time zone 'UTC')::date, sum(points)
from entry
where type = 'points.earned' and reference not like 'TIER_BONUS:%'
group by 1, 2;

create function qualifying_month_add() returns trigger language plpgsql as $$
begin
    insert into qualifying_month (member_id, month, points)
    select member_id, date_trunc('month', occurred_at at time zone 'UTC')::date, sum(points)
    from added
    where type = 'points.earned' and reference not like 'TIER_BONUS:%'
    group by 1, 2
    order by 1, 2
    on conflict (member_id, month) do update set points = qualifying_month.points + excluded.points;
    return null;
end
$$;

create function qualifying_month_remove() returns trigger language plpgsql as $$
begin
    update qualifying_month q set points = q.points - r.points
    from (select member_id, date_trunc('month', occurred_at at time zone 'UTC')::date as month, sum(points) as points
          from removed
          where type = 'points.earned' and reference not like 'TIER_BONUS:%'
          group by 1, 2) r
    where q.member_id = r.member_id and q.month = r.month;
    return null;
end
$$;

create trigger entry_qualifying_added after insert on entry
    referencing new table as added for each statement execute function qualifying_month_add();
create trigger entry_qualifying_removed after delete on entry
    referencing old table as removed for each statement execute function qualifying_month_remove();
