package io.pointsplatform.notification.template;

import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What a member reads, from the Qute templates in {@code templates/notices/<kind>/}: per kind, one
 * template per channel and locale, {@code in-app.<locale>.txt} (fragments {@code title} and
 * {@code body}), {@code email.<locale>.txt} (fragments {@code subject} and {@code text}) and
 * {@code email.<locale>.html}. Values are formatted for the locale first ({@link LocaleFormat}).
 * Rendering is strict: a value a template names and the notice lacks is an error, not a blank.
 */
@ApplicationScoped
public class NoticeTemplates {

    public static final String DEFAULT_LOCALE = "zh-CN";
    public static final List<String> LOCALES = List.of("zh-CN", "en");
    /** Every kind of notice: an event type, or {@code marketing}. */
    public static final List<String> KINDS = List.of("member.enrolled", "points.earned", "points.spent",
            "points.returned", "points.expired", "points.expiring", "points.reversed", "points.adjusted",
            "tier.changed", "redemption.completed", "redemption.failed", "redemption.cancelled", "marketing");
    /** Kinds about points expiring: never switched off on every channel. */
    public static final List<String> EXPIRY_KINDS = List.of("points.expiring", "points.expired");

    /** What would end a mail header early: control characters, line and paragraph separators. */
    private static final Pattern NOT_ONE_LINE = Pattern.compile("[\\p{Cc}\\u2028\\u2029]+");

    private final Engine engine;
    private final ZoneId zone;

    public NoticeTemplates(Engine engine, @ConfigProperty(name = "points.zone") ZoneId zone) {
        this.engine = engine;
        this.zone = zone;
    }

    /** A locale this service writes in: the given one if supported, English for any English, else zh-CN. */
    public static String supported(String locale) {
        if (locale == null) {
            return DEFAULT_LOCALE;
        }
        if (LOCALES.contains(locale)) {
            return locale;
        }
        return locale.startsWith("en") ? "en" : DEFAULT_LOCALE;
    }

    public InApp inApp(String kind, String locale, Map<String, Object> params) {
        Template template = template(kind, "in-app", locale, "txt");
        Map<String, Object> values = LocaleFormat.format(params, supported(locale), zone);
        return new InApp(render(template, "title", values), render(template, "body", values));
    }

    public Email email(String kind, String locale, Map<String, Object> params) {
        Template text = template(kind, "email", locale, "txt");
        Map<String, Object> values = LocaleFormat.format(params, supported(locale), zone);
        // A subject is one header line: a marketing title stored before titles were held to one line
        // (2026-12-07) would otherwise add headers of its own (vertx-mail writes the subject as given).
        String subject = NOT_ONE_LINE.matcher(render(text, "subject", values)).replaceAll(" ").strip();
        return new Email(subject, fill(template(kind, "email", locale, "html").instance(), values),
                render(text, "text", values));
    }

    private Template template(String kind, String channel, String locale, String suffix) {
        String id = "notices/" + kind + "/" + channel + "." + supported(locale) + "." + suffix;
        Template template = engine.getTemplate(id);
        if (template == null) {
            throw new IllegalStateException("no template " + id);
        }
        return template;
    }

    private static String render(Template template, String fragment, Map<String, Object> values) {
        return fill(template.getFragment(fragment).instance(), values).strip();
    }

    private static String fill(TemplateInstance instance, Map<String, Object> values) {
        values.forEach(instance::data);
        return instance.render();
    }

    public record InApp(String title, String body) {
    }

    public record Email(String subject, String html, String text) {
    }
}
