-- A VOUCHER's value (yuan, quantity × the reward's voucherValue) as it was when the reservation
-- priced it, beside its points: what the member paid for, whatever the reward's value is set to
-- later. Null for other kinds and for reservations from before this change.
alter table reservation add column voucher_value numeric(14, 2);
