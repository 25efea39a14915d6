package io.pointsplatform.events;

/** What earned a lot: its kind and, when there is one, the id of the thing (order, referral, …). */
public record Origin(OriginKind kind, String ref) {

    public Origin {
        Checks.present("origin", "kind", kind);
        Checks.optionalText("origin", "ref", ref);
    }
}
