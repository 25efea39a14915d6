package io.pointsplatform.redemption;

import io.pointsplatform.testing.BadInputs;
import io.pointsplatform.testing.LocalPostgres;
import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Bad input on every endpoint of redemption-service, each answered with the right 4xx problem and
 * its field named as the client wrote it; afterwards no table has a row more or less.
 */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "redemption"))
@WithTestResource(FakeServices.class)
class BadInputTest {

    private static final String V = "VALIDATION_FAILED";

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String jdbcUrl;

    private static String capacity(String memberId) {
        return "/api/v1/members/" + memberId + "/payment-capacity";
    }

    private static final String R = "/api/v1/redemptions";
    private static final String P = "/api/v1/payments";

    private static String redemption(String fields) {
        return "{\"memberId\":\"m-1\",\"rewardId\":\"rw-1\"" + fields + "}";
    }

    private static String payment(String fields) {
        return "{\"orderId\":\"o-1\",\"memberId\":\"m-1\",\"orderAmount\":100,\"points\":10" + fields + "}";
    }

    /** Redemptions, with a member's own token (m-1). */
    private static BadInputs redemptions(String token) {
        return new BadInputs(token)
                .json("no rewardId", "POST", R, "{\"memberId\":\"m-1\"}", 400, V, "rewardId")
                .call("a payment code's memberId with a space", "POST", "/api/v1/members/m%201/payment-codes", 400, V,
                        "memberId")
                .call("GET on the payment codes", "GET", "/api/v1/members/m-1/payment-codes", 405, "METHOD_NOT_ALLOWED", null)
                .json("an Idempotency-Key of 256 characters", "POST", R, redemption(""), 400, V, "Idempotency-Key")
                        .header("Idempotency-Key", "k".repeat(256))
                .json("an Idempotency-Key with a space", "POST", R, redemption(""), 400, V, "Idempotency-Key")
                        .header("Idempotency-Key", "k 1")
                .json("no memberId", "POST", R, "{\"rewardId\":\"rw-1\"}", 400, V, "memberId")
                .json("a memberId with a space", "POST", R, "{\"memberId\":\"m 1\",\"rewardId\":\"rw-1\"}", 400, V, "memberId")
                .json("memberId given twice", "POST", R, "{\"memberId\":\"m-2\",\"memberId\":\"m-1\",\"rewardId\":\"rw-1\"}",
                        400, V, "memberId")
                .json("a quantity of 1 001 digits", "POST", R, "{\"memberId\":\"m-1\",\"rewardId\":\"rw-1\",\"quantity\":"
                        + "9".repeat(1001) + "}", 400, V, null)
                .json("a rewardId of 65 characters", "POST", R, "{\"memberId\":\"m-1\",\"rewardId\":\"" + "r".repeat(65) + "\"}",
                        400, V, "rewardId")
                .json("quantity 0", "POST", R, redemption(",\"quantity\":0"), 400, V, "quantity")
                .json("quantity 101", "POST", R, redemption(",\"quantity\":101"), 400, V, "quantity")
                .json("quantity 1.5", "POST", R, redemption(",\"quantity\":1.5"), 400, V, "quantity")
                .json("quantity as text", "POST", R, redemption(",\"quantity\":\"two\""), 400, V, "quantity")
                .raw("a redemption not JSON", "POST", R, "text/plain", "m-1".getBytes(), 415, "UNSUPPORTED_MEDIA_TYPE", null)
                .call("a redemptionId with a space", "GET", R + "/rd%201", 400, V, "redemptionId")
                .call("a redemptionId of 65 characters", "GET", R + "/" + "r".repeat(65), 400, V, "redemptionId")
                .call("cancel: a redemptionId with a percent sign", "POST", R + "/rd%25x/cancel", 400, V, "redemptionId")
                .call("a list's memberId with a space", "GET", "/api/v1/members/m%201/redemptions", 400, V, "memberId")
                .call("a list's limit 0", "GET", "/api/v1/members/m-1/redemptions?limit=0", 400, V, "limit")
                .call("a list's cursor given twice", "GET", "/api/v1/members/m-1/redemptions?cursor=a&cursor=b", 400, V,
                        "cursor")
                .call("a list's limit 201", "GET", "/api/v1/members/m-1/redemptions?limit=201", 400, V, "limit")
                .call("a list's cursor not a cursor", "GET", "/api/v1/members/m-1/redemptions?cursor=abc", 400, V, "cursor")
                .call("DELETE on a redemption", "DELETE", R + "/rd-1", 405, "METHOD_NOT_ALLOWED", null);
    }

