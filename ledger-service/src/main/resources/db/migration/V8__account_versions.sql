-- Every write of an account gives it a new version from one sequence, so that the ledger can keep
-- the accounts it saved in memory (AccountCache) and, under the row lock, tell whether the one it
-- holds is still the committed one without reading and parsing the snapshot again. The sequence
-- belongs to no table: a rebuild's table (created like this one) draws from it too, so a version
-- never names two states of an account, before and after a swap.
create sequence member_points_version;
alter table member_points add column version bigint not null default nextval('member_points_version');
