-- The reward's name as it was when the reservation was made, beside its points and (for a VOUCHER)
-- its value: what the member's receipt and notices call it, whatever the reward is renamed to later.
-- Null for reservations from before this change.
alter table reservation add column reward_name text;
