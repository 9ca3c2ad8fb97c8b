package org.carillon.core.message;

import org.carillon.core.account.AccountId;

/**
 * What a {@link Messenger} tells its user. Called on the thread that delivered the DHT event
 * (or the caller's, for local changes) after the change was stored; a listener must not block.
 */
public interface MessageEvents {
    /** A message arrived from a contact, or a copy of one our account sent from another device. */
    default void onMessage(Message message) {}

    /** A message changed state (sent, delivered, read, failed; or an incoming one read). */
    default void onStatus(AccountId peer, long messageId, MessageStatus status) {}

    /** A message was edited or deleted by its author. */
    default void onEdited(Message message) {}

    /** The contact started ({@code true}) or stopped typing. */
    default void onTyping(AccountId peer, boolean typing) {}

    /** Something received was refused: a short category, a colon, the details. */
    default void onRefused(String reason) {}
}
