package io.pointsplatform.kit.db;

import io.vertx.pgclient.PgException;

/**
 * PostgreSQL's unique violation (SQLSTATE 23505): how a transaction learns that another one, at the
 * same moment, made the row it was about to make. A create that checked for the row first and then
 * meets this is run again, and then finds the row (a repeat or a conflict, never a 500).
 */
public final class UniqueViolation {

    public static final String SQLSTATE = "23505";

    private UniqueViolation() {
    }

    /** Whether {@code failure} is a unique violation of any constraint. */
    public static boolean of(Throwable failure) {
        return failure instanceof PgException pg && SQLSTATE.equals(pg.getSqlState());
    }

    /** Whether {@code failure} is a unique violation of a constraint whose name starts with {@code constraint}. */
    public static boolean of(Throwable failure, String constraint) {
        return of(failure) && ((PgException) failure).getConstraint() != null
                && ((PgException) failure).getConstraint().startsWith(constraint);
    }
}
