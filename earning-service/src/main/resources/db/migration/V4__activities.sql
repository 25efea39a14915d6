-- Activity credits (check-in, birthday, …): the lot id says the period, so each is credited once.
create table activity (
    lot_id     text primary key,
    member_id  text        not null,
    kind       text        not null,
    points     bigint      not null,
    day        date        not null,
    created_at timestamptz not null default now()
);
create index activity_member on activity (member_id);
create index member_birthday on member (extract(month from birthday), extract(day from birthday));
