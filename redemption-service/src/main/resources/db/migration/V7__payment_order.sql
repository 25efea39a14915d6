-- The payments of one order are read together: points as payment are capped per order, over all
-- its live payments (PaymentRepository.admit).
create index payment_order on payment (order_id);
