package io.pointsplatform.earning;

import static io.restassured.RestAssured.given;

import io.pointsplatform.testing.Tokens;
import io.restassured.specification.RequestSpecification;

/**
 * Requests with the token of the role that calls each endpoint (docs/earning.md, "Who may call
 * what"): checkout enrols, earns, previews, refunds and records activities; admin keeps rules,
 * campaigns and grants. A token is valid an hour, longer than a test run: one per role is enough.
 */
public final class Callers {

    private static String checkout;
    private static String admin;

    private Callers() {
    }

    public static synchronized RequestSpecification asCheckout() {
        if (checkout == null) {
            checkout = Tokens.checkout();
        }
        return given().auth().oauth2(checkout);
    }

    /** An admin whose subject is {@code admin-1} ({@link Tokens#admin()}). */
    public static synchronized RequestSpecification asAdmin() {
        if (admin == null) {
            admin = Tokens.admin();
        }
        return given().auth().oauth2(admin);
    }
}
