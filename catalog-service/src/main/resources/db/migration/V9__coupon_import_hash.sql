-- Which import added a code: a hash of the reward and the file's codes in order. The same file sent
-- again (a retry after a timeout or a crash, with or without its Idempotency-Key) finds every code
-- imported by that very import and is answered as a repeat, not refused as codes imported before.
-- Null for codes imported before this change.
alter table coupon_code add column import_hash text;
