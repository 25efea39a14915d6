package io.pointsplatform.notification.preference.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** A member's opt-outs (table notification_preference): channel and kind, kind '*' for every kind. */
@ApplicationScoped
public class PreferenceRepository {

    private final Pool pool;

    public PreferenceRepository(Pool pool) {
        this.pool = pool;
    }

    public record OptOut(String channel, String kind) {
    }

    public Uni<List<OptOut>> optOuts(String memberId) {
        return pool.preparedQuery("select channel, kind from notification_preference where member_id = $1 "
                        + "order by channel, kind")
                .execute(Tuple.of(memberId))
                .map(rows -> {
                    List<OptOut> list = new ArrayList<>();
                    for (Row r : rows) {
                        list.add(new OptOut(r.getString(0), r.getString(1)));
                    }
                    return list;
                });
    }

    /** Replaces the member's opt-outs with these, in one transaction. */
    public Uni<Void> replace(String memberId, List<OptOut> optOuts) {
        String[] channels = optOuts.stream().map(OptOut::channel).toArray(String[]::new);
        String[] kinds = optOuts.stream().map(OptOut::kind).toArray(String[]::new);
        return pool.withTransaction(c -> c.preparedQuery("delete from notification_preference where member_id = $1")
                .execute(Tuple.of(memberId))
                .chain(() -> c.preparedQuery("insert into notification_preference (member_id, channel, kind) "
                                + "select $1, * from unnest($2::text[], $3::text[]) on conflict do nothing")
                        .execute(Tuple.of(memberId, channels, kinds)))
                .replaceWithVoid());
    }

    /** Adds one opt-out to the member's (already there: nothing changes). */
    public Uni<Void> add(String memberId, OptOut optOut) {
        return pool.preparedQuery("insert into notification_preference (member_id, channel, kind) values ($1, $2, $3)"
                        + " on conflict do nothing")
                .execute(Tuple.of(memberId, optOut.channel(), optOut.kind())).replaceWithVoid();
    }

    public Uni<Boolean> optedOut(String memberId, String channel, String kind) {
        return pool.preparedQuery("select exists (select 1 from notification_preference where member_id = $1 "
                        + "and channel = $2 and kind in ($3, '*'))")
                .execute(Tuple.of(memberId, channel, kind))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }
}
