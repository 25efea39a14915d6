-- A notice stored before its member's enrolment was read (the enrolment comes on the members topic,
-- its signup bonus on points.ledger, and either may be read first) is written in zh-CN, the locale
-- of a member nobody has described, and marked; reading the enrolment rewrites it in the member's
-- language and clears the mark. A constant default: no table rewrite.
alter table notification add column before_contact boolean not null default false;
create index notification_before_contact on notification (member_id) where before_contact;
