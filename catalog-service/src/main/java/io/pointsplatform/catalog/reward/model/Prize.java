package io.pointsplatform.catalog.reward.model;

import io.pointsplatform.kit.Identifiers;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;

/**
 * One line of a lottery's prize table: the chance of drawing it (0 to 1, in millionths at most) and
 * its stock (null = unlimited). The rest of 1 after every prize's odds is "no prize".
 */
public record Prize(
        @NotNull @Pattern(regexp = Identifiers.ID_PATTERN, message = "must be 1-64 letters, digits or ._:-") String prizeId,
        @NotBlank @Size(max = 200) String name,
        @NotNull @DecimalMin("0") @DecimalMax("1") @Digits(integer = 1, fraction = 6) BigDecimal odds,
        @PositiveOrZero @Max(1_000_000_000) Long stock) {

    public static final int PPM = 1_000_000;

    /** The odds in millionths, the unit the draw counts in. */
    public int oddsPpm() {
        return odds.movePointRight(6).intValueExact();
    }
}
