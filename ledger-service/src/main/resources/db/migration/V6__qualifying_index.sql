-- A member's qualifying points (points earned in the tier window, tier bonuses left out) are summed
-- at every credit (AccountStore.qualifyingPointsOf). Through entry_member_seq that read every entry
-- of the member, holds and spends included, from the heap: about 6 ms per batch of credits in the
-- earnings benchmark, the ledger's costliest statement, and a parallel scan of the whole table for a
-- batch of busy members. This index holds only the qualifying credits, with their points, so the sum
-- reads the window's credits from the index alone.
create index entry_qualifying on entry (member_id, occurred_at) include (points)
    where type = 'points.earned' and reference not like 'TIER_BONUS:%';
