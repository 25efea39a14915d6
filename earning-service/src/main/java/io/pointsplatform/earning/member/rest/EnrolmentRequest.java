package io.pointsplatform.earning.member.rest;

import io.pointsplatform.events.MemberContact;
import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.validation.Texts;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Past;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.LocalDate;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST /api/v1/members}. */
public record EnrolmentRequest(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String memberId,
        @Pattern(regexp = Texts.NOT_BLANK, message = Texts.NOT_BLANK_MESSAGE) @Size(max = 100) String name,
        @Past LocalDate birthday,
        @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String referredBy,
        @Schema(description = "The language the member is told in: zh-CN (the default) or en")
        @Pattern(regexp = LOCALES, message = "must be zh-CN or en") String locale,
        @Schema(description = "Where notices are e-mailed; none: no e-mail")
        @Pattern(regexp = MemberContact.EMAIL_PATTERN, message = "must be an e-mail address")
        @Size(max = MemberContact.EMAIL_MAX) String email) {

    /** The locales notification-service writes in. */
    public static final String LOCALES = "zh-CN|en";
    public static final String DEFAULT_LOCALE = "zh-CN";

    /** The locale given, or zh-CN. */
    public String effectiveLocale() {
        return locale == null ? DEFAULT_LOCALE : locale;
    }
}
