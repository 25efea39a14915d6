-- notification (sequence) was unique-indexed by V10, but every read of the sequence is a member's
-- (the stream: member_id and sequence, V21's notification_member_sequence), and the identity column
-- gives each row its own value. One index less to write for every notice stored.
drop index if exists notification_sequence;
