-- The ttlSeconds a payment asks of the ledger for its hold, fixed when the payment is recorded: the
-- ledger answers a repeated hold id with another ttlSeconds as HOLD_CONFLICT, so the same request
-- sent again after a deploy that changed points.payment.hold-ttl-seconds must ask what it asked the
-- first time (and a PENDING payment lapses by its own TTL). Null for payments from before this
-- change: they use the setting of the day, as before.
alter table payment add column hold_ttl_seconds bigint;
