package org.carillon.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.carillon.core.account.AccountId;
import org.carillon.core.message.MessageStatus;
import org.carillon.core.message.Messenger;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;

/**
 * {@code carillon chat}: one {@link Conversation} on a {@link ChatScreen}, whether this process
 * or the running daemon has the account online. Shows the latest messages, then every message,
 * status change, edit and typing state of the peer as it happens, and turns what the user types
 * into messages and commands ({@link ChatInput}). Incoming messages shown here are marked read
 * (the peer gets a display receipt).
 *
 * <p>Events come on the conversation's threads; the chat never calls the conversation back from
 * them (it might hold its own locks while telling us, or wait for an answer on that very
 * thread): such calls go to a thread of the chat.
 */
final class Chat implements Conversation.Events, AutoCloseable {
    /** How many earlier messages the chat shows when it opens. */
    static final int HISTORY = 20;

    /** The peer's "typing" goes away by itself after this long without news (a lost "idle"). */
    static final long PEER_TYPING_MILLIS = 30_000;

    /** Status changes of messages not shown (yet) are kept for at most this many. */
    private static final int MAX_EARLY = 1_000;

    private final AccountId peer;
    private final String peerName;
    private final ChatScreen screen;
    private final MessageLines lines;
    private final ChatTranscript transcript = new ChatTranscript();
    private final TypingSignal typing = new TypingSignal();
    private final Map<Long, MessageStatus> earlyStatus = new HashMap<>();
    private final ScheduledExecutorService calls = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "chat");
        t.setDaemon(true);
        return t;
    });
    private Conversation conversation;
    /** Events heard while the history loads; null once it is shown. */
    private List<Runnable> waiting;

    private long peerTypingSince;

    Chat(AccountId peer, ChatScreen screen, MessageLines lines) {
        this.peer = peer;
        this.peerName = peer.hex().substring(0, 8);
        this.screen = screen;
        this.lines = lines;
    }

    /**
     * Starts showing: the latest messages, then what happens. Events before this are in the
     * history; those that come while it loads wait until it is shown. The history is loaded
     * without holding the chat's lock: through the daemon, its answer comes on the thread that
     * tells the events, which must not be kept waiting on that lock meanwhile.
     */
    void attach(Conversation conversation) throws IOException {
        synchronized (this) {
            this.conversation = conversation;
            this.waiting = new ArrayList<>();
        }
        conversation.listen(this);
        screen.show(note("chat with " + peer + " (" + peerName + "); /help for commands"));
        List<ChatMessage> latest = conversation.latest(HISTORY);
        synchronized (this) {
            latest.forEach(this::showNew);
            waiting.forEach(Runnable::run);
            waiting = null;
        }
        if (latest.stream().anyMatch(m -> !m.outgoing() && m.status() == MessageStatus.RECEIVED)) {
            inBackground(Conversation::markRead);
        }
        calls.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Handles one typed line; false when the user wants to leave. IOException: the conversation cannot go on. */
    boolean handle(String line) throws IOException {
        ChatInput input = ChatInput.parse(line);
        try {
            if (input instanceof ChatInput.Quit) {
                return false;
            } else if (input instanceof ChatInput.Help) {
                screen.show(note(ChatInput.HELP));
            } else if (input instanceof ChatInput.Invalid invalid) {
                screen.show(error(invalid.reason()));
            } else if (input instanceof ChatInput.Send send) {
                typing.onLineDone().ifPresent(this::tellTyping);
                showOwn(conversation.send(MessageText.check(send.text(), Messenger.MAX_TEXT_BYTES)));
            } else if (input instanceof ChatInput.Edit edit) {
                ChatMessage m = transcript.ownMessage(edit.number());
                showChange(conversation.edit(m.id(), MessageText.check(edit.text(), Messenger.MAX_TEXT_BYTES)));
            } else if (input instanceof ChatInput.Delete delete) {
                ChatMessage m = transcript.ownMessage(delete.number());
                showChange(conversation.delete(m.id()));
            }
        } catch (CommandError | IllegalArgumentException | IllegalStateException e) {
            screen.show(error(e.getMessage()));
        }
        return true;
    }

    /** A key changed the line being typed. */
    void onEdit(boolean empty) {
        typing.onEdit(System.currentTimeMillis(), empty).ifPresent(this::tellTyping);
    }

    /** Called every second: our typing goes idle after a pause, the peer's after a long silence. */
    void tick() {
        long now = System.currentTimeMillis();
        typing.onTick(now).ifPresent(this::tellTyping);
        synchronized (this) {
            if (peerTypingSince != 0 && now - peerTypingSince >= PEER_TYPING_MILLIS) {
                peerTypingSince = 0;
                screen.peerTyping(Optional.empty());
            }
        }
    }

    /**
     * After {@code /quit}: stays (at most {@code linger}) until everything this device owes is
     * acknowledged, so that what was just typed, edited or read is on the DHT before the
     * process ends; whatever is still owed then is sent by the next command that goes online.
     */
    void leave(java.time.Duration linger) {
        typing.onLineDone().ifPresent(this::tellTyping);
        Conversation c;
        synchronized (this) {
            c = conversation;
        }
        long deadline = System.nanoTime() + linger.toNanos();
        if (c != null && c.owedDeliveries() > 0) {
            screen.show(note("sending what is not acknowledged yet (at most " + linger.toSeconds() + " s)…"));
        }
        try {
            while (c != null && c.owedDeliveries() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // leave now
        }
    }

    /** How many of our messages shown in this chat are not delivered yet. */
    int undelivered() {
        return transcript.count(
                m -> m.outgoing() && (m.status() == MessageStatus.SENDING || m.status() == MessageStatus.SENT));
    }

    private void tellTyping(boolean active) {
        inBackground(c -> c.typing(active));
    }

    private interface Call {
        void on(Conversation c) throws IOException;
    }

    /** On the chat's thread, once attached; what is refused is shown, a conversation gone is the input's to tell. */
    private void inBackground(Call call) {
        Conversation c;
        synchronized (this) {
            c = conversation;
        }
        if (c == null) {
            return;
        }
        try {
            calls.execute(() -> {
                try {
                    call.on(c);
                } catch (IOException gone) {
                    // ended() says so, and the input loop ends the chat
                } catch (CommandError | IllegalArgumentException | IllegalStateException e) {
                    screen.show(error(e.getMessage()));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the chat is over: nothing more to tell
        }
    }

    // ------------------------------------------------------------------ events

    @Override
    public void onMessage(AccountId from, ChatMessage m) {
        whenShown(() -> message(from, m));
    }

    @Override
    public void onStatus(AccountId from, long messageId, MessageStatus status) {
        whenShown(() -> status(from, messageId, status));
    }

    @Override
    public void onEdited(AccountId from, ChatMessage m) {
        whenShown(() -> {
            if (from.equals(peer)) {
                showChange(m);
            }
        });
    }

    @Override
    public void onTyping(AccountId from, boolean active) {
        whenShown(() -> peerTyping(from, active));
    }

    /** Runs what an event does now, or once the history is shown; nothing before the chat is attached. */
    private synchronized void whenShown(Runnable event) {
        if (conversation == null) {
            return;
        }
        if (waiting != null) {
            waiting.add(event);
        } else {
            event.run();
        }
    }

    private synchronized void message(AccountId from, ChatMessage m) {
        if (!from.equals(peer)) {
            screen.show(note(
                    "new message from " + from + " (carillon chat " + from.hex().substring(0, 8) + ")"));
            return;
        }
        if (!m.outgoing()) {
            stopPeerTyping();
        }
        showNew(m);
        if (!m.outgoing()) {
            inBackground(Conversation::markRead);
        }
    }

    private synchronized void status(AccountId from, long messageId, MessageStatus status) {
        if (!from.equals(peer)) {
            return;
        }
        Optional<Integer> number = transcript.numberOf(messageId);
        if (number.isEmpty()) {
            // our own message, before send() returned it to us: shown with it
            if (earlyStatus.size() < MAX_EARLY || earlyStatus.containsKey(messageId)) {
                earlyStatus.merge(messageId, status, (a, b) -> a.canBecome(b) ? b : a);
            }
            return;
        }
        ChatMessage m = transcript.message(number.get()).orElseThrow();
        if (m.outgoing() && m.status() != status && m.status().canBecome(status)) {
            transcript.number(m.withStatus(status));
            screen.show(lines.statusLine(number.get(), status));
        }
    }

    private synchronized void peerTyping(AccountId from, boolean active) {
        if (!from.equals(peer)) {
            return;
        }
        if (active) {
            peerTypingSince = System.currentTimeMillis();
            screen.peerTyping(Optional.of(peerName + " is typing…"));
        } else {
            stopPeerTyping();
        }
    }

    private void stopPeerTyping() {
        if (peerTypingSince != 0) {
            peerTypingSince = 0;
            screen.peerTyping(Optional.empty());
        }
    }

    // ------------------------------------------------------------------ showing

    /** Our message as send() returned it, with any status change that came before. */
    private synchronized void showOwn(ChatMessage sent) {
        MessageStatus early = earlyStatus.remove(sent.id());
        showNew(early != null && sent.status().canBecome(early) ? sent.withStatus(early) : sent);
    }

    private synchronized void showNew(ChatMessage m) {
        if (transcript.numberOf(m.id()).isEmpty()) {
            show(m);
        }
    }

    /** An edit or a deletion, heard both as the call's answer and as an event (in either order): shown once. */
    private synchronized void showChange(ChatMessage m) {
        if (!transcript.shows(m)) {
            show(m);
        }
    }

    private synchronized void show(ChatMessage m) {
        screen.show(lines.chatLine(transcript.number(m), m, peerName));
    }

    private static AttributedString note(String text) {
        return new AttributedString(text, AttributedStyle.DEFAULT.faint());
    }

    private static AttributedString error(String text) {
        return new AttributedString(text, AttributedStyle.DEFAULT.foreground(AttributedStyle.RED));
    }

    @Override
    public void close() {
        typing.onLineDone().ifPresent(this::tellTyping);
        calls.shutdown();
        try {
            calls.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
