-- A capture names the hold's reference in points.spent: kept with the open hold, so the capture
-- reads it where it closes the hold, in one statement.
alter table hold add column reference text;
