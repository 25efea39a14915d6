package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.view.MemberPointsProjector;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.ZoneId;
import org.eclipse.microprofile.config.inject.ConfigProperty;

@Path("/api/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    private final MemberPointsProjector accounts;
    private final Clock clock;
    private final ZoneId zone;

    public AccountResource(MemberPointsProjector accounts, Clock clock,
                           @ConfigProperty(name = "points.zone", defaultValue = "Asia/Shanghai") ZoneId zone) {
        this.accounts = accounts;
        this.clock = clock;
        this.zone = zone;
    }

    @GET
    @Path("/{memberId}")
    @WithSession
    public Uni<AccountView> get(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId) {
        return accounts.find(memberId).map(found -> found
                .map(account -> AccountView.of(account, clock.instant(), zone, 6))
                .orElseThrow(() -> ApiException.notFound("Account", memberId)));
    }
}
