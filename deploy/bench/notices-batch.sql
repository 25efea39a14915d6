-- pgbench script: PostgreSQL's own work for one batch of a notices backlog (deploy/bench/run.sh
-- notifications, the baseline beside "notices stored"): 500 notices stored once each (V21's
-- advisory lock taken by the statement trigger, as in the service), each notice's e-mail delivery
-- (SKIPPED: the backlog's members have no address) and the member view's lot for its credit. The
-- rows are shaped as notification-service writes them; nothing else of the service runs.
begin;
with stored as (
    insert into notification (notification_id, member_id, kind, title, body, occurred_at, locale, params)
    select 'points.earned:bench-' || gen_random_uuid(), 'bench-n-m' || (random() * 10000)::int, 'points.earned',
           '积分到账', '您获得了 10 积分,有效期至 2027年12月3日。', now(), 'zh-CN',
           '{"points":10,"lotId":"bench-n-lot123456","expiresAt":"2027-12-03T10:00:00Z","origin":"ORDER"}'::jsonb
    from generate_series(1, 500)
    on conflict (notification_id) do nothing
    returning notification_id)
insert into notice_delivery (notification_id, channel, status, reason)
select notification_id, 'email', 'SKIPPED', 'no e-mail address' from stored;
insert into member_lot (member_id, lot_id, points, remaining, available_at, expires_at, origin)
select 'bench-n-m' || (random() * 10000)::int, 'bench-n-lot-' || gen_random_uuid(), 10, 10,
       '2026-12-03T10:00:00Z', '2027-12-03T10:00:00Z', 'ORDER'
from generate_series(1, 500);
commit;
