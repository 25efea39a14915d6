-- A member's language (zh-CN unless given; changeable) and optional e-mail address, carried on
-- member.enrolled and member.updated for notification-service to write and mail in (issue #21).
alter table member add column locale text not null default 'zh-CN';
alter table member add column email text;
