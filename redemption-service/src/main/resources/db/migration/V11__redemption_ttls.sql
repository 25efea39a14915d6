-- The ttlSeconds this saga asks of catalog (its reservation) and of the ledger (its hold), fixed when
-- the redemption is recorded: both sides answer a repeated id with another ttlSeconds as a conflict
-- (RESERVATION_CONFLICT, HOLD_CONFLICT), so a saga retried by a process that runs with other
-- settings (a deploy that changed points.redemption.*-ttl-seconds) must ask what it asked the first
-- time. Null for redemptions from before this change: they ask the settings of the day, as before.
alter table redemption add column reservation_ttl_seconds bigint, add column hold_ttl_seconds bigint;
