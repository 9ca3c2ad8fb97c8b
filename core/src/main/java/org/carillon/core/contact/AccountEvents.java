package org.carillon.core.contact;

import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceId;

/**
 * What an online account tells its user. Called on whatever thread delivered the news (the
 * DHT's callback thread, or the simulation's); implementations hand it on quickly.
 */
public interface AccountEvents {
    /** A request from an account that is neither a contact nor blocked, checked and stored. */
    default void onTrustRequest(TrustRequest request) {}

    /** We sent a request, accepted one, or another of our devices did. */
    default void onContactAdded(Contact contact) {}

    /** The peer accepted our request (or we accepted theirs). */
    default void onContactConfirmed(Contact contact) {}

    default void onContactRemoved(AccountId contact) {}

    /** A device of a contact came online (its announcement is live) or went offline (it expired). */
    default void onPresence(AccountId contact, DeviceId device, boolean online) {}

    /** Something addressed to us was refused (unverifiable sender, replay, flood...): why, for the logs. */
    default void onRefused(String reason) {}
}
