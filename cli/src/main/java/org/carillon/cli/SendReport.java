package org.carillon.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.carillon.core.account.AccountId;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageEvents;
import org.carillon.core.message.MessageStatus;
import org.carillon.core.message.Messenger;

/**
 * What {@code carillon message send} prints: {@code accepted ID} once a message is stored, then
 * one line per change of its status ({@code sent ID}, {@code delivered ID}, {@code read ID},
 * {@code failed ID}). A change can be reported before {@link Messenger#send} has returned the
 * message to us; it is held back until {@code accepted} is printed, so the lines of a message
 * always come in that order.
 */
final class SendReport implements MessageEvents {
    /** Changes of messages we have not accepted (earlier runs' ones) are held only this many. */
    private static final int MAX_HELD = 10_000;

    private final PrintWriter out;
    private final Map<Long, MessageStatus> told = new LinkedHashMap<>();
    private final Map<Long, MessageStatus> held = new HashMap<>();

    SendReport(PrintWriter out) {
        this.out = out;
    }

    void accepted(Message m) {
        accepted(m.peer(), m.id(), m.status());
    }

    synchronized void accepted(AccountId peer, long id, MessageStatus status) {
        print("accepted", id);
        told.put(id, status);
        MessageStatus early = held.remove(id);
        if (early != null) {
            onStatus(peer, id, early);
        }
    }

    @Override
    public synchronized void onStatus(AccountId peer, long messageId, MessageStatus status) {
        MessageStatus last = told.get(messageId);
        if (last == null) {
            if (held.size() < MAX_HELD || held.containsKey(messageId)) {
                held.merge(messageId, status, (a, b) -> b.ordinal() > a.ordinal() ? b : a);
            }
            return;
        }
        if (last != status && last.canBecome(status)) {
            told.put(messageId, status);
            print(StatusMarks.word(status), messageId);
            notifyAll();
        }
    }

    /**
     * Waits, at most {@code limit}, until every accepted message is delivered or has failed, as
     * the changes told by {@link #onStatus} say (a daemon's events: there is no messenger here).
     */
    synchronized void awaitSettled(Duration limit) throws InterruptedException {
        long end = System.nanoTime() + limit.toNanos();
        while (told.values().stream().anyMatch(s -> s == MessageStatus.SENDING || s == MessageStatus.SENT)) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    synchronized int acceptedCount() {
        return told.size();
    }

    /** How many accepted messages no device of the peer has acknowledged yet. */
    synchronized int undelivered() {
        return (int) told.values().stream()
                .filter(s -> s != MessageStatus.DELIVERED && s != MessageStatus.READ)
                .count();
    }

    /**
     * Completes when every accepted message is delivered or has failed. Called without holding
     * our lock: the messenger tells us of changes while holding its own.
     */
    CompletableFuture<Void> delivered(Messenger messenger, AccountId peer) {
        List<Long> ids;
        synchronized (this) {
            ids = List.copyOf(told.keySet());
        }
        return settled(ids.stream().map(id -> messenger.delivered(peer, id)).toList());
    }

    /** Completes when every outgoing message of {@code messages} that is still on its way is delivered or failed. */
    static CompletableFuture<Void> owed(Messenger messenger, List<Message> messages) {
        return settled(messages.stream()
                .filter(m -> m.outgoing() && (m.status() == MessageStatus.SENDING || m.status() == MessageStatus.SENT))
                .map(m -> messenger.delivered(m.peer(), m.id()))
                .toList());
    }

    /** A failed message is settled too: waiting longer would not change it. */
    private static CompletableFuture<Void> settled(List<CompletableFuture<Void>> deliveries) {
        return CompletableFuture.allOf(
                deliveries.stream().map(f -> f.exceptionally(failed -> null)).toArray(CompletableFuture[]::new));
    }

    private void print(String what, long id) {
        out.println(what + " " + Long.toUnsignedString(id, 16));
        out.flush();
    }
}
