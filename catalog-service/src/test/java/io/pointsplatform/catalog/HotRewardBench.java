package io.pointsplatform.catalog;

import static io.pointsplatform.catalog.CatalogueTest.asAdmin;
import static io.pointsplatform.catalog.CatalogueTest.id;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: how many reservations a second one reward's row takes here (a flash sale), through
 * HTTP, PostgreSQL and the outbox, for docs/contract-extensions.md. Run it on purpose:
 * {@code -Dtest=HotRewardBench -Dcatalog.bench=true [-Dcatalog.bench.threads=32 -Dcatalog.bench.seconds=20]}, and
 * with {@code -Dcatalog.bench.baseline=true} the same threads reading the reward (the client's ceiling).
 * It checks only that no unit was sold twice: the stock left plus the reservations made is the stock.
 */
@QuarkusTest
@EnabledIfSystemProperty(named = "catalog.bench", matches = "true")
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "catalog"))
class HotRewardBench {

    private static final long STOCK = 1_000_000;

    @Test
    void reservationsOfOneRewardPerSecond() throws Exception {
        int threads = Integer.getInteger("catalog.bench.threads", 32);
        long seconds = Long.getLong("catalog.bench.seconds", 20);
        // The same client and threads reading the reward instead: this JVM's HTTP ceiling, the baseline.
        boolean baseline = Boolean.getBoolean("catalog.bench.baseline");
        String rewardId = id("r-hot");
        asAdmin().body("{\"rewardId\":\"" + rewardId + "\",\"name\":\"Hot\",\"kind\":\"GIFT\",\"pointsCost\":10,"
                + "\"stock\":" + STOCK + "}").post("/api/v1/rewards").then().statusCode(201);
        String token = Tokens.service();
        AtomicLong made = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long warmUpEnd = System.nanoTime() + 5_000_000_000L;
        long end = warmUpEnd + seconds * 1_000_000_000L;
        AtomicLong counted = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                for (int n = 0; System.nanoTime() < end; n++) {
                    int status = baseline
                            ? given().auth().oauth2(token).get("/api/v1/rewards/" + rewardId).statusCode() + 1
                            : given().auth().oauth2(token).contentType(ContentType.JSON)
                            .body("{\"reservationId\":\"" + rewardId + "-" + thread + "-" + n + "\",\"memberId\":\"m-"
                                    + thread + "-" + n + "\",\"quantity\":1}")
                            .post("/api/v1/rewards/" + rewardId + "/reservations").statusCode();
                    if (status == 201) {
                        made.incrementAndGet();
                        if (System.nanoTime() > warmUpEnd) {
                            counted.incrementAndGet();
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                }
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        long left = given().auth().oauth2(Tokens.admin()).get("/api/v1/rewards/" + rewardId).then().extract()
                .jsonPath().getLong("stock");
        if (baseline) {
            System.out.printf("HotRewardBench baseline: %d threads, %d s: %.0f GET /api/v1/rewards/{id} a second%n",
                    threads, seconds, counted.get() / (double) seconds);
            return;
        }
        System.out.printf("HotRewardBench: %d threads, %d s after 5 s of warm-up: %.0f reservations/s of one reward"
                + " (%d made in all, %d failed)%n", threads, seconds, counted.get() / (double) seconds, made.get(),
                failed.get());
        assertThat(failed.get()).isZero();
        assertThat(left + made.get()).isEqualTo(STOCK);
    }
}
