package io.pointsplatform.kit.security;

import io.pointsplatform.kit.problem.ApiException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.util.Set;

/**
 * Who is calling, from the verified token: its subject and roles. The ownership rule lives here
 * once: a caller whose only role is {@code member} reaches only the account whose id is its
 * {@code sub}; every other role an endpoint admits ({@code @RolesAllowed}) reaches any account.
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
        for (String role : STAFF_OR_SYSTEM) {
            if (identity.hasRole(role)) {
                return;
            }
        }
        if (!subject().equals(memberId)) {
            throw new ApiException(403, "NOT_OWN_ACCOUNT", "Not your account",
                    "A member's token reaches only its own account");
        }
    }
}
