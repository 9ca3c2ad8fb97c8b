package org.carillon.core.message;

/**
 * Where a message stands. An outgoing message moves forward only: {@code SENDING} (accepted and
 * stored here) → {@code SENT} (stored on the DHT) → {@code DELIVERED} (a device of the peer
 * acknowledged it) → {@code READ} (the peer sent a display receipt); {@code FAILED} when no
 * device acknowledged it before the policy's age limit. An incoming message is {@code RECEIVED}
 * until it is marked {@code READ} here or on another of our devices.
 */
public enum MessageStatus {
    SENDING,
    SENT,
    DELIVERED,
    READ,
    FAILED,
    RECEIVED;

    /** Whether an outgoing message in this state may move to {@code next} (never backwards, never out of FAILED or READ). */
    public boolean canBecome(MessageStatus next) {
        if (this == RECEIVED) {
            return next == READ;
        }
        if (this == FAILED || next == RECEIVED || next == SENDING) {
            return false;
        }
        if (next == FAILED) {
            return this == SENDING || this == SENT;
        }
        return next.ordinal() > ordinal();
    }
}
