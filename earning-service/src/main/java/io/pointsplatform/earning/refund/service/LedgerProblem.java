package io.pointsplatform.earning.refund.service;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import jakarta.ws.rs.core.Response;

/**
 * The ledger answered with an error status: the status, and the machine {@code code} and
 * {@code detail} of its problem document when it sent one (a proxy or a crash may send none).
 */
public class LedgerProblem extends RuntimeException {

    /** Longer details are cut: they are stored with the refund and shown to whoever reads it. */
    static final int MAX_DETAIL_CHARS = 500;

    private final int status;
    private final String code;
    private final String detail;

    public LedgerProblem(int status, String code, String detail) {
        super(status + (code == null ? "" : " " + code) + (detail == null ? "" : ": " + detail), null, false, false);
        this.status = status;
        this.code = code;
        this.detail = detail;
    }

    /** Reads the problem document of an error response, whatever its shape. */
    static LedgerProblem of(Response response) {
        String body = response.hasEntity() ? response.readEntity(String.class) : null;
        String code = null;
        String detail = null;
        if (body != null && !body.isBlank()) {
            try {
                JsonObject problem = new JsonObject(body);
                code = problem.getValue("code") instanceof String c ? c : null;
                detail = problem.getValue("detail") instanceof String d ? d : null;
            } catch (DecodeException | ClassCastException notAProblem) {
                detail = body;
            }
        }
        return new LedgerProblem(response.getStatus(), code, cut(detail));
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_DETAIL_CHARS ? text : text.substring(0, MAX_DETAIL_CHARS);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String detail() {
        return detail;
    }
}
