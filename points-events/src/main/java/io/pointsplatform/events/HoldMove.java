package io.pointsplatform.events;

/**
 * Points an open hold took from one lot that it now holds from another, as a refund's reversal
 * decides ({@link PointsReversed#holdsMoved()}): the refund takes back the order's lot, the held part
 * of it included, and the hold keeps holding as much, from the other lots the reversal took from in
 * its place. So a release gives the points back to those lots, with their expiry dates, not to the
 * refunded lot.
 */
public record HoldMove(String holdId, String fromLotId, String toLotId, long points) {

    public HoldMove {
        Checks.text("hold move", "holdId", holdId);
        Checks.text("hold move", "fromLotId", fromLotId);
        Checks.text("hold move", "toLotId", toLotId);
        Checks.positive("hold move", "points", points);
        if (fromLotId.equals(toLotId)) {
            throw new IllegalArgumentException("hold move: fromLotId and toLotId are both " + fromLotId);
        }
    }
}
