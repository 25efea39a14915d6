package io.pointsplatform.kit.remote;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import jakarta.ws.rs.core.Response;

/**
 * Another service (the ledger, catalog-service) answered a call with an error status: the status and the machine
 * {@code code} of its problem document when it sent one (a proxy or a crash may send none). A
 * 4xx is a refusal the saga acts on; a 5xx (or no answer at all) means "ask again later".
 */
public class RemoteProblem extends RuntimeException {

    /** Longer details are cut: they are stored with what failed and shown to whoever reads it. */
    public static final int MAX_DETAIL_CHARS = 500;

    private final int status;
    private final String code;
    private final String detail;
    private final String state;
    private final JsonObject document;

    public RemoteProblem(int status, String code, String detail) {
        this(status, code, detail, null);
    }

    public RemoteProblem(int status, String code, String detail, String state) {
        this(status, code, detail, state, null);
    }

    private RemoteProblem(int status, String code, String detail, String state, JsonObject document) {
        super(status + (code == null ? "" : " " + code) + (state == null ? "" : " (" + state + ")")
                + (detail == null ? "" : ": " + detail), null, false, false);
        this.status = status;
        this.code = code;
        this.detail = detail;
        this.state = state;
        this.document = document;
    }

    /** Reads the problem document of an error response, whatever its shape (details cut to 500 characters). */
    public static RemoteProblem of(Response response) {
        String body = response.hasEntity() ? response.readEntity(String.class) : null;
        String code = null;
        String detail = null;
        String state = null;
        JsonObject problem = null;
        if (body != null && !body.isBlank()) {
            try {
                problem = new JsonObject(body);
                code = problem.getValue("code") instanceof String c ? c : null;
                detail = problem.getValue("detail") instanceof String d ? d : null;
                state = problem.getValue("state") instanceof String s ? s : null;
            } catch (DecodeException | ClassCastException notAProblem) {
                detail = body;
            }
        }
        if (detail != null && detail.length() > MAX_DETAIL_CHARS) {
            detail = detail.substring(0, MAX_DETAIL_CHARS);
        }
        return new RemoteProblem(response.getStatus(), code, detail, state, problem);
    }

    /** A definite answer: the other side decided (4xx other than 401/403/408/429, which a retry may change). */
    public boolean isRefusal() {
        return status >= 400 && status < 500 && status != 401 && status != 403 && status != 408 && status != 429;
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

    /** The problem's {@code state}: what the other side found the thing in, on a conflict that depends on it. */
    public String state() {
        return state;
    }

    /**
     * A text extension member of the problem document (catalog's {@code rewardName}, say), cut to
     * 500 characters; null when the answer had no such member or no problem document.
     */
    public String member(String name) {
        Object value = document == null ? null : document.getValue(name);
        return value instanceof String text ? text.substring(0, Math.min(text.length(), MAX_DETAIL_CHARS)) : null;
    }

    /** A text member of a refusal's problem document ({@link #member}), else null. */
    public static String memberOf(Throwable failure, String name) {
        return failure instanceof RemoteProblem problem ? problem.member(name) : null;
    }

    /** The state of a refusal's problem, else null. */
    public static String stateOf(Throwable failure) {
        return failure instanceof RemoteProblem problem ? problem.state() : null;
    }

    /** Whether a failure of a call is a refusal by the other side (else: unreachable or broken, ask again). */
    public static boolean isRefusal(Throwable failure) {
        return failure instanceof RemoteProblem problem && problem.isRefusal();
    }

    public static String codeOf(Throwable failure, String otherwise) {
        return failure instanceof RemoteProblem problem && problem.code() != null ? problem.code() : otherwise;
    }
}
