package io.pointsplatform.kit;

/** The shape of ids that cross service boundaries, checked at every edge the same way. */
public final class Identifiers {

    /** Member, order, reward, hold ids: letters, digits and "._:-", 1 to 64 characters. */
    public static final String ID_PATTERN = "[A-Za-z0-9._:-]{1,64}";

    /**
     * Lot ids are made from those ids with a prefix ({@code order-<orderId>}) or from parts joined
     * by "/", which no id contains ({@code grant-<grantId>/<memberId>},
     * {@code referral/<memberId>/referrer}, {@code checkin/<memberId>/<date>}), so that two credits
     * can never be named alike: up to 160 characters.
     */
    public static final String LOT_ID_PATTERN = "[A-Za-z0-9._:/-]{1,160}";

    private Identifiers() {
    }
}
