-- The service writes snapshots and events whole and reads them whole; PostgreSQL never looks
-- inside them. As jsonb, every write paid for parsing the document and every read for printing it
-- again (about 13 times the cost of text for the rebuild's bulk write of snapshots). Text keeps
-- the document exactly as the service wrote it.

-- The one place SQL looked inside an event: which member made a hold, by the hold's id alone.
alter table entry add column hold_id text;
update entry set hold_id = event -> 'data' ->> 'holdId' where type = 'points.reserved';
drop index entry_reserved_hold;
create index entry_hold on entry (hold_id) where hold_id is not null;

alter table entry alter column event type text using event::text;
alter table member_points alter column snapshot type text using snapshot::text;

-- Snapshots over the TOAST threshold compress with lz4 (about twice as fast as pglz), where the
-- server was built with it.
do $$
begin
    if exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) then
        alter table member_points alter column snapshot set compression lz4;
    end if;
end
$$;
