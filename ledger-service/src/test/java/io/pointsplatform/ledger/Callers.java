package io.pointsplatform.ledger;

import static io.restassured.RestAssured.given;

import io.pointsplatform.testing.Tokens;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests as the caller that makes them in the platform: another service (holds for a
 * redemption, reversals for a refund, account reads), a member on its own account, the admins of
 * a maker-checker pair, an analyst. Tokens are kept per role and subject (each is valid for an
 * hour), so a test that makes thousands of calls signs a handful.
 */
final class Callers {

    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    private Callers() {
    }

    /** Another service of the platform (redemption, earning, catalog) with its {@code service} token. */
    static RequestSpecification asService() {
        return as("service", "test-service");
    }

    /** The admin who requests adjustments and runs rebuilds ({@code admin-1}). */
    static RequestSpecification asAdmin() {
        return as("admin", "admin-1");
    }

    /** An admin by name: the maker or the checker of an adjustment. */
    static RequestSpecification asAdmin(String subject) {
        return as("admin", subject);
    }

    static RequestSpecification asAnalyst() {
        return as("analyst", "analyst-1");
    }

    static RequestSpecification asCheckout() {
        return as("checkout", "checkout-test");
    }

    /** The member itself, in the mobile app: its token's subject is its member id. */
    static RequestSpecification asMember(String memberId) {
        return as("member", memberId);
    }

    private static RequestSpecification as(String role, String subject) {
        return given().auth().oauth2(TOKENS.computeIfAbsent(role + " " + subject, k -> Tokens.of(role, subject)));
    }
}
