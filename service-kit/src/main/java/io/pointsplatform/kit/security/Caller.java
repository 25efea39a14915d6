package io.pointsplatform.kit.security;

import io.pointsplatform.kit.problem.ApiException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.util.Set;

/**
 * Who is calling, from the verified token: its subject and roles. The ownership rule lives here
 * once: a caller with the {@code member} role reaches only the account whose id is its {@code sub},
 * whatever other roles its token has; a token without it, admitted by the endpoint's
 * {@code @RolesAllowed}, reaches any account. Until 2026-12-06 a token with {@code member} and
 * another role (an identity provider's groups [member, analyst]) passed an endpoint as a member and
 * then skipped the ownership check as the other role, reaching any member's preferences or stream,
 * which neither role allows alone.
 */
@RequestScoped
public class Caller {

    private static final Set<String> STAFF_OR_SYSTEM =
            Set.of(Roles.CHECKOUT, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE);

    private final SecurityIdentity identity;

    public Caller(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The token's subject ({@code sub}, else {@code upn}): a member id, a person's or a service's name. */
    public String subject() {
        if (identity.isAnonymous()) {
            throw new ApiException(401, "UNAUTHENTICATED", "Authentication required",
                    "This request needs a bearer token");
        }
        if (identity.getPrincipal() instanceof org.eclipse.microprofile.jwt.JsonWebToken jwt
                && jwt.getSubject() != null) {
            return jwt.getSubject();
        }
        return identity.getPrincipal().getName();
    }

    public boolean hasRole(String role) {
        return identity.hasRole(role);
    }

    /**
     * Refuses a member's token for another member's account ({@code 403 NOT_OWN_ACCOUNT}); any
     * other role has been admitted by the endpoint's {@code @RolesAllowed} already.
     */
    public void requireAccess(String memberId) {
        if (identity.isAnonymous()) {
            subject();
        }
        if (identity.hasRole(Roles.MEMBER)) {
            requireOwn(memberId);
            return;
        }
        for (String role : STAFF_OR_SYSTEM) {
            if (identity.hasRole(role)) {
                return;
            }
        }
        requireOwn(memberId);
    }

    private void requireOwn(String memberId) {
        if (!subject().equals(memberId)) {
            throw new ApiException(403, "NOT_OWN_ACCOUNT", "Not your account",
                    "A member's token reaches only its own account");
        }
    }
}
