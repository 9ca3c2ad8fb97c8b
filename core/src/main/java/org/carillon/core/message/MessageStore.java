package org.carillon.core.message;

import java.util.List;
import java.util.Optional;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.PeerDevice;
import org.carillon.dht.InfoHash;

/**
 * Where one account keeps its messages, the deliveries still owed, and the devices of its
 * contacts. The daemon's implementation is SQLite ({@code org.carillon.core.store}); tests may
 * keep it in memory. Every method is one atomic change: a crash leaves the old or the new state.
 *
 * <p>History is in send order: by {@link Message#sentMillis()}, then {@link Message#seq()},
 * then {@link Message#id()} (unsigned).
 */
public interface MessageStore {
    /**
     * Stores an outgoing message together with the deliveries it needs, in one transaction: once
     * this returns, the message survives a crash and will be published.
     */
    void accept(Message message, List<PendingDelivery> deliveries);

    /** Stores a received message; false (and nothing changes) when one with its peer and id is stored already. */
    boolean addReceived(Message message);

    Optional<Message> message(AccountId peer, long id);

    /** Sets the status; false when the message is unknown or {@link MessageStatus#canBecome} forbids it. */
    boolean updateStatus(AccountId peer, long id, MessageStatus status);

    /**
     * Marks READ every message of {@code peer}'s conversation in the given direction that comes at
     * or before {@code upTo} in send order and is not READ yet (FAILED ones stay); returns those
     * messages with their new status, in send order.
     */
    List<Message> markReadUpTo(AccountId peer, boolean outgoing, Message upTo);

    /** Replaces the body (or deletes it); false when the message is unknown. */
    boolean edit(AccountId peer, long id, String body, long editedMillis, boolean deleted);

    /**
     * At most {@code limit} messages of the conversation, in send order, that come before {@code
     * before} (the newest ones when it is empty). The page before is asked with the first
     * message of this one.
     */
    List<Message> history(AccountId peer, Optional<Message> before, int limit);

    /**
     * Messages whose text matches every word of {@code words} (as a prefix, any case), newest
     * first; in one conversation, or in all when {@code peer} is empty. Words are plain text,
     * never a query syntax.
     */
    List<Message> search(Optional<AccountId> peer, String words, int limit);

    /** Incoming messages of the conversation not read yet. */
    int unreadCount(AccountId peer);

    /** The highest {@link Message#seq()} of the messages this device wrote, 0 if none. */
    long lastSequence(InfoHash device);

    // ------------------------------------------------------------ deliveries owed

    /** Every delivery still owed, in no particular order. */
    List<PendingDelivery> pending();

    /** Adds deliveries for a message accepted earlier (a device of the peer found later). */
    void addPending(List<PendingDelivery> deliveries);

    /** Forgets the delivery of that message to that device; false when none was owed. */
    boolean removePending(long messageId, InfoHash device);

    // ------------------------------------------------------------ contacts' devices

    /** Remembers a device of a contact (its chain checked), so messages can be sealed for it while it is offline. */
    void saveDevice(PeerDevice device);

    List<PeerDevice> devices(AccountId account);
}
