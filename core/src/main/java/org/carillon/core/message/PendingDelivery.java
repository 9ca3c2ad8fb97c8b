package org.carillon.core.message;

import org.carillon.core.account.AccountId;
import org.carillon.dht.InfoHash;

/**
 * One message that one device has not acknowledged yet: the sender keeps publishing {@code
 * payload} at that device's inbox until it does, or until {@code expiresMillis}.
 *
 * @param peer the conversation the message belongs to
 * @param messageId the message's id (for a receipt or an edit, the id of that value, not of the message it is about)
 * @param recipientAccount the account of {@code device}: the peer, or our own for a copy to another of our devices
 * @param device the recipient device's short id
 * @param payload the {@link ImMessage} as encoded on the wire (before encryption)
 * @param createdMillis when it was accepted
 * @param expiresMillis when to give up
 * @param nextAttemptMillis when to publish it next
 * @param attempts how many times it was published
 */
public record PendingDelivery(
        AccountId peer,
        long messageId,
        AccountId recipientAccount,
        InfoHash device,
        byte[] payload,
        long createdMillis,
        long expiresMillis,
        long nextAttemptMillis,
        int attempts) {
    public PendingDelivery {
        if (peer == null || recipientAccount == null || device == null || payload == null) {
            throw new IllegalArgumentException("a pending delivery needs its peer, recipient and payload");
        }
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public PendingDelivery rescheduled(long nextMillis, int attemptsSoFar) {
        return new PendingDelivery(
                peer,
                messageId,
                recipientAccount,
                device,
                payload,
                createdMillis,
                expiresMillis,
                nextMillis,
                attemptsSoFar);
    }
}
