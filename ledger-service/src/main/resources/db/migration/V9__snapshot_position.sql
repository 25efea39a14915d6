-- An account's snapshot is no longer written on every change: it holds the entries up to
-- snapshot_seq, and the account is that snapshot with the member's entries after it applied in
-- seq order (AccountStore). A member's entries are only written under the lock of its
-- member_points row, so their seqs grow in the order they were committed in, and none can appear
-- later below a seq already written here. Until now every snapshot held every entry of its member.
alter table member_points add column snapshot_seq bigint not null default 0;
update member_points m set snapshot_seq = coalesce((select max(e.seq) from entry e where e.member_id = m.member_id), 0);
