package io.pointsplatform.kit.inbox;

/**
 * A record on another partition than its member's ({@link MemberPartitions}) that its consumer
 * refuses: sent to the dead-letter topic with this as the reason.
 */
public class MisplacedRecord extends RuntimeException {

    public MisplacedRecord(String message) {
        super(message);
    }
}
