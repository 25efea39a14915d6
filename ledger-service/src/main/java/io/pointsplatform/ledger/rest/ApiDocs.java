package io.pointsplatform.ledger.rest;

/**
 * What the ledger's OpenAPI document says more than once: the tags, and the problems the
 * operations answer, one wording per code, so that the same refusal reads the same on every
 * operation. 401
 * {@code UNAUTHENTICATED} and a plain 403 {@code FORBIDDEN} are added to every operation by
 * service-kit; a 403 is described here only where it also means {@code NOT_OWN_ACCOUNT}.
 */
public final class ApiDocs {

    public static final String ACCOUNTS = "accounts";
    public static final String ACCOUNTS_ABOUT = "A member's balances and history: the member itself, staff,"
            + " services, and the till (balance only)";
    public static final String HOLDS = "holds";
    public static final String HOLDS_ABOUT = "Points kept apart for a redemption or a payment, then captured or"
            + " released: the member itself, or a service on its behalf; a captured hold's points given back"
            + " (a service)";
    public static final String REVERSALS = "reversals";
    public static final String REVERSALS_ABOUT = "A refund's points taken back (earning-service's service token)";
    public static final String ADJUSTMENTS = "adjustments";
    public static final String ADJUSTMENTS_ABOUT = "Manual adjustments, maker-checker: one admin requests, another"
            + " approves or rejects (both are the subjects of their tokens)";
    public static final String ADMIN = "admin";
    public static final String ADMIN_ABOUT = "The whole ledger: rebuild every account from points.ledger (admin),"
            + " verify the live accounts against it";

    public static final String BAD_BODY = "VALIDATION_FAILED: the body is not JSON (or not UTF-8), not an object,"
            + " or a field is missing, of another JSON type, out of range or not a property of this request;"
            + " an id in the path is malformed. `errors` names each field by its JSON name.";
    public static final String BAD_ID = "VALIDATION_FAILED: an id in the path is not 1-64 letters, digits or ._:-"
            + " (`errors` names the parameter).";
    public static final String BAD_QUERY = "VALIDATION_FAILED: an id in the path is malformed, `limit` is not a whole"
            + " number from 1 to 200, or `cursor` is not one a previous page gave (`errors` names the parameter).";
    public static final String NOT_OWN_ACCOUNT = "NOT_OWN_ACCOUNT: a member's token names another member's account;"
            + " FORBIDDEN: the token's role may not call this operation.";
    public static final String SERVICE_HOLD = "SERVICE_HOLD: a hold id with ':' is a service's (payment:<id>,"
            + " redemption:<id>): only a service token places, captures or releases it.";
    public static final String NO_ACCOUNT = "NOT_FOUND: the ledger has no account for this member.";
    public static final String NOT_OPEN = "HOLD_NOT_OPEN: the member never made this hold, or it was captured,"
            + " released or expired otherwise; the problem's state says which (CAPTURED, RELEASED or EXPIRED; none"
            + " for a hold the ledger does not know). A capture at or after the hold's holdExpiresAt releases it as"
            + " the ledger's job would (points.released, reason EXPIRED) and is answered EXPIRED.";
    public static final String HOLD_AMBIGUOUS = "HOLD_AMBIGUOUS: more than one member used this hold id (a"
            + " member's token means its own); use /api/v1/accounts/{memberId}/holds/{holdId}/… then.";
    public static final String RETURN_REFUSED = "HOLD_NOT_CAPTURED: the hold is open, released or expired, so it"
            + " spent nothing; RETURN_EXCEEDS_SPENT: more points than the capture spent less what was given back"
            + " already (or nothing is left); RETURN_CONFLICT: the returnId was used before for another hold, other"
            + " points or another reference; " + HOLD_AMBIGUOUS;
    public static final String BUSY = "BUSY: more decisions are waiting to be written than the ledger queues"
            + " (points.ledger.max-queued); nothing was decided, the same request may be sent again.";

    private ApiDocs() {
    }
}
