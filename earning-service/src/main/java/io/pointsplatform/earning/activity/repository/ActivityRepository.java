package io.pointsplatform.earning.activity.repository;

import io.pointsplatform.events.Tier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

@ApplicationScoped
public class ActivityRepository {

    /** An enrolled member as activities see it. */
    public record MemberFacts(String memberId, LocalDate birthday, Tier tier) {
    }

    public Uni<MemberFacts> member(SqlClient client, String memberId) {
        return client.preparedQuery("select m.member_id, m.birthday, t.tier from member m"
                        + " left join member_tier t on t.member_id = m.member_id where m.member_id = $1")
                .execute(Tuple.of(memberId))
                .map(rows -> rows.size() == 0 ? null : facts(rows.iterator().next()));
    }

    /** Members born on this month and day (29 February counts on 28 February in other years), after a member id. */
    public Uni<List<MemberFacts>> bornOn(SqlClient client, LocalDate day, String afterMemberId, int limit) {
        boolean leapDayToo = day.getMonthValue() == 2 && day.getDayOfMonth() == 28 && !day.isLeapYear();
        return client.preparedQuery("select m.member_id, m.birthday, t.tier from member m"
                        + " left join member_tier t on t.member_id = m.member_id"
                        + " where extract(month from m.birthday) = $1"
                        + " and (extract(day from m.birthday) = $2 or ($3 and extract(day from m.birthday) = 29))"
                        + " and m.member_id > $4 order by m.member_id limit $5")
                .execute(Tuple.of(day.getMonthValue(), day.getDayOfMonth(), leapDayToo, afterMemberId, limit))
                .map(rows -> {
                    List<MemberFacts> members = new ArrayList<>();
                    rows.forEach(row -> members.add(facts(row)));
                    return members;
                });
    }

    /**
     * Records the activity's lot. Null if this call recorded it; else the lot id the member's
     * activity of that kind and day was recorded with before (maybe in the former form).
     */
    public Uni<String> insert(SqlConnection connection, String lotId, String memberId, String kind, long points,
                              LocalDate day) {
        return connection.preparedQuery("insert into activity (lot_id, member_id, kind, points, day)"
                        + " values ($1, $2, $3, $4, $5) on conflict do nothing")
                .execute(Tuple.of(lotId, memberId, kind, points, day))
                .chain(rows -> rows.rowCount() == 1 ? Uni.createFrom().<String>nullItem()
                        : connection.preparedQuery("select lot_id from activity where member_id = $1 and kind = $2"
                                        + " and day = $3")
                                .execute(Tuple.of(memberId, kind, day))
                                .map(found -> found.iterator().next().getString("lot_id")));
    }

    private static MemberFacts facts(Row row) {
        String tier = row.getString("tier");
        return new MemberFacts(row.getString("member_id"), row.getLocalDate("birthday"),
                tier == null ? Tier.MEMBER : Tier.valueOf(tier));
    }
}
