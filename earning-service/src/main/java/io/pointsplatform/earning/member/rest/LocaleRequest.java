package io.pointsplatform.earning.member.rest;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code PUT /api/v1/members/{memberId}/locale}. */
@Schema(name = "LocaleRequest")
public record LocaleRequest(
        @Schema(description = "zh-CN or en") @NotNull @Pattern(regexp = EnrolmentRequest.LOCALES,
                message = "must be zh-CN or en") String locale) {
}
