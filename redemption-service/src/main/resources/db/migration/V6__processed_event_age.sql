-- The member view's marks of applied events are forgotten after points.member-view.marks-retention
-- (service-kit MemberViewMarksPurge), the oldest first: found by their age, not by a scan of all.
create index if not exists processed_event_processed_at on processed_event (processed_at);
