package org.carillon.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.carillon.core.account.AccountId;
import org.carillon.core.message.MessageStatus;

/**
 * What {@link Chat} needs of an account to hold one conversation: its latest messages, sending,
 * changing our own, telling the peer we type or read, and hearing what happens. Either this
 * process's own session ({@link LocalConversation}) or the running daemon's ({@link
 * DaemonConversation}). {@link IOException} means the conversation cannot go on (the daemon is
 * gone); a {@link CommandError} or {@link IllegalArgumentException} names what was refused.
 */
interface Conversation {
    /** The newest {@code limit} messages with the peer, in send order. */
    List<ChatMessage> latest(int limit) throws IOException;

    /** Sends a text; the message as stored (status "sending", or further already). */
    ChatMessage send(String text) throws IOException;

    ChatMessage edit(long id, String text) throws IOException;

    ChatMessage delete(long id) throws IOException;

    void typing(boolean active) throws IOException;

    /** Marks the conversation read (the peer gets a display receipt). */
    void markRead() throws IOException;

    /** How many deliveries this process still owes before it may end (0 when a daemon keeps sending). */
    int owedDeliveries();

    /** From now on, what happens in any of the account's conversations goes to {@code events}. */
    void listen(Events events);

    /** Completes, with why, when the conversation ends without the user (the daemon stopped). */
    CompletableFuture<String> ended();

    /** What happens, on the threads of whoever tells it; a listener never calls the conversation back from them. */
    interface Events {
        /** A message arrived from {@code peer}, or a copy of one we sent to it from another device. */
        void onMessage(AccountId peer, ChatMessage m);

        void onStatus(AccountId peer, long messageId, MessageStatus status);

        /** A message was edited or deleted by its author. */
        void onEdited(AccountId peer, ChatMessage m);

        void onTyping(AccountId peer, boolean active);
    }
}
