-- The reward's name as catalog reserved it (its reservation answers it): what the member's receipt,
-- redemption list and notices call the reward, whatever it is renamed to later. Null until then, for a
-- redemption catalog refused at once, and for redemptions from before this change.
alter table redemption add column reward_name text;
