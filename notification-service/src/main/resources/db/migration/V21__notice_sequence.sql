-- The order in which notices were stored, for the live stream's SSE ids and Last-Event-ID
-- (docs/contract-extensions.md, "notification: live stream"). Every insert into notification first
-- takes one transaction-scoped advisory lock, before any row takes its sequence value: inserts are
-- serialized from their first sequence value to their commit, so sequence order is commit order
-- and a reader that has seen sequence n has seen every notice with a smaller one (no gap when a
-- reader resumes after n). Inserts are one statement per polled batch, so this costs little.
-- The column itself is V10's (an identity column); this adds the per-member index the stream reads
-- by and the lock that makes its order the commit order.
create unique index notification_member_sequence on notification (member_id, sequence);

create function notification_sequence_in_commit_order() returns trigger language plpgsql as $$
begin
    perform pg_advisory_xact_lock(7210021);
    return null;
end $$;

create trigger notification_sequence_in_commit_order before insert on notification
    for each statement execute function notification_sequence_in_commit_order();
