package org.carillon.core.contact;

import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceId;

/**
 * What an {@link OnlineAccount} tells its user. Called on the thread that delivered the DHT
 * event (or the caller's, for local changes) while the account's state is consistent; a
 * listener must not block.
 */
public interface AccountEvents {
    /** A new trust request arrived (from a peer, or from another of our devices by sync). */
    default void onTrustRequest(TrustRequest request) {}

    /** A contact became active (we sent a request, accepted one, or a sync said so). */
    default void onContactAdded(Contact contact) {}

    /** The peer accepted (or we both asked each other): the contact is confirmed. */
    default void onContactConfirmed(Contact contact) {}

    /** A contact was removed or blocked (here or on another of our devices). */
    default void onContactRemoved(AccountId contact) {}

    /** A device of a contact appeared ({@code online}) or its announcement expired. */
    default void onPresence(AccountId contact, DeviceId device, boolean online) {}

    /**
     * Something received was refused: {@code reason} starts with a short category (see {@link
     * OnlineAccount#refusals()}), then a colon and the details. Never a request.
     */
    default void onRefused(String reason) {}

    /** Another device of our own account was found (its chain leads to our account). */
    default void onOwnDevice(PeerDevice device) {}

    /** A device sync from another of our devices was applied. */
    default void onSynced(DeviceId from) {}
}
