-- A saga records each step with an update of its row (RESERVED, HELD, CAPTURED, then DONE). None of
-- the three middle ones changes an indexed column (nor status, redemption_open's predicate; the
-- advance keeps next_attempt_at unless a retry had pushed it later), so PostgreSQL can write them
-- as heap-only tuples, without a new entry in each of the table's five indexes, when the row's page
-- has room for the new version. Pages are filled to 70 % on insert to leave that room (new pages
-- only: rows written before keep their pages as they are).
alter table redemption set (fillfactor = 70);
