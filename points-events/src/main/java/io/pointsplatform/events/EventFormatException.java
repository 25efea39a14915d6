package io.pointsplatform.events;

/** A document that is not a valid event (or snapshot); the message says what is wrong with it. */
public class EventFormatException extends RuntimeException {

    public EventFormatException(String message) {
        super(message);
    }

    public EventFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