    /** Payments and vouchers, with checkout's token. */
    private static BadInputs payments(String token) {
        return new BadInputs(token)
                .json("no orderId", "POST", P, "{\"memberId\":\"m-1\",\"orderAmount\":100,\"points\":10}", 400, V, "orderId")
                .json("no points", "POST", P, "{\"orderId\":\"o-1\",\"memberId\":\"m-1\",\"orderAmount\":100}", 400, V, "points")
                .json("half a point", "POST", P, "{\"orderId\":\"o-1\",\"memberId\":\"m-1\",\"orderAmount\":100,\"points\":1.5}",
                        400, V, "points")
                .json("0 points", "POST", P, "{\"orderId\":\"o-1\",\"memberId\":\"m-1\",\"orderAmount\":100,\"points\":0}",
                        400, V, "points")
                .json("an orderAmount below a fen", "POST", P,
                        "{\"orderId\":\"o-1\",\"memberId\":\"m-1\",\"orderAmount\":1.001,\"points\":1}", 400, V, "orderAmount")
                .json("an orderAmount of 0", "POST", P,
                        "{\"orderId\":\"o-1\",\"memberId\":\"m-1\",\"orderAmount\":0,\"points\":1}", 400, V, "orderAmount")
                .json("a currency in lower case", "POST", P, payment(",\"currency\":\"cny\""), 400, V, "currency")
                .json("a payment's Idempotency-Key of 256 characters", "POST", P, payment(""), 400, V, "Idempotency-Key")
                        .header("Idempotency-Key", "k".repeat(256))
                .json("a paymentId of 49 characters", "POST", P, payment(",\"paymentId\":\"" + "p".repeat(49) + "\""),
                        400, V, "paymentId")
                .json("no paymentCode (the member's consent)", "POST", P, payment(""), 400, V, "paymentCode")
                .json("a paymentCode of 17 digits", "POST", P, payment(",\"paymentCode\":\"" + "1".repeat(17) + "\""),
                        400, V, "paymentCode")
                .json("a paymentCode with a letter", "POST", P, payment(",\"paymentCode\":\"" + "1".repeat(17) + "a\""),
                        400, V, "paymentCode")
                .json("a memberId with a slash", "POST", P,
                        "{\"orderId\":\"o-1\",\"memberId\":\"m/1\",\"orderAmount\":100,\"points\":10}", 400, V, "memberId")
                .call("a paymentId with a space", "GET", P + "/p%201", 400, V, "paymentId")
                .call("capture: a paymentId with a space", "POST", P + "/p%201/capture", 400, V, "paymentId")
                .call("cancel: a paymentId of 65 characters", "POST", P + "/" + "p".repeat(65) + "/cancel", 400, V, "paymentId")
                .json("a refund without refundId", "POST", P + "/p-1/refunds", "{\"amount\":1}", 400, V, "refundId")
                .json("a refund of 0", "POST", P + "/p-1/refunds", "{\"refundId\":\"r-1\",\"amount\":0}", 400, V, "amount")
                .json("a refund below a fen", "POST", P + "/p-1/refunds", "{\"refundId\":\"r-1\",\"amount\":0.001}",
                        400, V, "amount")
                .json("a voucher code with a space", "POST", "/api/v1/vouchers/V%201/use", "{\"orderId\":\"o-1\"}",
                        400, V, "voucherCode")
                .json("a voucher use without orderId", "POST", "/api/v1/vouchers/V-1/use", "{}", 400, V, "orderId")
                .call("a capacity's orderAmount of 0", "GET", capacity("m-1") + "?orderAmount=0", 400, V, "orderAmount")
                .call("a capacity's orderAmount below a fen", "GET", capacity("m-1") + "?orderAmount=1.001", 400, V,
                        "orderAmount");
    }

    private static BadInputs table(String token) {
        return new BadInputs(token)
                .call("a memberId with a space", "GET", capacity("m%20x"), 400, V, "memberId")
                .call("a memberId of 65 characters", "GET", capacity("m".repeat(65)), 400, V, "memberId")
                .call("a memberId not ASCII", "GET", capacity("%E4%BC%9A%E5%91%98"), 400, V, "memberId")
                .call("a memberId holding U+0000", "GET", capacity("m%00x"), 400, V, "memberId")
                .call("a memberId holding a percent sign", "GET", capacity("m%25x"), 400, V, "memberId")
                .call("a memberId holding an encoded slash", "GET", capacity("m%2Fx"), 400, V, "memberId")
                .json("POST on the capacity", "POST", capacity("m-1"), "{}", 405, "METHOD_NOT_ALLOWED", null)
                .call("DELETE on the capacity", "DELETE", capacity("m-1"), 405, "METHOD_NOT_ALLOWED", null);
    }

    @Test
    void everyBadInputIsAProblemNamingTheFieldAndChangesNothing() throws InterruptedException {
        Map<String, Long> before = BadInputs.settledRowCounts(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD);

        // The ids are checked before ownership: a member's own token gets the same answers.
        List<String> wrong = new java.util.ArrayList<>(table(Tokens.checkout()).wrongAnswers());
        List<String> wrongForAMember = new java.util.ArrayList<>(table(Tokens.member("m-1")).wrongAnswers());
        wrong.addAll(payments(Tokens.checkout()).wrongAnswers());
        wrongForAMember.addAll(redemptions(Tokens.member("m-1")).wrongAnswers());
        Map<String, Long> after = BadInputs.rowCounts(jdbcUrl, LocalPostgres.USER, LocalPostgres.PASSWORD);

        SoftAssertions.assertSoftly(softly -> {
            softly.assertThat(wrong).as("bad inputs answered wrongly:\n  " + String.join("\n  ", wrong)).isEmpty();
            softly.assertThat(wrongForAMember).as("bad inputs from a member answered wrongly:\n  "
                    + String.join("\n  ", wrongForAMember)).isEmpty();
            softly.assertThat(after).as("rows per table after the bad inputs").isEqualTo(before);
        });
    }
}
