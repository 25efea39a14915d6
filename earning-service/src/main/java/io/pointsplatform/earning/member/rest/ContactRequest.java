package io.pointsplatform.earning.member.rest;

import io.pointsplatform.events.MemberContact;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code PUT /api/v1/members/{memberId}/contact}: what is given changes, what is absent stays. */
@Schema(name = "ContactRequest")
public record ContactRequest(
        @Schema(description = "The language the member is told in: zh-CN or en")
        @Pattern(regexp = EnrolmentRequest.LOCALES, message = "must be zh-CN or en") String locale,
        @Schema(description = "Where notices are e-mailed from now on")
        @Pattern(regexp = MemberContact.EMAIL_PATTERN, message = "must be an e-mail address")
        @Size(max = MemberContact.EMAIL_MAX) String email) {
}
