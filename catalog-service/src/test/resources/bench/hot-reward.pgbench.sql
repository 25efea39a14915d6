-- One reservation of one hot reward, the statements of ReservationService.reserve in one transaction (docs/contract-extensions.md, catalog).
-- On a database migrated with catalog-service V1..V9 and a reward "hot" with enough stock and a limit of 5 a LIFETIME:
--   pgbench -n -f hot-reward.pgbench.sql -c 8 -j 2 -T 15 <db>
\set m random(1, 1000000000000)
BEGIN;
insert into member_limit (member_id, reward_id, period_key, used) select 'm-' || :m, 'hot', 'LIFETIME', 1 from (select pg_advisory_xact_lock_shared(20, hashtext('hot'))) as gate on conflict (member_id, reward_id, period_key) do update set used = member_limit.used + 1 where member_limit.used + 1 <= 5;
update reward set stock = stock - 1, version = version + 1, updated_at = now() from (select pg_advisory_xact_lock_shared(20, hashtext('hot'))) as gate where reward_id = 'hot' and (stock is null or stock >= 1) and reward.status = 'ACTIVE' and reward.limit_count is not distinct from 5 and (reward.limit_count is null or reward.limit_period = 'LIFETIME') returning stock, version;
insert into reservation (reservation_id, reward_id, member_id, quantity, ttl_seconds, kind, points_cost, status, expires_at, period_key, created_at, updated_at) values ('res-' || :client_id || '-' || :m, 'hot', 'm-' || :m, 1, 900, 'GIFT', 10, 'RESERVED', now() + interval '900 seconds', 'LIFETIME', now(), now());
insert into outbox (topic, message_key, event_id, payload) values ('catalog.rewards', 'hot', 'stock.changed:hot:' || :m, repeat('x', 330));
COMMIT;
