-- CONTRACT.md captures and releases a hold by its id alone (POST /api/v1/holds/{holdId}/capture):
-- find the hold's member among the recorded points.reserved events, open or already closed.
create index entry_reserved_hold on entry ((event -> 'data' ->> 'holdId')) where type = 'points.reserved';
