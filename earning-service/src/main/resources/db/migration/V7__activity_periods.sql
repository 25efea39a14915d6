-- Activity lot ids now join their parts with "/" (checkin/<memberId>/<date>), which no id contains,
-- so no two credits can share one. An activity is credited once per member, kind and day whatever
-- the form of its lot id: a period credited under the former lot id (checkin-<memberId>-<date>)
-- is not credited again under the new one. (A birthday is credited on one day a year.)
create unique index activity_period on activity (member_id, kind, day);
