package io.pointsplatform.ledger.account.rest;

import io.pointsplatform.kit.Identifiers;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.ledger.account.repository.AccountStore;
import io.pointsplatform.ledger.rest.ApiDocs;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.ZoneId;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A member's account and its history: the member itself, the till (balance only), staff and services. */
@Path("/api/v1/accounts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocs.ACCOUNTS, description = ApiDocs.ACCOUNTS_ABOUT)
public class AccountResource {

    /** The largest page of entries. */
    static final int MAX_PAGE = 200;

    private final AccountStore store;
    private final Pool pool;
    private final Clock clock;
    private final ZoneId zone;
    private final Caller caller;

    public AccountResource(AccountStore store, Pool pool, Clock clock,
                           @ConfigProperty(name = "points.zone", defaultValue = "Asia/Shanghai") ZoneId zone,
                           Caller caller) {
        this.store = store;
        this.pool = pool;
        this.clock = clock;
        this.zone = zone;
        this.caller = caller;
    }

    @GET
    @Path("/{memberId}")
    @RolesAllowed({Roles.MEMBER, Roles.CHECKOUT, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "getAccount", summary = "A member's balances, tier and the points expiring next")
    @APIResponse(responseCode = "200", description = "The account now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccountView.class)))
    @APIResponse(responseCode = "400", description = ApiDocs.BAD_ID)
    @APIResponse(responseCode = "403", description = ApiDocs.NOT_OWN_ACCOUNT)
    @APIResponse(responseCode = "404", description = ApiDocs.NO_ACCOUNT)
    public Uni<AccountView> get(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId) {
        caller.requireAccess(memberId);
        return store.read(pool, memberId).map(found -> found
                .map(account -> AccountView.of(account, clock.instant(), zone, 6))
                .orElseThrow(() -> ApiException.notFound("Account", memberId)));
    }

    @GET
    @Path("/{memberId}/entries")
    @RolesAllowed({Roles.MEMBER, Roles.ADMIN, Roles.ANALYST, Roles.SERVICE})
    @Operation(operationId = "listEntries", summary = "A member's history: every event applied to the account, newest first")
    @APIResponse(responseCode = "200", description = "One page; nextCursor is null on the last",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EntriesPage.class)))
    @APIResponse(responseCode = "400", description = ApiDocs.BAD_QUERY)
    @APIResponse(responseCode = "403", description = ApiDocs.NOT_OWN_ACCOUNT)
    public Uni<EntriesPage> entries(@PathParam("memberId") @Pattern(regexp = Identifiers.ID_PATTERN) String memberId,
                                    @Parameter(description = "nextCursor of the previous page; absent for the first")
                                    @QueryParam("cursor") @Pattern(regexp = "[0-9]{1,19}", message = "must be a cursor from a previous page") String cursor,
                                    @Parameter(description = "entries per page, 1 to 200 (default 50)")
                                    @QueryParam("limit") @Min(1) @Max(MAX_PAGE) Integer limit) {
        caller.requireAccess(memberId);
        int size = limit == null ? 50 : limit;
        long before = cursor == null ? Long.MAX_VALUE : cursor(cursor);
        return pool.withConnection(c -> store.entries(c, memberId, before, size))
                .map(entries -> EntriesPage.of(entries, size));
    }

    /** A cursor is an entry's seq; the pattern lets through 19 digits, which may still be more than a long. */
    private static long cursor(String cursor) {
        try {
            return Long.parseLong(cursor);
        } catch (NumberFormatException tooLarge) {
            throw ApiException.validation("cursor", "must be a cursor from a previous page");
        }
    }
}
