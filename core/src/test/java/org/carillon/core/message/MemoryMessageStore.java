package org.carillon.core.message;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.PeerDevice;
import org.carillon.dht.InfoHash;

/** A {@link MessageStore} in memory, for simulations; it can be shared by a device's successive runs. */
public final class MemoryMessageStore implements MessageStore {
    static final Comparator<Message> SEND_ORDER = Comparator.comparingLong(Message::sentMillis)
            .thenComparingLong(Message::seq)
            .thenComparing(Message::id, Long::compareUnsigned);

    private final Map<String, Message> messages = new LinkedHashMap<>();
    private final Map<String, PendingDelivery> pending = new LinkedHashMap<>();
    private final Map<InfoHash, PeerDevice> devices = new LinkedHashMap<>();

    private static String key(AccountId peer, long id) {
        return peer + "/" + id;
    }

    private static String key(long messageId, InfoHash device) {
        return messageId + "/" + device;
    }

    @Override
    public synchronized void accept(Message message, List<PendingDelivery> deliveries) {
        messages.put(key(message.peer(), message.id()), message);
        addPending(deliveries);
    }

    @Override
    public synchronized boolean addReceived(Message message) {
        return messages.putIfAbsent(key(message.peer(), message.id()), message) == null;
    }

    @Override
    public synchronized Optional<Message> message(AccountId peer, long id) {
        return Optional.ofNullable(messages.get(key(peer, id)));
    }

    @Override
    public synchronized boolean updateStatus(AccountId peer, long id, MessageStatus status) {
        Message m = messages.get(key(peer, id));
        if (m == null || !m.status().canBecome(status)) {
            return false;
        }
        messages.put(key(peer, id), m.withStatus(status));
        return true;
    }

    @Override
    public synchronized List<Message> markReadUpTo(AccountId peer, boolean outgoing, Message upTo) {
        List<Message> changed = new ArrayList<>();
        for (Message m : conversation(peer)) {
            if (m.outgoing() == outgoing
                    && SEND_ORDER.compare(m, upTo) <= 0
                    && m.status() != MessageStatus.READ
                    && m.status().canBecome(MessageStatus.READ)) {
                Message read = m.withStatus(MessageStatus.READ);
                messages.put(key(peer, m.id()), read);
                changed.add(read);
            }
        }
        return changed;
    }

    @Override
    public synchronized boolean edit(AccountId peer, long id, String body, long editedMillis, boolean deleted) {
        Message m = messages.get(key(peer, id));
        if (m == null) {
            return false;
        }
        messages.put(key(peer, id), m.edited(body, editedMillis, deleted));
        return true;
    }

    @Override
    public synchronized List<Message> history(AccountId peer, Optional<Message> before, int limit) {
        List<Message> all = conversation(peer);
        if (before.isPresent()) {
            all.removeIf(m -> SEND_ORDER.compare(m, before.get()) >= 0);
        }
        return new ArrayList<>(all.subList(Math.max(0, all.size() - limit), all.size()));
    }

    @Override
    public synchronized List<Message> search(Optional<AccountId> peer, String words, int limit) {
        String[] terms = words.toLowerCase(Locale.ROOT).trim().split("\\s+");
        List<Message> out = new ArrayList<>();
        for (Message m : messages.values()) {
            if (peer.isPresent() && !peer.get().equals(m.peer())) {
                continue;
            }
            List<String> bodyWords = List.of(m.body().toLowerCase(Locale.ROOT).split("\\W+"));
            boolean all = true;
            for (String t : terms) {
                all &= bodyWords.stream().anyMatch(w -> w.startsWith(t));
            }
            if (all) {
                out.add(m);
            }
        }
        out.sort(SEND_ORDER.reversed());
        return out.subList(0, Math.min(limit, out.size()));
    }

    @Override
    public synchronized int unreadCount(AccountId peer) {
        return (int) conversation(peer).stream()
                .filter(m -> m.status() == MessageStatus.RECEIVED)
                .count();
    }

    @Override
    public synchronized long lastSequence(InfoHash device) {
        return messages.values().stream()
                .filter(m -> m.authorDevice().equals(device))
                .mapToLong(Message::seq)
                .max()
                .orElse(0);
    }

    @Override
    public synchronized List<PendingDelivery> pending() {
        return new ArrayList<>(pending.values());
    }

    @Override
    public synchronized void addPending(List<PendingDelivery> deliveries) {
        for (PendingDelivery d : deliveries) {
            pending.put(key(d.messageId(), d.device()), d);
        }
    }

    @Override
    public synchronized boolean removePending(long messageId, InfoHash device) {
        return pending.remove(key(messageId, device)) != null;
    }

    @Override
    public synchronized void saveDevice(PeerDevice device) {
        devices.put(device.id().shortId(), device);
    }

    @Override
    public synchronized List<PeerDevice> devices(AccountId account) {
        return devices.values().stream()
                .filter(d -> d.account().equals(account))
                .toList();
    }

    /** Every message of the conversation in send order. */
    public synchronized List<Message> conversation(AccountId peer) {
        List<Message> out = new ArrayList<>();
        for (Message m : messages.values()) {
            if (m.peer().equals(peer)) {
                out.add(m);
            }
        }
        out.sort(SEND_ORDER);
        return out;
    }

    synchronized Map<String, Message> all() {
        return new HashMap<>(messages);
    }
}
