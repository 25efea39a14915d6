-- Each order line's share of the earning's proportional points (a JSON array of whole points, in
-- the order's line order; EarningMath.linePoints), so that a refund by lines takes back what the
-- lines it returns earned, a category's or a campaign's extra included. Null for earnings from
-- before this change: their refunds by lines stay proportional to the amount, as they were.
alter table earning add column line_points text;
