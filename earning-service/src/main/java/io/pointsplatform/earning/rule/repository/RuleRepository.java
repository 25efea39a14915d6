package io.pointsplatform.earning.rule.repository;

import io.pointsplatform.earning.campaign.service.Campaign;
import io.pointsplatform.earning.rule.service.Rule;
import io.pointsplatform.earning.rule.service.RuleKind;
import io.pointsplatform.earning.rule.service.RuleSet;
import io.pointsplatform.events.Tier;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Rules, campaigns and the rule-set version. Every change bumps the version in the same transaction. */
@ApplicationScoped
public class RuleRepository {

    private static final String RULE_COLUMNS =
            "rule_id, kind, category, tier, multiplier, threshold_yuan, points, day_of_month, active, updated_at";
    private static final String CAMPAIGN_COLUMNS = "campaign_id, name, multiplier, starts_at, ends_at, category, sku,"
            + " min_tier, budget, spent, active, updated_at";

    public Uni<Long> version(SqlClient client) {
        return client.query("select version from rule_set where id = 1").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    /** Bumps the version; call in the transaction that makes the change. */
    public Uni<Long> bump(SqlConnection connection) {
        return connection.query("update rule_set set version = version + 1 where id = 1 returning version").execute()
                .map(rows -> rows.iterator().next().getLong(0));
    }

    public Uni<RuleSet> load(SqlConnection connection) {
        return version(connection).chain(version -> rules(connection).chain(rules -> campaigns(connection)
                .map(campaigns -> new RuleSet(version, rules, campaigns))));
    }

    public Uni<List<Rule>> rules(SqlClient client) {
        return client.query("select " + RULE_COLUMNS + " from earning_rule order by rule_id").execute()
                .map(rows -> {
                    List<Rule> rules = new ArrayList<>();
                    rows.forEach(row -> rules.add(rule(row)));
                    return rules;
                });
    }

    public Uni<Rule> rule(SqlClient client, String ruleId) {
        return client.preparedQuery("select " + RULE_COLUMNS + " from earning_rule where rule_id = $1")
                .execute(Tuple.of(ruleId))
                .map(rows -> rows.size() == 0 ? null : rule(rows.iterator().next()));
    }

    public Uni<List<Campaign>> campaigns(SqlClient client) {
        return client.query("select " + CAMPAIGN_COLUMNS + " from campaign order by campaign_id").execute()
                .map(rows -> {
                    List<Campaign> campaigns = new ArrayList<>();
                    rows.forEach(row -> campaigns.add(campaign(row)));
                    return campaigns;
                });
    }

    public Uni<Campaign> campaign(SqlClient client, String campaignId) {
        return campaign(client, campaignId, "");
    }

    /**
     * The campaign, its row locked until the transaction ends (as orders lock it to spend its
     * budget): a change then checks its budget against what it has spent by now, not before.
     */
    public Uni<Campaign> lockCampaign(SqlConnection connection, String campaignId) {
        return campaign(connection, campaignId, " for update");
    }

    private Uni<Campaign> campaign(SqlClient client, String campaignId, String lock) {
        return client.preparedQuery("select " + CAMPAIGN_COLUMNS + " from campaign where campaign_id = $1" + lock)
                .execute(Tuple.of(campaignId))
                .map(rows -> rows.size() == 0 ? null : campaign(rows.iterator().next()));
    }

    /** Inserts or replaces a rule; true if it was new. */
    public Uni<Boolean> upsert(SqlConnection connection, Rule rule) {
        return connection.preparedQuery("insert into earning_rule (" + RULE_COLUMNS + ")"
                        + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())"
                        + " on conflict (rule_id) do update set kind = excluded.kind, category = excluded.category,"
                        + " tier = excluded.tier, multiplier = excluded.multiplier,"
                        + " threshold_yuan = excluded.threshold_yuan, points = excluded.points,"
                        + " day_of_month = excluded.day_of_month, active = excluded.active, updated_at = now()"
                        + " returning (xmax = 0) as inserted")
                .execute(Tuple.from(new Object[] {rule.ruleId(), rule.kind().name(), rule.category(),
                        rule.tier() == null ? null : rule.tier().name(), rule.multiplier(), rule.thresholdYuan(),
                        rule.points(), rule.dayOfMonth(), rule.active()}))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Inserts or replaces a campaign (keeping what it has spent); true if it was new. */
    public Uni<Boolean> upsert(SqlConnection connection, Campaign c) {
        return connection.preparedQuery("insert into campaign (" + CAMPAIGN_COLUMNS + ")"
                        + " values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, now())"
                        + " on conflict (campaign_id) do update set name = excluded.name,"
                        + " multiplier = excluded.multiplier, starts_at = excluded.starts_at,"
                        + " ends_at = excluded.ends_at, category = excluded.category, sku = excluded.sku,"
                        + " min_tier = excluded.min_tier, budget = excluded.budget, active = excluded.active,"
                        + " updated_at = now()"
                        + " returning (xmax = 0) as inserted")
                .execute(Tuple.from(new Object[] {c.campaignId(), c.name(), c.multiplier(), utc(c.startsAt()),
                        utc(c.endsAt()), c.category(), c.sku(), c.minTier() == null ? null : c.minTier().name(),
                        c.budget(), c.active()}))
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    public Uni<Boolean> deactivateRule(SqlConnection connection, String ruleId) {
        return connection.preparedQuery("update earning_rule set active = false, updated_at = now() where rule_id = $1")
                .execute(Tuple.of(ruleId)).map(rows -> rows.rowCount() == 1);
    }

    public Uni<Boolean> deactivateCampaign(SqlConnection connection, String campaignId) {
        return connection.preparedQuery("update campaign set active = false, updated_at = now() where campaign_id = $1")
                .execute(Tuple.of(campaignId)).map(rows -> rows.rowCount() == 1);
    }

    /**
     * Takes {@code points} from a campaign's budget if they fit; false when they do not (or the
     * campaign has no budget row to take from). The row lock serialises concurrent orders, and the
     * condition is checked again after the lock, so the budget is never exceeded.
     */
    /**
     * Locks the budget rows of these campaigns in campaign id order, before a batch of orders
     * spends from them one by one, so that two batches never wait on each other in a cycle.
     */
    public Uni<Void> lockBudgets(SqlConnection connection, java.util.Collection<String> campaignIds) {
        if (campaignIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return connection.preparedQuery("select campaign_id from campaign where campaign_id = any($1)"
                        + " order by campaign_id for update")
                .execute(Tuple.of(campaignIds.toArray(String[]::new))).replaceWithVoid();
    }

    /**
     * Spends {@code points} of a campaign's budget; false when they do not fit. A campaign whose
     * budget was taken away since the caller's rules were read spends freely (until 2026-12-07
     * {@code spent + $2 <= null} refused it, and orders in that moment lost the campaign's extra).
     */
    public Uni<Boolean> spend(SqlConnection connection, String campaignId, long points) {
        return connection.preparedQuery("update campaign set spent = spent + $2"
                        + " where campaign_id = $1 and (budget is null or spent + $2 <= budget)")
                .execute(Tuple.of(campaignId, points)).map(rows -> rows.rowCount() == 1);
    }

    /** What each budgeted campaign has spent, now (a preview's view; recording decides under a lock). */
    public Uni<java.util.Map<String, Long>> spentByCampaign(SqlClient client) {
        return client.query("select campaign_id, spent from campaign where budget is not null").execute()
                .map(rows -> {
                    java.util.Map<String, Long> spent = new java.util.HashMap<>();
                    rows.forEach(row -> spent.put(row.getString(0), row.getLong(1)));
                    return spent;
                });
    }

    private static Rule rule(Row row) {
        String tier = row.getString("tier");
        return new Rule(row.getString("rule_id"), RuleKind.valueOf(row.getString("kind")), row.getString("category"),
                tier == null ? null : Tier.valueOf(tier), row.getBigDecimal("multiplier"),
                row.getBigDecimal("threshold_yuan"), row.getLong("points"), row.getInteger("day_of_month"),
                row.getBoolean("active"), instant(row, "updated_at"));
    }

    private static Campaign campaign(Row row) {
        String tier = row.getString("min_tier");
        return new Campaign(row.getString("campaign_id"), row.getString("name"), row.getBigDecimal("multiplier"),
                instant(row, "starts_at"), instant(row, "ends_at"), row.getString("category"), row.getString("sku"),
                tier == null ? null : Tier.valueOf(tier), row.getLong("budget"), row.getLong("spent"),
                row.getBoolean("active"), instant(row, "updated_at"));
    }

    static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
