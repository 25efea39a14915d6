package io.pointsplatform.redemption.payment.rest;

import io.pointsplatform.kit.idempotency.IdempotencyKeys;
import io.pointsplatform.kit.problem.ApiException;
import io.pointsplatform.kit.security.Caller;
import io.pointsplatform.kit.security.Roles;
import io.pointsplatform.kit.limit.MemberRateLimits;
import io.pointsplatform.redemption.payment.service.Payment;
import io.pointsplatform.redemption.payment.service.PaymentService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

/** Points as payment at checkout: hold, capture when paid, cancel, refund. */
@Path("/api/v1/payments")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Payments", description = "Points used as payment at checkout")
public class PaymentResource {

    private static final String ID = "[A-Za-z0-9._:-]{1,64}";
    private static final String ID_MESSAGE = "must be 1-64 letters, digits or ._:-";

    private final PaymentService payments;
    private final MemberRateLimits limits;
    private final IdempotencyKeys keys;
    private final Caller caller;

    public PaymentResource(PaymentService payments, MemberRateLimits limits, IdempotencyKeys keys, Caller caller) {
        this.payments = payments;
        this.limits = limits;
        this.keys = keys;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.CHECKOUT)
    @Operation(operationId = "createPayment", summary = "Hold points to pay part of an order",
            description = "The member consents with its one-time paymentCode (POST /api/v1/members/{memberId}/payment-codes,"
                    + " used by this payment only); the payment belongs to the checkout that made it (its token's subject)."
                    + " 100 points = 1 yuan (points.payment.points-per-yuan); at most points.payment.cap-percent"
                    + " (50 %) of the order over all its payments, whole points only. The points are held at the ledger until capture,"
                    + " cancel or the hold's TTL (then EXPIRED). Idempotent by paymentId (or the Idempotency-Key).")
    @APIResponse(responseCode = "201", description = "HELD",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PaymentView.class)))
    @APIResponse(responseCode = "200", description = "The same payment again, as it stands",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PaymentView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: the body is not valid (a fraction of a point, a"
            + " fraction of a fen, another currency, no paymentCode)")
    @APIResponse(responseCode = "409", description = "INSUFFICIENT_POINTS: the member has fewer points available;"
            + " TOO_MANY_LOTS: the ledger's refusal of a hold over more lots than one debit takes; PAYMENT_CONFLICT: the paymentId was used with other content; ORDER_CONFLICT: the order's other payments"
            + " name another member, order amount or currency, or were made by another shop; PAYMENT_REFUSED: the ledger refused the payment while this"
            + " request of it waited (send it again); IDEMPOTENCY_KEY_REUSED")
    @APIResponse(responseCode = "422", description = "POINTS_CAP_EXCEEDED: with the order's other live payments, more points"
            + " than the cap allows for this order; PAYMENT_CODE_INVALID: not a payment code of this member;"
            + " PAYMENT_CODE_EXPIRED; PAYMENT_CODE_USED: the code paid another payment")
    @APIResponse(responseCode = "429", description = "RATE_LIMITED: too many payments for this member; Retry-After says when",
            headers = @Header(name = "Retry-After", description = "seconds", schema = @Schema(type = SchemaType.INTEGER)))
    @APIResponse(responseCode = "503", description = "LEDGER_UNAVAILABLE: the ledger did not answer; send the same again")
    public Uni<RestResponse<PaymentView>> create(
            @Parameter(description = "Makes the call idempotent when the body has no paymentId")
            @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
            @Valid @NotNull PaymentRequest request, @Context UriInfo uri) {
        return keys.once(idempotencyKey, uri, request, () -> {
            limits.acquire("payments", request.memberId());
            PaymentService.Order order = new PaymentService.Order(
                    PaymentService.paymentId(request.paymentId(), caller.subject(), request.memberId(), idempotencyKey), request.orderId(),
                    request.memberId(), request.orderAmount(), request.currency(),
                    request.points(), caller.subject(), request.paymentCode());
            return payments.pay(order).chain(outcome -> view(outcome.payment()).map(view -> outcome.created()
                    ? RestResponse.status(RestResponse.Status.CREATED, view) : RestResponse.ok(view)));
        });
    }

    @GET
    @Path("/{paymentId}")
    @RolesAllowed({Roles.CHECKOUT, Roles.MEMBER, Roles.ADMIN, Roles.ANALYST})
    @Operation(operationId = "getPayment", summary = "A payment as it stands",
            description = "A hold that lapsed shows EXPIRED. A member reads its own payments only.")
    @APIResponse(responseCode = "200", description = "The payment",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PaymentView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: paymentId is not an id")
    @APIResponse(responseCode = "403", description = "NOT_OWN_ACCOUNT: another member's payment; NOT_OWN_PAYMENT: another"
            + " shop's payment (a checkout token)")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such payment")
    public Uni<PaymentView> get(@PathParam("paymentId") @Pattern(regexp = ID, message = ID_MESSAGE) String paymentId) {
        // Checked before the payment is settled with the ledger: another member's token moves nothing.
        return payments.find(paymentId, p -> {
            caller.requireAccess(p.memberId());
            requireShop(p);
        }).chain(this::view);
    }

    @POST
    @Path("/{paymentId}/capture")
    @RolesAllowed(Roles.CHECKOUT)
    @Operation(operationId = "capturePayment", summary = "The order was paid: take the held points",
            description = "Idempotent: a captured payment answers the same.")
    @APIResponse(responseCode = "200", description = "CAPTURED",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PaymentView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: paymentId is not an id")
    @APIResponse(responseCode = "403", description = "NOT_OWN_PAYMENT: another shop's payment")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such payment")
    @APIResponse(responseCode = "409", description = "PAYMENT_EXPIRED: the hold lapsed; PAYMENT_CANCELLED; PAYMENT_PENDING:"
            + " the hold was never confirmed (send the POST again)")
    @APIResponse(responseCode = "503", description = "LEDGER_UNAVAILABLE: the ledger did not answer; send the same again")
    public Uni<PaymentView> capture(@PathParam("paymentId") @Pattern(regexp = ID, message = ID_MESSAGE) String paymentId) {
        return payments.find(paymentId, this::requireShop).chain(payments::capture).chain(this::view);
    }

    @POST
    @Path("/{paymentId}/cancel")
    @RolesAllowed(Roles.CHECKOUT)
    @Operation(operationId = "cancelPayment", summary = "The order was cancelled before payment: the points go back",
            description = "Idempotent; an expired payment stays EXPIRED (its points went back already).")
    @APIResponse(responseCode = "200", description = "CANCELLED (or EXPIRED)",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PaymentView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: paymentId is not an id")
    @APIResponse(responseCode = "403", description = "NOT_OWN_PAYMENT: another shop's payment")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such payment")
    @APIResponse(responseCode = "409", description = "PAYMENT_CAPTURED: the order was paid; refund it instead")
    @APIResponse(responseCode = "503", description = "LEDGER_UNAVAILABLE: the ledger did not answer; send the same again")
    public Uni<PaymentView> cancel(@PathParam("paymentId") @Pattern(regexp = ID, message = ID_MESSAGE) String paymentId) {
        return payments.find(paymentId, this::requireShop).chain(payments::cancel).chain(this::view);
    }

    @POST
    @Path("/{paymentId}/refunds")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.CHECKOUT)
    @Operation(operationId = "refundPayment", summary = "A refund of a paid order gives back its share of the points",
            description = "Points back = floor(points x refunded so far / order amount) minus what earlier refunds gave"
                    + " back; the refund that completes the order gives back every point left. Idempotent by refundId.")
    @APIResponse(responseCode = "201", description = "Refunded: the payment with its refunds",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PaymentView.class)))
    @APIResponse(responseCode = "200", description = "The same refund again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PaymentView.class)))
    @APIResponse(responseCode = "400", description = "VALIDATION_FAILED: paymentId or the body is not valid")
    @APIResponse(responseCode = "403", description = "NOT_OWN_PAYMENT: another shop's payment")
    @APIResponse(responseCode = "404", description = "NOT_FOUND: no such payment")
    @APIResponse(responseCode = "409", description = "PAYMENT_NOT_CAPTURED: nothing was paid; REFUND_EXCEEDS_ORDER:"
            + " refunds beyond the order's amount; REFUND_CONFLICT: the refundId was used with another amount;"
            + " IDEMPOTENCY_KEY_REUSED")
    @APIResponse(responseCode = "503", description = "LEDGER_UNAVAILABLE: the ledger did not answer; send the same again")
    public Uni<RestResponse<PaymentView>> refund(
            @PathParam("paymentId") @Pattern(regexp = ID, message = ID_MESSAGE) String paymentId,
            @Parameter(description = "A repeat with the same key answers the first answer; the key with another"
                    + " body is IDEMPOTENCY_KEY_REUSED")
            @RestHeader(IdempotencyKeys.HEADER) String idempotencyKey,
            @Valid @NotNull RefundRequest request, @Context UriInfo uri) {
        return keys.once(idempotencyKey, uri, request, () -> payments.find(paymentId, this::requireShop)
                .chain(p -> payments.refund(p, request.refundId(), request.amount()))
                .chain(outcome -> view(outcome.payment()).map(view -> outcome.created()
                        ? RestResponse.status(RestResponse.Status.CREATED, view) : RestResponse.ok(view))));
    }

    /**
     * A checkout token reaches only the payments its subject made (403 NOT_OWN_PAYMENT), checked
     * before the payment is settled with the ledger, so that another shop's token moves nothing.
     */
    private void requireShop(Payment p) {
        if (caller.hasRole(Roles.CHECKOUT) && !caller.hasRole(Roles.ADMIN) && !caller.hasRole(Roles.ANALYST)
                && !p.madeBy(caller.subject())) {
            throw new ApiException(403, "NOT_OWN_PAYMENT", "Another shop's payment",
                    "A checkout token reaches only the payments it made");
        }
    }

    private Uni<PaymentView> view(Payment p) {
        return payments.refunds(p.paymentId()).map(refunds -> PaymentView.of(p, refunds));
    }
}
