-- What a confirmed refund did not take back since it had already expired from the order's points
-- (the ledger's alreadyExpired, since 2026-12-06). Null for refunds confirmed before.
alter table refund add column already_expired bigint;
