package io.pointsplatform.catalog.edge;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.pointsplatform.testing.PlatformTestResource;
import io.pointsplatform.testing.Tokens;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A deployment behind an identity provider points the services at its JWKS instead of a PEM file,
 * by configuration alone: here the key set is a file in the JWK Set format an IdP's JWKS URL serves,
 * and metrics and the OpenAPI document are closed (POINTS_OPS_ENDPOINTS=deny).
 */
@QuarkusTest
@TestProfile(JwksKeySetTest.KeySetAndClosedOps.class)
@WithTestResource(value = PlatformTestResource.class, initArgs = {
        @ResourceArg(name = "service", value = "catalog"), @ResourceArg(name = "jwt-keys", value = "jwks")})
class JwksKeySetTest {

    public static class KeySetAndClosedOps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.auth.permission.ops.policy", "deny");
        }
    }

    @Test
    void tokensVerifyAgainstAJwkSetAndForeignKeysAreStillRefused() {
        assertThat(ConfigProvider.getConfig().getValue("mp.jwt.verify.publickey.location", String.class))
                .endsWith("jwks.json");
        given().auth().oauth2(Tokens.analyst()).get("/api/v1/rewards").then().statusCode(200);
        given().auth().oauth2(Tokens.otherKey("analyst", "a")).get("/api/v1/rewards").then().statusCode(401)
                .body("code", equalTo("UNAUTHENTICATED"));
    }

    @Test
    void metricsAndTheApiDocumentCanBeClosedWhileHealthStaysOpen() {
        given().get("/q/metrics").then().statusCode(401);
        given().get("/q/openapi").then().statusCode(401);
        given().auth().oauth2(Tokens.admin()).get("/q/metrics").then().statusCode(403);
        given().auth().oauth2(Tokens.admin()).get("/q/openapi").then().statusCode(403);
        given().get("/q/health/live").then().statusCode(200);
    }
}
