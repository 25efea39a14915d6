-- Points as payment need the member's consent and belong to the shop that made them (issue #20,
-- found 2026-12-06: a checkout token could pay with any member's points and settle another shop's
-- payment).

-- The checkout token's subject that made the payment: only it captures, cancels, refunds or reads
-- it with a checkout token. Null for payments made before this migration (any checkout, as before).
alter table payment add column shop_id text;

-- A member's one-time payment code, shown by its app at the till and sent with the payment: only a
-- hash of it is kept. A code is used by one payment (payment_id) and lapses at expires_at; a payment
-- the ledger refused gives its code back (the same payment may be sent again with it).
create table payment_code (
    code_hash  text        primary key,
    member_id  text        not null,
    created_at timestamptz not null,
    expires_at timestamptz not null,
    payment_id text,
    used_at    timestamptz
);
create index payment_code_payment on payment_code (payment_id) where payment_id is not null;
-- Lapsed codes are deleted by the recovery job after a day (PaymentCodes.forgetLapsed).
create index payment_code_expiry on payment_code (expires_at);
