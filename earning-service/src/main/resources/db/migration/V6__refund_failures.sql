-- A reversal that cannot succeed is not retried: the ledger's refusal (409, 400, 422) is kept with
-- its status, code and detail; a reversal still not confirmed after points.refunds.max-attempts
-- attempts is FAILED (it still counts against the order: the ledger may have taken the points
-- while its answers were lost), and a repeat of the refund reopens it.
alter table refund drop constraint refund_status_check;
alter table refund add constraint refund_status_check check (status in ('PENDING', 'CONFIRMED', 'REFUSED', 'FAILED'));
alter table refund add column failure_status int;
alter table refund add column failure_code text;
alter table refund add column failure_detail text;
