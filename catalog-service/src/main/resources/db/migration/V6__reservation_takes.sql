-- What a reservation took, so that a release, an expiry or a return gives back only that: a
-- reward that was unlimited when reserved (nothing taken) and limited since must not gain units
-- from nothing. Rows from before this change took what their reward then had; their give-back
-- stays as it was (true).
alter table reservation add column stock_taken boolean not null default true;
alter table reservation add column prize_taken boolean not null default true;
