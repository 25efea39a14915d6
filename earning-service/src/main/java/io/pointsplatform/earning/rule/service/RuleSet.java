package io.pointsplatform.earning.rule.service;

import io.pointsplatform.earning.campaign.service.Campaign;
import java.util.List;

/** The rules and campaigns in force, at a version: what every earning is computed with and records. */
public record RuleSet(long version, List<Rule> rules, List<Campaign> campaigns) {

    public List<Rule> active(RuleKind kind) {
        return rules.stream().filter(r -> r.active() && r.kind() == kind).toList();
    }

    public List<Campaign> activeCampaigns() {
        return campaigns.stream().filter(Campaign::active).toList();
    }
}
