package io.pointsplatform.notification.notice.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A member's locale, e-mail address and name as the members topic last gave them. */
@ApplicationScoped
public class MemberContactRepository {

    /** An absent value leaves what is known (member.updated: absent is unknown, not cleared). */
    private static final String UPSERT = """
            insert into member_contact (member_id, locale, email, name)
            select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])
            on conflict (member_id) do update set
                locale = coalesce(excluded.locale, member_contact.locale),
                email = coalesce(excluded.email, member_contact.email),
                name = coalesce(excluded.name, member_contact.name),
                updated_at = now()""";

    public record Contact(String memberId, String locale, String email, String name) {
    }

    /** {@code contacts}: at most one per member (the caller merges a batch's in order). */
    public Uni<Void> upsert(SqlClient client, Collection<Contact> contacts) {
        if (contacts.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        int size = contacts.size();
        String[] ids = new String[size];
        String[] locales = new String[size];
        String[] emails = new String[size];
        String[] names = new String[size];
        int i = 0;
        for (Contact c : contacts) {
            ids[i] = c.memberId();
            locales[i] = c.locale();
            emails[i] = c.email();
            names[i] = c.name();
            i++;
        }
        return client.preparedQuery(UPSERT).execute(Tuple.of(ids, locales, emails, names)).replaceWithVoid();
    }

    /** The known contacts of these members, by member id (a member never heard of is absent). */
    public Uni<Map<String, Contact>> find(SqlClient client, Collection<String> memberIds) {
        if (memberIds.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return client.preparedQuery("select member_id, locale, email, name from member_contact where member_id = any($1)")
                .execute(Tuple.of(memberIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Contact> found = new HashMap<>();
                    for (Row r : rows) {
                        found.put(r.getString(0), new Contact(r.getString(0), r.getString(1), r.getString(2), r.getString(3)));
                    }
                    return found;
                });
    }

    /** Every member known from the members topic, in id order, after {@code afterId}, at most {@code limit}. */
    public Uni<List<String>> memberIds(SqlClient client, String afterId, int limit) {
        return client.preparedQuery("select member_id from member_contact where member_id > $1 order by member_id limit $2")
                .execute(Tuple.of(afterId, limit))
                .map(rows -> {
                    List<String> ids = new java.util.ArrayList<>();
                    rows.forEach(r -> ids.add(r.getString(0)));
                    return ids;
                });
    }
}
