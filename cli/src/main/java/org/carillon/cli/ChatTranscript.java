package org.carillon.cli;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The messages one chat has shown, numbered from 1 in the order they appeared, so that the
 * user can name one ({@code /edit 3 ...}) and a later status change finds its number again.
 * Safe to use from the input thread and the threads that deliver events.
 */
final class ChatTranscript {
    private final Map<Integer, ChatMessage> byNumber = new HashMap<>();
    private final Map<Long, Integer> numberOfId = new HashMap<>();
    private int last;

    /** The message's number: the one it had if shown before (its entry updated), else the next one. */
    synchronized int number(ChatMessage m) {
        Integer known = numberOfId.get(m.id());
        int n = known != null ? known : ++last;
        numberOfId.put(m.id(), n);
        byNumber.put(n, m);
        return n;
    }

    synchronized Optional<Integer> numberOf(long messageId) {
        return Optional.ofNullable(numberOfId.get(messageId));
    }

    /** Whether the message is shown already exactly as it is (an edit is heard from the call and as an event). */
    synchronized boolean shows(ChatMessage m) {
        Integer n = numberOfId.get(m.id());
        return n != null && m.equals(byNumber.get(n));
    }

    synchronized Optional<ChatMessage> message(int number) {
        return Optional.ofNullable(byNumber.get(number));
    }

    synchronized int count(Predicate<ChatMessage> which) {
        return (int) byNumber.values().stream().filter(which).count();
    }

    /**
     * The message {@code number} names, when it is one of ours that can still be edited;
     * throws {@link CommandError} saying why not otherwise.
     */
    synchronized ChatMessage ownMessage(int number) {
        ChatMessage m = byNumber.get(number);
        if (m == null) {
            throw new CommandError("no message [" + number + "] in this chat");
        }
        if (!m.outgoing()) {
            throw new CommandError("[" + number + "] is not your message: only its author can change it");
        }
        if (m.deleted()) {
            throw new CommandError("[" + number + "] is deleted already");
        }
        return m;
    }
}
