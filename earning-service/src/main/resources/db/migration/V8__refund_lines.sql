-- What each refund by lines took back of each order line (its index in the order's lines, from 0),
-- so that no line is refunded more often than it was bought. Lines of a REFUSED refund no longer
-- count, as its amount does not. Refunds recorded before V8 have no rows here: only the order's
-- eligible amount bounds what can still be refunded after them.
create table refund_line (
    refund_id  text   not null references refund (refund_id),
    line_index int    not null check (line_index >= 0),
    quantity   bigint not null check (quantity > 0),
    primary key (refund_id, line_index)
);
