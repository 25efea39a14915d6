package io.pointsplatform.notification.preference.rest;

/**
 * The two pages a member sees when its mail client opens the unsubscribe link in a browser, in
 * Chinese and English (the link does not say which the member reads): the question, whose button
 * POSTs the same link as a one-click client would, and the answer. Plain HTML: no script, no style.
 */
final class UnsubscribePages {

    private UnsubscribePages() {
    }

    static String confirm(String member, String list, String sig) {
        String action = "unsubscribe?member=" + escape(member) + "&amp;list=" + escape(list) + "&amp;sig=" + escape(sig);
        return page("退订营销邮件 · Unsubscribe",
                "<p>不再接收营销邮件？积分到账、过期提醒等账户通知不受影响。</p>\n"
                        + "<p>Stop receiving marketing e-mails? Account notices (points earned, expiry reminders) still arrive.</p>\n"
                        + "<form method=\"post\" action=\"" + action + "\">\n"
                        + "<input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\n"
                        + "<button type=\"submit\">退订 · Unsubscribe</button>\n"
                        + "</form>");
    }

    static String done() {
        return page("已退订 · Unsubscribed",
                "<p>您已退订营销邮件。</p>\n<p>You will no longer receive marketing e-mails.</p>");
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + title + "</title>\n</head>\n<body>\n<h1>" + title + "</h1>\n" + body + "\n</body>\n</html>\n";
    }

    /** The link's values are ids and a base64url signature already; escaped all the same. */
    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
