package io.pointsplatform.earning.api;

/**
 * What every operation that reads a JSON body can answer besides its own refusals, for its
 * OpenAPI responses (service-kit answers both, before the operation runs).
 */
public final class BodyResponses {

    public static final String TOO_LARGE = "PAYLOAD_TOO_LARGE: the body is larger than"
            + " quarkus.http.limits.max-body-size (1M); nothing was read";
    public static final String NOT_JSON = "UNSUPPORTED_MEDIA_TYPE: the body is not application/json";

    private BodyResponses() {
    }
}
