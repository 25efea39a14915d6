-- The view writes each snapshot whole and reads it whole; PostgreSQL never looks inside it. As
-- jsonb every write paid for parsing the document and every read for printing it again; text
-- keeps it exactly as written. Large snapshots compress with lz4 where the server has it.
alter table member_points alter column snapshot type text using snapshot::text;

do $$
begin
    if exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals)) then
        alter table member_points alter column snapshot set compression lz4;
    end if;
end
$$;
