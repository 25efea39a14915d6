package io.pointsplatform.notification;

import static org.assertj.core.api.Assertions.assertThat;

import io.pointsplatform.notification.template.NoticeTemplates;
import io.pointsplatform.testing.PlatformTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/** Every template of every kind, channel and locale renders sample values, formatted for its locale. */
@QuarkusTest
@WithTestResource(value = PlatformTestResource.class, initArgs = @ResourceArg(name = "service", value = "notification"))
class NoticeTemplatesTest {

    @Inject
    NoticeTemplates templates;

    /** Every value any template names; 2026-12-03T04:00Z is 3 December in Shanghai. */
    private static Map<String, Object> sample() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", "Li Lei");
        values.put("points", 1234L);
        values.put("expiresAt", "2026-12-03T04:00:00Z");
        values.put("orderId", "order-77");
        values.put("credit", true);
        values.put("reason", "goodwill");
        values.put("from", "SILVER");
        values.put("to", "GOLD");
        values.put("redemptionId", "r-9");
        values.put("rewardId", "reward-tea");
        values.put("voucherCode", "V-123");
        values.put("code", "OUT_OF_STOCK");
        values.put("campaignId", "spring");
        values.put("title", "Spring <sale>");
        values.put("body", "Double points & more");
        return values;
    }

    /** A marketing title stored before titles were held to one line cannot add a header to the e-mail. */
    @Test
    void aSubjectIsOneLineWhateverTheTitleHolds() {
        Map<String, Object> values = sample();
        values.put("title", "Sale\r\nX-Injected: 1\u2028Bcc: x@example.com\u0000");
        for (String locale : NoticeTemplates.LOCALES) {
            assertThat(templates.email("marketing", locale, values).subject()).as(locale)
                    .doesNotContainPattern("[\\p{Cc}\\u2028\\u2029]").contains("Sale X-Injected: 1 Bcc: x@example.com");
        }
    }

    @Test
    void everyKindRendersInBothLocalesOnEveryChannelWithNothingLeftUnresolved() {
        SoftAssertions softly = new SoftAssertions();
        for (String kind : NoticeTemplates.KINDS) {
            for (String locale : NoticeTemplates.LOCALES) {
                NoticeTemplates.InApp inApp = templates.inApp(kind, locale, sample());
                NoticeTemplates.Email email = templates.email(kind, locale, sample());
                for (String text : new String[] {inApp.title(), inApp.body(), email.subject(), email.text(), email.html()}) {
                    softly.assertThat(text).as(kind + " " + locale).isNotBlank()
                            .doesNotContain("{").doesNotContain("}").doesNotContain("NOT_FOUND");
                }
                softly.assertThat(email.html()).as(kind + " " + locale).contains("<html lang=\"" + locale + "\"");
                if (!kind.equals("marketing") && !kind.equals("member.enrolled")) {
                    softly.assertThat(email.text()).as(kind + " " + locale).contains(inApp.body());
                    softly.assertThat(email.text()).as(kind + " " + locale)
                            .contains(locale.equals("en") ? "Dear Li Lei," : "Li Lei，您好：");
                }
                if (inApp.body().contains("1")) {
                    softly.assertThat(inApp.body()).as(kind + " " + locale).contains("1,234")
                            .doesNotContain("1234");
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void amountsAndDatesAreWrittenAsEachLocaleWritesThem() {
        assertThat(templates.inApp("points.earned", "zh-CN", sample()).body())
                .isEqualTo("您在订单 order-77 获得了 1,234 积分，有效期至 2026年12月3日。");
        assertThat(templates.inApp("points.earned", "en", sample()).body())
                .isEqualTo("You earned 1,234 points on order order-77, valid until 3 Dec 2026.");
        assertThat(templates.inApp("points.expiring", "en", sample()).body())
                .isEqualTo("1,234 of your points expire on 3 Dec 2026; use them before then.");
        // Points held by a redemption or payment in progress are in the number, and said so.
        Map<String, Object> held = sample();
        held.put("held", 500L);
        assertThat(templates.inApp("points.expiring", "en", held).body()).isEqualTo("1,234 of your points expire on"
                + " 3 Dec 2026; use them before then. 500 of them are held for a redemption or payment in progress:"
                + " used if it completes, they expire too if it is cancelled or fails.");
        NoticeTemplates.Email heldEmail = templates.email("points.expiring", "zh-CN", held);
        assertThat(heldEmail.html()).contains("其中 500 积分正被进行中的兑换或支付占用");
        assertThat(heldEmail.text()).contains(templates.inApp("points.expiring", "zh-CN", held).body());
        assertThat(templates.email("points.earned", "zh-CN", sample()).subject()).isEqualTo("【积分】积分到账");
        assertThat(templates.inApp("tier.changed", "zh-CN", sample()).body()).isEqualTo("您的会员等级已变更为金卡会员。");
        assertThat(templates.inApp("redemption.failed", "en", sample()).body()).contains("out of stock");
        // A payment at checkout and its refund say so.
        Map<String, Object> payment = sample();
        payment.put("payment", true);
        assertThat(templates.inApp("points.spent", "zh-CN", payment).body()).isEqualTo("您在结账时使用了 1,234 积分抵扣订单金额。");
        assertThat(templates.inApp("points.spent", "en", sample()).body()).isEqualTo("You spent 1,234 points.");
        assertThat(templates.email("points.returned", "en", payment).text())
                .contains("Your order was refunded: 1,234 points you paid with are back in your account.");
        assertThat(templates.inApp("points.returned", "zh-CN", sample()).body()).isEqualTo("您使用的 1,234 积分已退还到账户。");
        // An unsupported locale is written in zh-CN; any English one in en.
        assertThat(templates.inApp("points.spent", "fr", sample()).title()).isEqualTo("积分已使用");
        assertThat(templates.inApp("points.spent", "en-GB", sample()).title()).isEqualTo("Points spent");
    }

    /**
     * A credit says what earned it and, while its points are pending (an order's returns window),
     * when they become usable; a notice stored before says only the points and their expiry.
     */
    @Test
    void aCreditSaysWhatEarnedItAndWhenItsPointsBecomeUsable() {
        Map<String, Object> order = new LinkedHashMap<>(Map.of("points", 120L, "expiresAt", "2027-12-07T04:00:00Z",
                "origin", "ORDER", "orderId", "o-1001", "availableAt", "2026-12-14T04:00:00Z", "name", "Li Lei"));
        assertThat(templates.inApp("points.earned", "zh-CN", order).body())
                .isEqualTo("您在订单 o-1001 获得了 120 积分，将于 2026年12月14日 转为可用，有效期至 2027年12月7日。");
        assertThat(templates.inApp("points.earned", "en", order).body()).isEqualTo("You earned 120 points on order"
                + " o-1001; they become usable on 14 Dec 2026 and are valid until 7 Dec 2027.");
        assertThat(templates.email("points.earned", "en", order).html()).contains("they become usable on 14 Dec 2026");
        Map<String, Object> birthday = new LinkedHashMap<>(Map.of("points", 88L, "expiresAt", "2027-12-07T04:00:00Z",
                "origin", "BIRTHDAY", "name", "Li Lei"));
        assertThat(templates.inApp("points.earned", "zh-CN", birthday).body())
                .isEqualTo("您获得了 88 积分（生日礼），有效期至 2027年12月7日。");
        assertThat(templates.email("points.earned", "en", birthday).text())
                .contains("You earned 88 points (birthday gift), valid until 7 Dec 2027.");
        Map<String, Object> before = new LinkedHashMap<>(Map.of("points", 120L, "expiresAt", "2027-12-07T04:00:00Z"));
        assertThat(templates.inApp("points.earned", "zh-CN", before).body())
                .isEqualTo("您获得了 120 积分，有效期至 2027年12月7日。");
        assertThat(templates.inApp("points.earned", "en", before).body())
                .isEqualTo("You earned 120 points, valid until 7 Dec 2027.");
    }

    /** A redemption's notice names the reward as reserved and what the member got of each kind. */
    @Test
    void aRedemptionIsToldByTheRewardsNameWithWhatTheMemberGot() {
        Map<String, Object> coupon = redemption("咖啡券", "COUPON");
        coupon.put("couponCode", "CAFE-0001");
        assertThat(templates.inApp("redemption.completed", "zh-CN", coupon).body())
                .isEqualTo("您已使用 1,234 积分兑换「咖啡券」，券码：CAFE-0001。");
        assertThat(templates.inApp("redemption.completed", "en", coupon).body())
                .isEqualTo("You redeemed 咖啡券 for 1,234 points; coupon code: CAFE-0001.");
        Map<String, Object> won = redemption("Lucky draw", "LOTTERY");
        won.put("prizeName", "Headphones");
        assertThat(templates.inApp("redemption.completed", "en", won).body())
                .isEqualTo("You redeemed Lucky draw for 1,234 points; you won: Headphones.");
        Map<String, Object> lost = redemption("幸运抽奖", "LOTTERY");
        assertThat(templates.inApp("redemption.completed", "zh-CN", lost).body())
                .isEqualTo("您已使用 1,234 积分兑换「幸运抽奖」，本次未中奖。");
        assertThat(templates.email("redemption.completed", "en", redemption("Lucky draw", "LOTTERY")).text())
                .contains("You redeemed Lucky draw for 1,234 points; no prize this time.");
        Map<String, Object> donation = redemption("希望小学", "DONATION");
        donation.put("cause", "希望小学图书角");
        assertThat(templates.inApp("redemption.completed", "zh-CN", donation).body())
                .isEqualTo("您已使用 1,234 积分兑换「希望小学」，已捐给：希望小学图书角。");
        Map<String, Object> gift = redemption("马克杯 <L>", "GIFT");
        assertThat(templates.email("redemption.completed", "zh-CN", gift).html()).contains("「马克杯 &lt;L&gt;」");
        assertThat(templates.inApp("redemption.cancelled", "zh-CN", gift).body())
                .isEqualTo("兑换「马克杯 <L>」已取消，1,234 积分已退还。");
        assertThat(templates.inApp("redemption.failed", "en", gift).body())
                .startsWith("Your redemption of 马克杯 <L> did not go through (out of stock)");
        // Catalog refused at once, so no name: the reward's id.
        Map<String, Object> unnamed = redemption(null, null);
        assertThat(templates.inApp("redemption.failed", "zh-CN", unnamed).body()).startsWith("兑换「reward-tea」未成功");
    }

    /** The values a redemption's notice has since its events name the reward and the outcome (none for other kinds). */
    private static Map<String, Object> redemption(String rewardName, String kind) {
        Map<String, Object> values = sample();
        values.put("voucherCode", null);
        values.put("rewardName", rewardName);
        values.put("kind", kind);
        values.put("couponCode", null);
        values.put("prizeName", null);
        values.put("cause", null);
        return values;
    }

    @Test
    void aReversalSaysWhatIsOwedAndASettlementIsToldAsSuch() {
        Map<String, Object> owed = sample();
        owed.put("owed", 80L);
        assertThat(templates.inApp("points.reversed", "en", owed).body()).isEqualTo("Order order-77 was refunded: 1,234"
                + " points taken back; 80 of them were already spent or in use, and are owed until points come back to you"
                + " or you earn more.");
        assertThat(templates.inApp("points.reversed", "en", sample()).body())
                .isEqualTo("Order order-77 was refunded: 1,234 points taken back.");
        assertThat(templates.inApp("points.reversed", "zh-CN", owed).body()).contains("其中 80 积分已使用或占用");
        Map<String, Object> expired = sample();
        expired.put("alreadyExpired", 250L);
        assertThat(templates.inApp("points.reversed", "en", expired).body()).isEqualTo("Order order-77 was refunded:"
                + " 1,234 points taken back. 250 more points of the order had already expired and were not taken again.");
        assertThat(templates.email("points.reversed", "zh-CN", expired).html()).contains("该订单另有 250 积分此前已过期");
        Map<String, Object> bonus = sample();
        bonus.put("tierBonus", "SILVER");
        assertThat(templates.inApp("points.reversed", "en", bonus).body()).isEqualTo("The SILVER upgrade bonus that order"
                + " order-77 brought was taken back with its refund: 1,234 points.");
        assertThat(templates.email("points.reversed", "zh-CN", bonus).html()).contains("SILVER 升级奖励随之扣回 1,234 积分");
        Map<String, Object> settlement = sample();
        settlement.remove("orderId");
        settlement.put("settlement", true);
        NoticeTemplates.InApp settled = templates.inApp("points.reversed", "en", settlement);
        assertThat(settled.title()).isEqualTo("Owed points settled");
        assertThat(settled.body()).isEqualTo("1,234 points owed from an earlier refund were taken from points you got"
                + " back or earned.");
        assertThat(templates.inApp("points.reversed", "zh-CN", settlement).title()).isEqualTo("欠扣积分已结清");
        NoticeTemplates.Email email = templates.email("points.reversed", "zh-CN", settlement);
        assertThat(email.subject()).isEqualTo("【积分】欠扣积分已结清");
        assertThat(email.html()).contains("此前退款欠扣的 1,234 积分");
    }

    @Test
    void theHtmlEscapesWhatAnAdminOrAnEventWroteAndTheTextDoesNot() {
        NoticeTemplates.Email email = templates.email("marketing", "en", sample());
        assertThat(email.html()).contains("Spring &lt;sale&gt;").contains("Double points &amp; more");
        assertThat(email.subject()).isEqualTo("Spring <sale>");
        assertThat(email.text()).contains("Double points & more");
    }

    @Test
    void aValueATemplateNamesAndTheNoticeLacksIsAnErrorNotABlank() {
        Map<String, Object> lacking = sample();
        lacking.remove("points");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> templates.inApp("points.spent", "en", lacking))
                .isInstanceOf(RuntimeException.class);
    }

    @Test
    void theTemplateFoldersAreExactlyTheKindsAndEachHoldsEveryChannelAndLocale() throws IOException, URISyntaxException {
        Path root = Path.of(getClass().getClassLoader().getResource("templates/notices").toURI());
        try (Stream<Path> kinds = Files.list(root)) {
            assertThat(kinds.map(p -> p.getFileName().toString()).sorted())
                    .containsExactlyElementsOf(new TreeSet<>(NoticeTemplates.KINDS));
        }
        for (String kind : NoticeTemplates.KINDS) {
            try (Stream<Path> files = Files.list(root.resolve(kind))) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted()).as(kind).containsExactly(
                        "email.en.html", "email.en.txt", "email.zh-CN.html", "email.zh-CN.txt", "in-app.en.txt",
                        "in-app.zh-CN.txt");
            }
        }
    }
}
