package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.problem.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.ZoneId;
import org.eclipse.microprofile.config.inject.ConfigProperty;

@Path("/api/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
public class AccountResource {

    private final AccountStore store;
    private final Pool pool;
    private final Clock clock;
    private final ZoneId zone;

    public AccountResource(AccountStore store, Pool pool, Clock clock,
                           @ConfigProperty(name = "points.zone", defaultValue = "Asia/Shanghai") ZoneId zone) {
        this.store = store;
        this.pool = pool;
        this.clock = clock;
        this.zone = zone;
    }

    @GET
    @Path("/{memberId}")
    public Uni<AccountView> get(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId) {
        return store.read(pool, memberId).map(found -> found
                .map(account -> AccountView.of(account, clock.instant(), zone, 6))
                .orElseThrow(() -> ApiException.notFound("Account", memberId)));
    }

    @GET
    @Path("/{memberId}/entries")
    public Uni<EntriesPage> entries(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
                                    @QueryParam("cursor") @Pattern(regexp = "[0-9]{1,19}", message = "must be a cursor from a previous page") String cursor,
                                    @QueryParam("limit") @Min(1) @Max(200) Integer limit) {
        int size = limit == null ? 50 : limit;
        long before = cursor == null ? Long.MAX_VALUE : Long.parseLong(cursor);
        return pool.withConnection(c -> store.entries(c, memberId, before, size))
                .map(entries -> EntriesPage.of(entries, size));
    }
}
