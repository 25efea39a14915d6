package io.pointsplatform.events;

import java.time.Instant;

/** One lot an expiry reminder told of: its points then (left and held by open holds), and when it was to expire. */
public record RemindedLot(String lotId, long points, Instant expiresAt) {

    public RemindedLot {
        Checks.text("reminded lot", "lotId", lotId);
        Checks.positive("reminded lot", "points", points);
        Checks.present("reminded lot", "expiresAt", expiresAt);
    }
}
