package io.pointsplatform.catalog.coupon.service;

import io.pointsplatform.catalog.coupon.repository.CouponRepository;
import io.pointsplatform.catalog.reward.model.RewardKind;
import io.pointsplatform.catalog.reward.model.RewardStatus;
import io.pointsplatform.catalog.reward.repository.RewardRepository;
import io.pointsplatform.catalog.reward.service.CatalogEvents;
import io.pointsplatform.events.Topics;
import io.pointsplatform.kit.Fingerprints;
import io.pointsplatform.kit.db.UniqueViolation;
import io.pointsplatform.kit.outbox.Outbox;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.problem.Problem;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;

/**
 * Imports a COUPON's codes, all or none: a file with any line at fault (a duplicate within it, a
 * code already imported for any reward, a line that is not a code) is refused as a whole with
 * {@code 422 COUPON_CODES_REFUSED} naming every such line. The reward's stock grows by the codes
 * imported, with a stock.changed in the same transaction.
 */
@ApplicationScoped
public class CouponImport {

    /** What an import did: codes added and the codes now left to take. */
    public record Imported(String rewardId, int imported, long stock) {
    }

    private final Pool pool;
    private final CouponRepository coupons;
    private final RewardRepository rewards;
    private final Outbox outbox;
    private final Clock clock;

    public CouponImport(Pool pool, CouponRepository coupons, RewardRepository rewards, Outbox outbox, Clock clock) {
        this.pool = pool;
        this.coupons = coupons;
        this.rewards = rewards;
        this.outbox = outbox;
        this.clock = clock;
    }

    public Uni<Imported> importCodes(String rewardId, byte[] csv) {
        CouponCsv.Parsed parsed = CouponCsv.parse(csv);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return pool.withTransaction(c -> rewards.find(c, rewardId).chain(reward -> {
            if (reward == null) {
                throw ApiException.notFound("Reward", rewardId);
            }
            if (reward.kind() != RewardKind.COUPON) {
                throw new ApiException(409, "NOT_A_COUPON", "The reward takes no codes",
                        "reward '" + rewardId + "' is a " + reward.kind() + ", not a COUPON");
            }
            if (reward.status() == RewardStatus.RETIRED) {
                throw ApiException.conflict("REWARD_RETIRED", "reward '" + rewardId + "' is retired");
            }
            if (!parsed.faults().isEmpty()) {
                throw refused(parsed.faults());
            }
            String importHash = importHash(rewardId, parsed.codes());
            return coupons.existing(c, parsed.codes()).chain(taken -> {
                if (taken.size() == parsed.codes().size()) {
                    // Every code there already: this very file imported before (a retry) is answered as it was.
                    return coupons.importedBy(c, rewardId, importHash).map(n -> {
                        if (n != parsed.codes().size()) {
                            throw refusedAsImported(parsed, taken);
                        }
                        Log.infof("Coupon codes for %s: the same file again, answered as its import", rewardId);
                        return new Imported(rewardId, parsed.codes().size(), reward.stock());
                    });
                }
                if (!taken.isEmpty()) {
                    throw refusedAsImported(parsed, taken);
                }
                return coupons.insert(c, rewardId, parsed.codes(), importHash)
                        .chain(() -> rewards.giveBack(c, rewardId, parsed.codes().size(), now))
                        .call(level -> outbox.enqueue(c, Topics.CATALOG_REWARDS,
                                        CatalogEvents.stockChanged(rewardId, level.stock(), null, level.version(), now))
                                .chain(() -> rewards.find(c, rewardId))
                                .chain(changed -> outbox.enqueue(c, Topics.CATALOG_REWARDS,
                                        CatalogEvents.upserted(changed, now))))
                        .map(level -> new Imported(rewardId, parsed.codes().size(), level.stock()));
            });
        })).onFailure(CouponImport::concurrentDuplicate).transform(e -> new ApiException(409, "IMPORT_CONFLICT",
                "Imported concurrently", "another import added one of these codes at the same time; try again"))
                .invoke(done -> Log.infof("Imported %d coupon codes for %s", done.imported(), rewardId));
    }

    private static ApiException refusedAsImported(CouponCsv.Parsed parsed, List<String> taken) {
        return refused(taken.stream().map(code -> new Problem.FieldError("line " + parsed.lineOf().get(code),
                        "the code was imported before"))
                .sorted(Comparator.comparingInt(e -> Integer.parseInt(e.field().substring(5))))
                .toList());
    }

    /** The import a file makes: the reward and its codes in order. */
    private static String importHash(String rewardId, List<String> codes) {
        return Fingerprints.sha256(rewardId + "\n" + String.join("\n", codes));
    }

    private static ApiException refused(List<Problem.FieldError> faults) {
        return new ApiException(422, "COUPON_CODES_REFUSED", "Coupon codes refused",
                faults.size() + " line(s) refused; nothing was imported", faults);
    }

    private static boolean concurrentDuplicate(Throwable failure) {
        return UniqueViolation.of(failure);
    }
}
