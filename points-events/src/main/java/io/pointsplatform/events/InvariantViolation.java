package io.pointsplatform.events;

/**
 * An event that would break an account's invariants if applied. The account is left exactly as it
 * was: a rebuild that meets one has found a bug in a decider, or a log that is not the one it
 * claims to be.
 */
public class InvariantViolation extends RuntimeException {

    public InvariantViolation(String message) {
        super(message);
    }
}
