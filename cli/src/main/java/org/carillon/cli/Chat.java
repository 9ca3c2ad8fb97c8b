package org.carillon.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.carillon.core.account.AccountId;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageEvents;
import org.carillon.core.message.MessageStatus;
import org.carillon.core.message.Messenger;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;

/**
 * {@code carillon chat}: one conversation on a {@link ChatScreen}. Shows the latest messages,
 * then every message, status change, edit and typing state of the peer as it happens, and
 * turns what the user types into messages and commands ({@link ChatInput}). Incoming messages
 * shown here are marked read (the peer gets a display receipt).
 *
 * <p>Events come on the messenger's threads; the chat never calls the messenger back from
 * them (it might hold its own locks while telling us): such calls go to a thread of the chat.
 */
final class Chat implements MessageEvents, AutoCloseable {
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
    private Messenger messenger;
    private long peerTypingSince;

    Chat(AccountId peer, ChatScreen screen, MessageLines lines) {
        this.peer = peer;
        this.peerName = peer.hex().substring(0, 8);
        this.screen = screen;
        this.lines = lines;
    }

    /** Starts showing: the latest messages, then what happens. Events before this are in the history. */
    synchronized void attach(Messenger messenger) {
        this.messenger = messenger;
        screen.show(note("chat with " + peer + " (" + peerName + "); /help for commands"));
        List<Message> latest = messenger.history(peer, Optional.empty(), HISTORY);
        latest.forEach(this::showNew);
        if (latest.stream().anyMatch(m -> !m.outgoing() && m.status() == MessageStatus.RECEIVED)) {
            calls.execute(() -> messenger.markRead(peer));
        }
        calls.scheduleWithFixedDelay(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    /** Handles one typed line; false when the user wants to leave. */
    boolean handle(String line) {
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
                Message sent = messenger.send(peer, MessageText.check(send.text(), Messenger.MAX_TEXT_BYTES));
                showOwn(sent);
            } else if (input instanceof ChatInput.Edit edit) {
                Message m = transcript.ownMessage(edit.number());
                show(messenger.edit(peer, m.id(), MessageText.check(edit.text(), Messenger.MAX_TEXT_BYTES)));
            } else if (input instanceof ChatInput.Delete delete) {
                Message m = transcript.ownMessage(delete.number());
                show(messenger.delete(peer, m.id()));
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
        Messenger m;
        synchronized (this) {
            m = messenger;
        }
        long deadline = System.nanoTime() + linger.toNanos();
        if (m != null && m.owedDeliveries() > 0) {
            screen.show(note("sending what is not acknowledged yet (at most " + linger.toSeconds() + " s)…"));
        }
        try {
            while (m != null && m.owedDeliveries() > 0 && System.nanoTime() < deadline) {
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
        Messenger m;
        synchronized (this) {
            m = messenger;
        }
        if (m != null) {
            calls.execute(() -> m.typing(peer, active));
        }
    }

    // ------------------------------------------------------------------ events

    @Override
    public synchronized void onMessage(Message m) {
        if (messenger == null) {
            return;
        }
        if (!m.peer().equals(peer)) {
            screen.show(note("new message from " + m.peer() + " (carillon chat "
                    + m.peer().hex().substring(0, 8) + ")"));
            return;
        }
        if (!m.outgoing()) {
            stopPeerTyping();
        }
        showNew(m);
        if (!m.outgoing()) {
            Messenger current = messenger;
            calls.execute(() -> current.markRead(peer));
        }
    }

    @Override
    public synchronized void onStatus(AccountId from, long messageId, MessageStatus status) {
        if (messenger == null || !from.equals(peer)) {
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
        Message m = transcript.message(number.get()).orElseThrow();
        if (m.outgoing() && m.status() != status && m.status().canBecome(status)) {
            transcript.number(m.withStatus(status));
            screen.show(lines.statusLine(number.get(), status));
        }
    }

    @Override
    public synchronized void onEdited(Message m) {
        if (messenger != null && m.peer().equals(peer)) {
            show(m);
        }
    }

    @Override
    public synchronized void onTyping(AccountId from, boolean active) {
        if (messenger == null || !from.equals(peer)) {
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
    private synchronized void showOwn(Message sent) {
        MessageStatus early = earlyStatus.remove(sent.id());
        showNew(early != null && sent.status().canBecome(early) ? sent.withStatus(early) : sent);
    }

    private synchronized void showNew(Message m) {
        if (transcript.numberOf(m.id()).isEmpty()) {
            show(m);
        }
    }

    private synchronized void show(Message m) {
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
