package io.pointsplatform.earning.rule.service;

import io.pointsplatform.earning.campaign.service.Campaign;
import io.pointsplatform.earning.rule.repository.RuleRepository;
import io.pointsplatform.kit.problem.ApiException;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** Changes to rules and campaigns: each one a transaction that also bumps the rule-set version. */
@ApplicationScoped
public class RuleAdmin {

    /** What a change did: whether it created, and the rule-set version it produced. */
    public record Change<T>(T value, boolean created, long version) {
    }

    private final Pool pool;
    private final RuleRepository repository;
    private final RuleBook book;

    public RuleAdmin(Pool pool, RuleRepository repository, RuleBook book) {
        this.pool = pool;
        this.repository = repository;
        this.book = book;
    }

    public Uni<Change<Rule>> save(Rule rule) {
        return pool.withTransaction(c -> repository.upsert(c, rule).chain(created -> repository.bump(c)
                        .chain(version -> repository.rule(c, rule.ruleId())
                                .map(saved -> new Change<>(saved, created, version)))))
                .call(book::reload)
                .invoke(change -> Log.infof("Rule %s saved, rule set version %d", rule.ruleId(), change.version()));
    }

    public Uni<Change<Campaign>> save(Campaign campaign) {
        return pool.withTransaction(c -> repository.upsert(c, campaign).chain(created -> repository.bump(c)
                        .chain(version -> repository.campaign(c, campaign.campaignId())
                                .map(saved -> new Change<>(saved, created, version)))))
                .call(book::reload)
                .invoke(change -> Log.infof("Campaign %s saved, rule set version %d", campaign.campaignId(),
                        change.version()));
    }

    public Uni<Change<Rule>> deactivateRule(String ruleId) {
        return pool.withTransaction(c -> repository.deactivateRule(c, ruleId).chain(found -> {
            if (!found) {
                throw ApiException.notFound("Rule", ruleId);
            }
            return repository.bump(c).chain(version -> repository.rule(c, ruleId)
                    .map(rule -> new Change<>(rule, false, version)));
        })).call(book::reload);
    }

    public Uni<Change<Campaign>> deactivateCampaign(String campaignId) {
        return pool.withTransaction(c -> repository.deactivateCampaign(c, campaignId).chain(found -> {
            if (!found) {
                throw ApiException.notFound("Campaign", campaignId);
            }
            return repository.bump(c).chain(version -> repository.campaign(c, campaignId)
                    .map(campaign -> new Change<>(campaign, false, version)));
        })).call(book::reload);
    }

    public Uni<List<Rule>> rules() {
        return repository.rules(pool);
    }

    public Uni<Rule> rule(String ruleId) {
        return repository.rule(pool, ruleId).invoke(rule -> {
            if (rule == null) {
                throw ApiException.notFound("Rule", ruleId);
            }
        });
    }

    public Uni<List<Campaign>> campaigns() {
        return repository.campaigns(pool);
    }

    public Uni<Campaign> campaign(String campaignId) {
        return repository.campaign(pool, campaignId).invoke(campaign -> {
            if (campaign == null) {
                throw ApiException.notFound("Campaign", campaignId);
            }
        });
    }

    public Uni<Long> version() {
        return repository.version(pool);
    }
}
