package io.pointsplatform.earning.rule.service;

import io.pointsplatform.earning.campaign.service.Campaign;
import io.pointsplatform.earning.rule.repository.RuleRepository;
import io.pointsplatform.kit.problem.ApiException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Changes to rules and campaigns: each one a transaction that also bumps the rule-set version, so
 * every earning records exactly which rules it was computed with.
 */
@ApplicationScoped
public class RuleAdmin {

    /** What a change did: the rule or campaign as saved, and the rule-set version it produced. */
    public record Change<T>(T value, long ruleSetVersion) {
    }

    /** Create refuses an existing id (409), change and deactivate refuse an unknown one (404). */
    public enum Mode { CREATE, CHANGE, DEACTIVATE }

    private final Pool pool;
    private final RuleRepository repository;
    private final RuleBook book;

    public RuleAdmin(Pool pool, RuleRepository repository, RuleBook book) {
        this.pool = pool;
        this.repository = repository;
        this.book = book;
    }

    public Uni<Change<Rule>> save(Rule rule, Mode mode) {
        return change("Rule", rule.ruleId(), mode, c -> repository.rule(c, rule.ruleId()),
                (c, existing) -> mode == Mode.DEACTIVATE
                        ? repository.deactivateRule(c, rule.ruleId()).replaceWithVoid()
                        : repository.upsert(c, rule).replaceWithVoid());
    }

    public Uni<Change<Campaign>> save(Campaign campaign, Mode mode) {
        return change("Campaign", campaign.campaignId(), mode, c -> repository.lockCampaign(c, campaign.campaignId()),
                (c, existing) -> {
                    if (mode == Mode.DEACTIVATE) {
                        return repository.deactivateCampaign(c, campaign.campaignId()).replaceWithVoid();
                    }
                    if (existing != null && campaign.budget() != null && campaign.budget() < existing.spent()) {
                        throw ApiException.validation("budget", "must not be below the " + existing.spent()
                                + " points the campaign has already awarded");
                    }
                    return repository.upsert(c, campaign).replaceWithVoid();
                });
    }

    public Uni<Change<Rule>> deactivateRule(String ruleId) {
        return save(new Rule(ruleId, RuleKind.FIRST_PURCHASE, null, null, null, null, null, null, false, null),
                Mode.DEACTIVATE);
    }

    public Uni<Change<Campaign>> deactivateCampaign(String campaignId) {
        return save(new Campaign(campaignId, null, null, null, null, null, null, null, null, 0, false, null),
                Mode.DEACTIVATE);
    }

    private <T> Uni<Change<T>> change(String what, String id, Mode mode, Function<SqlConnection, Uni<T>> find,
                                      BiFunction<SqlConnection, T, Uni<Void>> write) {
        // The rule set's version is bumped first: its row lock makes changes to rules and campaigns
        // one at a time, so two creates of one id cannot both find none (the second is 409), and what
        // a change checks against (a campaign's spent, read under its own lock) is what it writes over.
        return pool.withTransaction(c -> repository.bump(c).chain(version -> find.apply(c).chain(existing -> {
                    if (mode == Mode.CREATE && existing != null) {
                        throw ApiException.conflict(what.toUpperCase() + "_EXISTS", what + " '" + id
                                + "' exists already; change it with PUT");
                    }
                    if (mode != Mode.CREATE && existing == null) {
                        throw ApiException.notFound(what, id);
                    }
                    return write.apply(c, existing);
                }).chain(() -> find.apply(c).map(saved -> new Change<>(saved, version)))))
                .call(book::reload)
                .invoke(change -> Log.infof("%s %s: %s, rule set version %d", what, id, mode, change.ruleSetVersion()));
    }

    public Uni<List<Rule>> rules() {
        return repository.rules(pool);
    }

    public Uni<Rule> rule(String ruleId) {
        return found("Rule", ruleId, repository.rule(pool, ruleId));
    }

    public Uni<List<Campaign>> campaigns() {
        return repository.campaigns(pool);
    }

    public Uni<Campaign> campaign(String campaignId) {
        return found("Campaign", campaignId, repository.campaign(pool, campaignId));
    }

    private static <T> Uni<T> found(String what, String id, Uni<T> lookup) {
        return lookup.invoke(value -> {
            if (value == null) {
                throw ApiException.notFound(what, id);
            }
        });
    }
}
