-- A VOUCHER's value (yuan) as catalog priced it at reservation, beside its points: what the member
-- paid for and a shop accepts, whatever the reward's value is set to later. Null for other kinds and
-- for redemptions from before this change.
alter table redemption add column voucher_value numeric(14, 2);
-- Why the saga waits (a side that did not answer), apart from the refusal's reason: until this
-- change a wait wrote over the reason, and a redemption FAILED for INSUFFICIENT_POINTS whose release
-- at catalog had to wait said "CATALOG_UNAVAILABLE: no answer". Cleared when the saga moves.
alter table redemption add column waiting text;
