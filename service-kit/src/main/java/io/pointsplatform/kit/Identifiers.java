package io.pointsplatform.kit;

/** The shape of ids that cross service boundaries, checked at every edge the same way. */
public final class Identifiers {

    /** Member, order, reward, hold ids: letters, digits and "._:-", 1 to 64 characters. */
    public static final String ID_PATTERN = "[A-Za-z0-9._:-]{1,64}";

    /**
     * Lot ids are made from those ids with a prefix ({@code order-<orderId>}) or two of them joined
     * by "/", which no id contains ({@code grant-<grantId>/<memberId>}): up to 160 characters.
     */
    public static final String LOT_ID_PATTERN = "[A-Za-z0-9._:/-]{1,160}";

    private Identifiers() {
    }
}
