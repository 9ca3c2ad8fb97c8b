package org.carillon.cli;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.carillon.core.account.AccountId;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageEvents;
import org.carillon.core.message.MessageStatus;
import org.carillon.core.message.Messenger;

/**
 * A conversation on this process's own session of the account (no daemon runs). It is the
 * session's {@link MessageEvents} from the start, and passes them on once the chat listens;
 * what came before is in the history the chat loads then.
 */
final class LocalConversation implements Conversation, MessageEvents {
    private final AccountId peer;
    private volatile Messenger messenger;
    private volatile Events events;

    LocalConversation(AccountId peer) {
        this.peer = peer;
    }

    /** The session is online: its messenger is the one to use. */
    void attach(Messenger messenger) {
        this.messenger = messenger;
    }

    private Messenger messenger() {
        Messenger m = messenger;
        if (m == null) {
            throw new IllegalStateException("the account is not online yet");
        }
        return m;
    }

    @Override
    public List<ChatMessage> latest(int limit) {
        return messenger().history(peer, Optional.empty(), limit).stream()
                .map(ChatMessage::of)
                .toList();
    }

    @Override
    public ChatMessage send(String text) {
        return ChatMessage.of(messenger().send(peer, text));
    }

    @Override
    public ChatMessage edit(long id, String text) {
        return ChatMessage.of(messenger().edit(peer, id, text));
    }

    @Override
    public ChatMessage delete(long id) {
        return ChatMessage.of(messenger().delete(peer, id));
    }

    @Override
    public void typing(boolean active) {
        messenger().typing(peer, active);
    }

    @Override
    public void markRead() {
        messenger().markRead(peer);
    }

    @Override
    public int owedDeliveries() {
        Messenger m = messenger;
        return m == null ? 0 : m.owedDeliveries();
    }

    @Override
    public void listen(Events events) {
        this.events = events;
    }

    /** The session lives as long as the command: nothing ends it from outside. */
    @Override
    public CompletableFuture<String> ended() {
        return new CompletableFuture<>();
    }

    @Override
    public void onMessage(Message m) {
        Events e = events;
        if (e != null) {
            e.onMessage(m.peer(), ChatMessage.of(m));
        }
    }

    @Override
    public void onStatus(AccountId from, long messageId, MessageStatus status) {
        Events e = events;
        if (e != null) {
            e.onStatus(from, messageId, status);
        }
    }

    @Override
    public void onEdited(Message m) {
        Events e = events;
        if (e != null) {
            e.onEdited(m.peer(), ChatMessage.of(m));
        }
    }

    @Override
    public void onTyping(AccountId from, boolean active) {
        Events e = events;
        if (e != null) {
            e.onTyping(from, active);
        }
    }
}
