package org.carillon.core.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceId;
import org.carillon.core.contact.AccountEvents;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.TrustRequest;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageEvents;
import org.carillon.core.message.MessageStatus;

/**
 * What a Carillon {@code OnlineAccount} and its {@code Messenger} told the test, with bounded
 * waits for what it expects.
 */
final class RecordingEvents implements AccountEvents, MessageEvents {
    /** Presence as heard: contact, device, online or not. */
    record Presence(AccountId contact, DeviceId device, boolean online) {}

    /** A contact started or stopped typing. */
    record Typing(AccountId peer, boolean active) {}

    /** A message's new state as heard. */
    record Status(AccountId peer, long messageId, MessageStatus status) {}

    private final List<Object> heard = new ArrayList<>();

    @Override
    public void onTrustRequest(TrustRequest request) {
        record(request);
    }

    @Override
    public void onContactConfirmed(Contact contact) {
        record(contact);
    }

    @Override
    public void onPresence(AccountId contact, DeviceId device, boolean online) {
        record(new Presence(contact, device, online));
    }

    @Override
    public void onMessage(Message message) {
        record(message);
    }

    @Override
    public void onStatus(AccountId peer, long messageId, MessageStatus status) {
        record(new Status(peer, messageId, status));
    }

    @Override
    public void onTyping(AccountId peer, boolean active) {
        record(new Typing(peer, active));
    }

    @Override
    public void onRefused(String reason) {
        record("refused " + reason);
    }

    private synchronized void record(Object event) {
        heard.add(event);
        notifyAll();
    }

    synchronized List<Object> heard() {
        return List.copyOf(heard);
    }

    /** The first event of {@code type} matching {@code filter}, waiting at most {@code timeout}. */
    synchronized <T> T await(Class<T> type, Predicate<T> filter, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> found = heard.stream()
                    .filter(type::isInstance)
                    .map(type::cast)
                    .filter(filter)
                    .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("Carillon heard no matching " + type.getSimpleName() + " within " + timeout
                        + "; heard: " + heard);
            }
            wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
    }
}
