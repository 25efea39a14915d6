package io.pointsplatform.kit.security;

/**
 * The roles a token carries in its {@code groups} claim (CONTRACT.md, "Auth"). The README's
 * role × endpoint table says which role may call what; {@code @RolesAllowed} enforces it.
 */
public final class Roles {

    /** The shop's back end: enrolment, earnings, previews, refunds, payments. */
    public static final String CHECKOUT = "checkout";
    /** A member in the mobile app; {@code sub} is its member id and it reaches only its own account. */
    public static final String MEMBER = "member";
    /** The programme's staff: rules, campaigns, grants, catalogue, adjustments, rebuild. */
    public static final String ADMIN = "admin";
    /** Read-only, everything. */
    public static final String ANALYST = "analyst";
    /** One service calling another. */
    public static final String SERVICE = "service";

    private Roles() {
    }
}
