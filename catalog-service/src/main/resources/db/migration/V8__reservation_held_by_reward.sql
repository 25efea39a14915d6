-- A reward's reservations that count against its members' limits (RESERVED and CONFIRMED), found
-- when an admin changes the limit's period, or adds a limit: they are counted again under it.
create index reservation_held_by_reward on reservation (reward_id) where status in ('RESERVED', 'CONFIRMED');
