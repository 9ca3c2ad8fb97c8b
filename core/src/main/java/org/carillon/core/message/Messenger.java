package org.carillon.core.message;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceId;
import org.carillon.core.contact.AccountEvents;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.OnlineAccount;
import org.carillon.core.contact.PeerDevice;
import org.carillon.core.contact.SenderRateLimit;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.engine.Scheduler;
import org.carillon.dht.secure.SecureDht;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-to-one messages of one device of an account, over jamid 13.7's legacy DHT messages (§7):
 * each message is sealed for each device of the peer (and copied to our other devices) and put
 * at that device's inbox; the device acknowledges at its own inbox, where we listen.
 *
 * <p>What makes it arrive: the message and every delivery it owes are stored before {@link
 * #send} returns; a delivery is published again and again (see {@link MessagePolicy}) until its
 * device acknowledges it or the policy's age limit passes, also after a restart; a device of the
 * peer that comes online (its announcement appears) gets what it is owed at once, paced at half
 * the rate a receiver accepts from one device (a restarted sender owing hundreds would otherwise
 * put them all at once, and the receiver's limit, which counts every copy, would leave the
 * excess for the next republication, minutes later). The receiver
 * stores each message once (by peer and id), acknowledges every copy it gets, and shows history
 * in send order, whatever the order of arrival.
 *
 * <p>Only contacts are heard: a message from anyone else, from a blocked account, or from a
 * device whose chain does not check out is refused (counted and reported, never acknowledged);
 * a device sending too fast is cut off for a while without acknowledgement, so its sender tries
 * again later and nothing legitimate is lost. Thread-safe; DHT callbacks and the scheduler's
 * timer may call in from any thread.
 */
public final class Messenger implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Messenger.class);

    /** Jami's bound on a message payload (jamid 13.7 warns above it). */
    public static final int MAX_TEXT_BYTES = 64_000;

    /** OpenDHT's MAX_VALUE_SIZE: storage nodes refuse larger values. */
    static final int MAX_SEALED_BYTES = 64 * 1024;

    /** jamid draws message ids in [1, 2^53] so JSON clients read them exactly; so do we. */
    static final long MAX_ID = 1L << 53;

    /** Puts of deliveries in flight at once; the rest wait for their turn. */
    static final int MAX_IN_FLIGHT = 32;

    /** How long a delivery waits when its device's window of puts is full. */
    static final long PACE_RETRY_MILLIS = 1000;

    private static final int MAX_SEALED_CACHE = 4096;

    private final OnlineAccount account;
    private final SecureDht dht;
    private final MessageStore store;
    private final MessageEvents events;
    private final Scheduler scheduler;
    private final RandomGenerator random;
    private final MessagePolicy policy;
    private final AccountId me;
    private final InfoHash myDevice;
    private final SenderRateLimit rateLimit;
    /** Our puts per recipient device: half of what {@link #rateLimit} lets a device send us. */
    private final SenderRateLimit pace;

    /** Deliveries owed, by message id and device, and the same ordered by when they are due. */
    private final Map<DeliveryKey, PendingDelivery> owed = new HashMap<>();

    private final PriorityQueue<PendingDelivery> due =
            new PriorityQueue<>((a, b) -> Long.compare(a.nextAttemptMillis(), b.nextAttemptMillis()));
    /** Values sealed for a delivery, put again as they are (storage nodes take the same value as a refresh). */
    private final Map<DeliveryKey, Value> sealed = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<DeliveryKey, Value> eldest) {
            return size() > MAX_SEALED_CACHE;
        }
    };
    /** Devices we seal for: the peers' (from the store and the DHT) and our own others. */
    private final Map<InfoHash, PeerDevice> devices = new HashMap<>();

    private final Map<InfoHash, ListenHandle> ackListens = new HashMap<>();
    private final Set<DeliveryKey> publishing = new HashSet<>();
    private final Map<DeliveryKey, CompletableFuture<Void>> waitingForDelivery = new HashMap<>();
    private final Set<AccountId> lookingUp = new HashSet<>();
    private final Map<String, Long> refusals = new TreeMap<>();
    private Scheduler.Cancellable timer;
    private long timerAt = Long.MAX_VALUE;
    private long lastSequence;
    private boolean started;
    private boolean closed;

    private record DeliveryKey(long messageId, InfoHash device) {}

    public Messenger(
            OnlineAccount account,
            SecureDht dht,
            MessageStore store,
            MessageEvents events,
            Scheduler scheduler,
            RandomGenerator random,
            MessagePolicy policy) {
        this.account = account;
        this.dht = dht;
        this.store = store;
        this.events = events == null ? new MessageEvents() {} : events;
        this.scheduler = scheduler;
        this.random = random;
        this.policy = policy;
        this.me = account.accountId();
        this.myDevice = account.deviceId().shortId();
        long window = Math.max(1000L, (long) Math.ceil(policy.senderBurst() * 1000.0 / policy.senderPerSecond()));
        this.rateLimit = new SenderRateLimit(policy.senderBurst(), window);
        this.pace = new SenderRateLimit(Math.max(1, policy.senderBurst() / 2), window);
    }

    /**
     * Takes the type-3 values of the account's inbox (call before the account starts) and
     * resumes the deliveries owed since the last run.
     */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        lastSequence = store.lastSequence(myDevice);
        account.handleInbox(ImMessage.TYPE, this::onInboxValue);
        // the account tells us under its own lock: take it up later, on the timer's thread, as
        // we call the account under ours (the other order would deadlock)
        account.subscribe(new AccountEvents() {
            @Override
            public void onPresence(AccountId contact, DeviceId device, boolean online) {
                if (online) {
                    scheduler.schedule(0, () -> deviceOnline(contact, device));
                }
            }

            @Override
            public void onOwnDevice(PeerDevice device) {
                scheduler.schedule(0, () -> knowDevice(device, false));
            }
        });
        Set<AccountId> peers = new HashSet<>();
        for (PendingDelivery p : store.pending()) {
            owed.put(key(p), p);
            due.add(p);
            peers.add(p.recipientAccount());
        }
        for (Contact c : account.contacts()) {
            if (c.isActive()) {
                store.devices(c.id()).forEach(d -> knowDevice(d, true));
            }
        }
        peers.forEach(this::lookUpDevices);
        account.ownDevices().forEach(d -> knowDevice(d, false));
        LOG.info("{} deliveries owed to {} accounts", owed.size(), peers.size());
        reschedule();
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sends a text message to a contact: stored (SENDING) with every delivery it owes when this
     * returns, published in the background.
     *
     * @throws IllegalArgumentException when {@code to} is not an active contact, the text is
     *     empty, or it is too large ({@link MessageTooLargeException})
     */
    public Message send(AccountId to, String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a message needs some text");
        }
        return write(to, Payloads.TEXT, text, Map.of());
    }

    /** Replaces the text of a message our account wrote, for everyone. */
    public Message edit(AccountId peer, long id, String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("an edit needs some text (delete removes a message)");
        }
        return change(peer, id, text, false);
    }

    /** Deletes a message our account wrote, for everyone (an edit with an empty text, as Jami's). */
    public Message delete(AccountId peer, long id) {
        return change(peer, id, "", true);
    }

    private synchronized Message change(AccountId peer, long id, String text, boolean delete) {
        Message original = store.message(peer, id)
                .orElseThrow(() ->
                        new IllegalArgumentException("no message " + Long.toUnsignedString(id, 16) + " with " + peer));
        if (!original.outgoing()) {
            throw new IllegalArgumentException("only the author of a message can edit or delete it");
        }
        if (original.deleted()) {
            throw new IllegalArgumentException("message " + original.idHex() + " was deleted");
        }
        long now = scheduler.now();
        write(peer, Payloads.EDIT, text, Map.of(Payloads.EDITS, original.idHex()));
        store.edit(peer, id, text, now, delete);
        Message edited = original.edited(text, now, delete);
        events.onEdited(edited);
        return edited;
    }

    /**
     * Marks every message received from {@code peer} read, and tells the peer's devices (a
     * display receipt for the newest) and our other devices.
     */
    public synchronized void markRead(AccountId peer) {
        Optional<Message> newest = newestIncoming(peer);
        if (newest.isEmpty()) {
            return;
        }
        List<Message> read = store.markReadUpTo(peer, false, newest.get());
        if (read.isEmpty()) {
            return;
        }
        read.forEach(m -> events.onStatus(peer, m.id(), MessageStatus.READ));
        deliverNotice(peer, Payloads.DISPLAYED, Payloads.displayed(newest.get().id()), Map.of());
    }

    /** Tells the peer's devices that we are typing (or stopped); not stored, not repeated. */
    public synchronized void typing(AccountId peer, boolean active) {
        requireContact(peer);
        long now = scheduler.now();
        byte[] payload = new ImMessage(newId(), Payloads.composing(active), now / 1000, 0, Payloads.COMPOSING, Map.of())
                .encode();
        for (PeerDevice d : devicesOf(peer)) {
            Value v = dht.seal(
                    Value.of(0, ImMessage.TYPE, payload), d.certificate().getPublicKey());
            dht.put(OnlineAccount.inboxOf(d.id().shortId()), v, false);
        }
    }

    public List<Message> history(AccountId peer, Optional<Message> before, int limit) {
        return store.history(peer, before, limit);
    }

    public Optional<Message> message(AccountId peer, long id) {
        return store.message(peer, id);
    }

    /** How this messenger keeps and republishes messages. */
    public MessagePolicy policy() {
        return policy;
    }

    /** Messages from {@code peer} not read yet. */
    public int unread(AccountId peer) {
        return store.unreadCount(peer);
    }

    public List<Message> search(Optional<AccountId> peer, String words, int limit) {
        return store.search(peer, words, limit);
    }

    /** Completes when the message was acknowledged by a device of the peer (at once if it was). */
    public synchronized CompletableFuture<Void> delivered(AccountId peer, long id) {
        Optional<Message> m = store.message(peer, id);
        if (m.isEmpty()) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException("no message " + Long.toUnsignedString(id, 16)));
        }
        MessageStatus s = m.get().status();
        if (s == MessageStatus.DELIVERED || s == MessageStatus.READ) {
            return CompletableFuture.completedFuture(null);
        }
        if (s == MessageStatus.FAILED) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("message " + m.get().idHex() + " failed"));
        }
        return waitingForDelivery.computeIfAbsent(new DeliveryKey(id, InfoHash.ZERO), k -> new CompletableFuture<>());
    }

    /** Deliveries not acknowledged yet (messages, receipts and edits, per device). */
    public synchronized int owedDeliveries() {
        return owed.size();
    }

    /** How many received values were refused, by category. */
    public synchronized Map<String, Long> refusals() {
        return Map.copyOf(refusals);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (timer != null) {
            timer.cancel();
        }
        ackListens.values().forEach(ListenHandle::close);
        ackListens.clear();
        waitingForDelivery
                .values()
                .forEach(f -> f.completeExceptionally(new IllegalStateException("messenger closed")));
        waitingForDelivery.clear();
    }

    /** Stores a new outgoing value of {@code peer}'s conversation with the deliveries it owes, and publishes it. */
    private synchronized Message write(AccountId peer, String datatype, String text, Map<String, String> extra) {
        requireContact(peer);
        int textBytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (textBytes > MAX_TEXT_BYTES) {
            throw new MessageTooLargeException(
                    "a message of " + textBytes + " bytes is over Jami's limit of " + MAX_TEXT_BYTES + " bytes");
        }
        long now = scheduler.now();
        long id = newId();
        long seq = ++lastSequence;
        Map<String, String> metadata = new HashMap<>(extra);
        metadata.put(Payloads.SENT_MILLIS, Long.toString(now));
        metadata.put(Payloads.SEQUENCE, Long.toString(seq));
        ImMessage wire = new ImMessage(id, text, now / 1000, 0, datatype, metadata);
        metadata.put(Payloads.TO, peer.toString());
        ImMessage copy = new ImMessage(id, text, now / 1000, 0, datatype, metadata);
        byte[] payload = wire.encode();
        checkSealedSize(payload.length, textBytes);
        Message message =
                new Message(peer, id, true, myDevice, datatype, text, now, seq, now, MessageStatus.SENDING, 0, false);
        List<PendingDelivery> deliveries = deliveriesFor(peer, id, payload, copy.encode(), now);
        if (datatype.equals(Payloads.TEXT)) {
            store.accept(message, deliveries);
        } else {
            store.addPending(deliveries); // an edit changes a stored message; it is not one itself
        }
        LOG.debug("{} {} to {}: {} deliveries", datatype, message.idHex(), peer, deliveries.size());
        deliveries.forEach(this::owe);
        if (devicesOf(peer).isEmpty()) {
            lookUpDevices(peer);
        }
        reschedule();
        return message;
    }

    /** A receipt to the peer's devices and, with the peer named, to ours; kept until acknowledged like a message. */
    private void deliverNotice(AccountId peer, String datatype, String body, Map<String, String> extra) {
        long now = scheduler.now();
        long id = newId();
        Map<String, String> metadata = new HashMap<>(extra);
        ImMessage wire = new ImMessage(id, body, now / 1000, 0, datatype, metadata);
        metadata.put(Payloads.TO, peer.toString());
        ImMessage copy = new ImMessage(id, body, now / 1000, 0, datatype, metadata);
        List<PendingDelivery> deliveries = deliveriesFor(peer, id, wire.encode(), copy.encode(), now);
        store.addPending(deliveries);
        deliveries.forEach(this::owe);
        reschedule();
    }

    /**
     * One delivery per known device of the peer (or one to "no device yet", {@link InfoHash#ZERO},
     * addressed when a device is found) and one copy per other device of ours.
     */
    private List<PendingDelivery> deliveriesFor(AccountId peer, long id, byte[] payload, byte[] copy, long now) {
        long expires = now + policy.maxAge().toMillis();
        List<PendingDelivery> out = new ArrayList<>();
        List<PeerDevice> peerDevices = devicesOf(peer);
        if (peerDevices.isEmpty()) {
            out.add(new PendingDelivery(peer, id, peer, InfoHash.ZERO, payload, now, expires, now, 0));
        }
        for (PeerDevice d : peerDevices) {
            out.add(new PendingDelivery(peer, id, peer, d.id().shortId(), payload, now, expires, now, 0));
        }
        for (PeerDevice d : devicesOf(me)) {
            out.add(new PendingDelivery(peer, id, me, d.id().shortId(), copy, now, expires, now, 0));
        }
        return out;
    }

    private void checkSealedSize(int payloadBytes, int textBytes) {
        // signed: the payload, our key and our signature; sealed: an RSA-wrapped key (at most
        // 4096 bits) and AES-GCM's nonce and tag; plus the value's own fields
        int ours = dht.identity().key().getPublic().getEncoded().length;
        int signature = (ours - 38) + 16; // an RSA SPKI is ~38 bytes more than its modulus
        int estimate = payloadBytes + ours + signature + 512 + 28 + 160;
        if (estimate > MAX_SEALED_BYTES) {
            throw new MessageTooLargeException("a message of " + textBytes + " bytes would be about " + estimate
                    + " bytes once signed and encrypted, over the " + MAX_SEALED_BYTES
                    + " bytes a DHT value may carry");
        }
    }

    // ---------------------------------------------------------------- publishing

    private void owe(PendingDelivery p) {
        owed.put(key(p), p);
        due.add(p);
    }

    /** Sets the timer for the earliest due delivery (or runs them now). Under the lock. */
    private void reschedule() {
        if (closed || !started) {
            return;
        }
        PendingDelivery first = due.peek();
        if (first == null) {
            return;
        }
        long at = Math.max(first.nextAttemptMillis(), scheduler.now());
        if (timer != null && timerAt <= at) {
            return;
        }
        if (timer != null) {
            timer.cancel();
        }
        timerAt = at;
        timer = scheduler.schedule(at - scheduler.now(), this::publishDue);
    }

    private synchronized void publishDue() {
        timer = null;
        timerAt = Long.MAX_VALUE;
        if (closed) {
            return;
        }
        long now = scheduler.now();
        List<PendingDelivery> later = new ArrayList<>();
        while (!due.isEmpty() && due.peek().nextAttemptMillis() <= now && publishing.size() < MAX_IN_FLIGHT) {
            PendingDelivery p = due.poll();
            if (owed.get(key(p)) != p) {
                continue; // acknowledged, or replaced by a newer schedule
            }
            if (now >= p.expiresMillis()) {
                expire(p);
            } else if (p.device().equals(InfoHash.ZERO)) {
                lookUpDevices(p.recipientAccount());
                later.add(reschedule(p, now, p.attempts()));
            } else if (!pace.allow(p.device(), now)) {
                later.add(paced(p, now)); // that device's window is full: a second later, same attempt
            } else {
                publish(p, now);
            }
        }
        due.addAll(later);
        if (publishing.size() < MAX_IN_FLIGHT) {
            reschedule();
        }
    }

    /** Puts the delivery's sealed value at its device's inbox. */
    private void publish(PendingDelivery p, long now) {
        PeerDevice device = devices.get(p.device());
        if (device == null) {
            due.add(reschedule(p, now, p.attempts())); // its chain is looked up when it shows up online
            return;
        }
        DeliveryKey key = key(p);
        Value value = sealed.computeIfAbsent(
                key,
                k -> dht.seal(
                        Value.of(0, ImMessage.TYPE, p.payload()),
                        device.certificate().getPublicKey()));
        listenForAcks(p.device());
        publishing.add(key);
        PendingDelivery next = reschedule(p, now, p.attempts() + 1);
        dht.put(OnlineAccount.inboxOf(p.device()), value, false)
                .whenComplete((id, failure) -> published(next, failure));
    }

    private synchronized void published(PendingDelivery p, Throwable failure) {
        DeliveryKey key = key(p);
        publishing.remove(key);
        if (closed) {
            return;
        }
        if (failure != null) {
            LOG.debug(
                    "put of {} for {} failed: {}",
                    Long.toUnsignedString(p.messageId(), 16),
                    p.device(),
                    failure.toString());
        } else if (p.recipientAccount().equals(p.peer())) {
            setStatus(p.peer(), p.messageId(), MessageStatus.SENT);
        }
        if (owed.containsKey(key)) {
            // the next time is not stored: after a restart every owed delivery is published at once
            owed.put(key, p);
            due.add(p);
        }
        reschedule();
    }

    private PendingDelivery paced(PendingDelivery p, long now) {
        PendingDelivery next = p.rescheduled(now + PACE_RETRY_MILLIS, p.attempts());
        owed.put(key(p), next);
        return next;
    }

    private PendingDelivery reschedule(PendingDelivery p, long now, int attempts) {
        PendingDelivery next = p.rescheduled(
                Math.min(policy.nextAttempt(p.createdMillis(), now), Math.max(now, p.expiresMillis())), attempts);
        owed.put(key(p), next);
        return next;
    }

    private void expire(PendingDelivery p) {
        DeliveryKey key = key(p);
        boolean othersOwed = owed.entrySet().stream()
                .anyMatch(e -> !e.getKey().equals(key)
                        && e.getValue().messageId() == p.messageId()
                        && e.getValue().recipientAccount().equals(p.peer()));
        boolean failed = !othersOwed && p.recipientAccount().equals(p.peer());
        if (failed) {
            setStatus(p.peer(), p.messageId(), MessageStatus.FAILED); // before the delivery goes, as above
        }
        forget(p);
        if (failed) {
            CompletableFuture<Void> w = waitingForDelivery.remove(new DeliveryKey(p.messageId(), InfoHash.ZERO));
            if (w != null) {
                w.completeExceptionally(new IllegalStateException(
                        "message " + Long.toUnsignedString(p.messageId(), 16) + " was not acknowledged in time"));
            }
        }
    }

    private void forget(PendingDelivery p) {
        DeliveryKey key = key(p);
        owed.remove(key);
        sealed.remove(key);
        store.removePending(p.messageId(), p.device());
        // the device's acknowledgement listen stays open until the messenger closes: a new one
        // per message decrypted the inbox's last five minutes again (RSA, each value), and the
        // storage nodes keep a closed listen up to ten minutes (2.4.12 has no "unlisten")
    }

    private void setStatus(AccountId peer, long id, MessageStatus status) {
        if (store.updateStatus(peer, id, status)) {
            events.onStatus(peer, id, status);
        }
    }

    // ---------------------------------------------------------------- acknowledgements

    /** Acks for what we put at a device's inbox come to that same inbox, sealed for us. */
    private void listenForAcks(InfoHash device) {
        if (ackListens.containsKey(device)) {
            return;
        }
        ackListens.put(device, dht.listen(OnlineAccount.inboxOf(device), Query.ALL, (values, expired) -> {
            if (!expired) {
                values.forEach(v -> onAckValue(device, v));
            }
        }));
    }

    private void onAckValue(InfoHash device, Value v) {
        if (v.type() != ImMessage.TYPE || !myDevice.equals(v.recipient()) || !device.equals(v.ownerKeyId())) {
            return; // for someone else, or not put by the device whose inbox it is
        }
        ImMessage ack;
        try {
            ack = ImMessage.decode(v.data());
        } catch (IllegalArgumentException e) {
            refuse("undecodable", "acknowledgement from " + device + ": " + e.getMessage());
            return;
        }
        if (ack.isAcknowledgement()) {
            acknowledged(ack.id(), device);
        }
    }

    private synchronized void acknowledged(long messageId, InfoHash device) {
        PendingDelivery p = owed.get(new DeliveryKey(messageId, device));
        if (p == null || closed) {
            return;
        }
        // the status first, then the delivery: a crash between the two leaves the delivery owed
        // (published again, acknowledged again), never a message neither owed nor delivered
        if (p.recipientAccount().equals(p.peer())) {
            // an acknowledgement may overtake the put's own confirmation: it was stored all the same
            store.message(p.peer(), messageId)
                    .filter(m -> m.status() == MessageStatus.SENDING)
                    .ifPresent(m -> setStatus(p.peer(), messageId, MessageStatus.SENT));
            setStatus(p.peer(), messageId, MessageStatus.DELIVERED);
        }
        forget(p);
        CompletableFuture<Void> w = p.recipientAccount().equals(p.peer())
                ? waitingForDelivery.remove(new DeliveryKey(messageId, InfoHash.ZERO))
                : null;
        if (w != null) {
            w.complete(null);
        }
    }

    // ---------------------------------------------------------------- devices

    private List<PeerDevice> devicesOf(AccountId account) {
        List<PeerDevice> out = new ArrayList<>();
        for (PeerDevice d : devices.values()) {
            if (d.account().equals(account) && !d.id().shortId().equals(myDevice)) {
                out.add(d);
            }
        }
        return out;
    }

    /** Adds a device to those we seal for; a new device of a peer is owed what the peer is owed. */
    private synchronized void knowDevice(PeerDevice device, boolean stored) {
        InfoHash id = device.id().shortId();
        if (closed || id.equals(myDevice) || devices.containsKey(id)) {
            return;
        }
        devices.put(id, device);
        account.directory().remember(device);
        if (!stored && !device.account().equals(me)) {
            store.saveDevice(device);
        }
        addressTo(device);
    }

    /** Everything owed to the device's account is owed to the device too (rows "to no device yet" become its). */
    private void addressTo(PeerDevice device) {
        InfoHash id = device.id().shortId();
        Map<Long, PendingDelivery> perMessage = new LinkedHashMap<>();
        List<PendingDelivery> unaddressed = new ArrayList<>();
        for (PendingDelivery p : owed.values()) {
            if (!p.recipientAccount().equals(device.account())
                    || p.recipientAccount().equals(me)) {
                continue;
            }
            perMessage.putIfAbsent(p.messageId(), p);
            if (p.device().equals(InfoHash.ZERO)) {
                unaddressed.add(p);
            }
        }
        long now = scheduler.now();
        List<PendingDelivery> added = new ArrayList<>();
        for (PendingDelivery p : perMessage.values()) {
            if (!owed.containsKey(new DeliveryKey(p.messageId(), id))) {
                added.add(new PendingDelivery(
                        p.peer(),
                        p.messageId(),
                        p.recipientAccount(),
                        id,
                        p.payload(),
                        p.createdMillis(),
                        p.expiresMillis(),
                        now,
                        0));
            }
        }
        if (!added.isEmpty()) {
            store.addPending(added);
            added.forEach(this::owe);
        }
        unaddressed.forEach(this::forget);
        reschedule();
    }

    /** A device of a contact came online: it gets what it is owed now, and a device new to us gets its chain looked up. */
    private synchronized void deviceOnline(AccountId contact, DeviceId device) {
        if (closed) {
            return;
        }
        InfoHash id = device.shortId();
        if (!devices.containsKey(id)) {
            account.directory()
                    .authenticate(id)
                    .thenAccept(verdict -> verdict.device()
                            .filter(d -> d.account().equals(contact))
                            .ifPresent(d -> knowDevice(d, false)));
            return;
        }
        long now = scheduler.now();
        List<PendingDelivery> ready = new ArrayList<>();
        for (PendingDelivery p : owed.values()) {
            if (p.device().equals(id) && p.nextAttemptMillis() > now) {
                ready.add(p.rescheduled(now, p.attempts()));
            }
        }
        for (PendingDelivery p : ready) {
            owed.put(key(p), p);
            due.add(p);
        }
        reschedule();
    }

    private synchronized void lookUpDevices(AccountId peer) {
        if (closed || !lookingUp.add(peer)) {
            return;
        }
        account.directory().devicesOf(peer).whenComplete((found, failure) -> {
            synchronized (this) {
                lookingUp.remove(peer);
            }
            if (found != null) {
                found.forEach(d -> knowDevice(d, false));
            }
        });
    }

    // ---------------------------------------------------------------- receiving

    /** A type-3 value at our inbox (the SecureDht decrypted it for us and checked its signature). */
    private CompletableFuture<Void> onInboxValue(Value v) {
        if (!v.isSigned() || !myDevice.equals(v.recipient())) {
            refuse("not-encrypted", "message value " + hex(v.id()) + " in our inbox was not sealed for this device");
            return CompletableFuture.completedFuture(null);
        }
        InfoHash signer = v.ownerKeyId();
        if (!rateLimit.allow(signer, scheduler.now())) {
            refuse(
                    "rate-limited",
                    "device " + signer + " sends faster than " + policy.senderPerSecond() + " messages a second; "
                            + hex(v.id()) + " left unacknowledged");
            return CompletableFuture.completedFuture(null);
        }
        ImMessage message;
        try {
            message = ImMessage.decode(v.data());
        } catch (IllegalArgumentException e) {
            refuse("undecodable", "message " + hex(v.id()) + " from device " + signer + ": " + e.getMessage());
            return CompletableFuture.completedFuture(null);
        }
        if (message.isAcknowledgement()) {
            return CompletableFuture.completedFuture(null); // acks are read where they are put, not here
        }
        return account.directory().authenticate(signer).handle((verdict, failure) -> {
            if (failure != null) {
                refuse("unknown-device", "message " + hex(v.id()) + ": no certificate chain for device " + signer);
            } else if (verdict.device().isEmpty()) {
                refuse(
                        "bad-chain",
                        "message " + hex(v.id()) + " signed by device " + signer + ": " + verdict.refusal());
            } else {
                onAuthenticated(verdict.device().get(), message);
            }
            return null;
        });
    }

    private synchronized void onAuthenticated(PeerDevice sender, ImMessage message) {
        if (closed) {
            return;
        }
        boolean handled = sender.account().equals(me) ? fromOwnDevice(sender, message) : fromPeer(sender, message);
        if (handled) {
            acknowledge(sender, message.id());
        }
    }

    /** Returns whether to acknowledge. */
    private boolean fromPeer(PeerDevice sender, ImMessage message) {
        AccountId from = sender.account();
        Optional<Contact> contact = account.contact(from);
        if (contact.isPresent() && contact.get().banned()) {
            count("blocked");
            return false;
        }
        if (contact.isEmpty() || !contact.get().isActive()) {
            refuse("not-a-contact", "message " + hex(message.id()) + " from " + from + ", who is not a contact");
            return false;
        }
        knowDevice(sender, false);
        long now = scheduler.now();
        switch (message.datatype()) {
            case Payloads.DISPLAYED ->
                Payloads.displayedId(message.text())
                        .flatMap(id -> store.message(from, id))
                        .filter(Message::outgoing)
                        .ifPresent(read -> store.markReadUpTo(from, true, read)
                                .forEach(m -> events.onStatus(from, m.id(), MessageStatus.READ)));
            case Payloads.COMPOSING ->
                Payloads.composingActive(message.text()).ifPresent(active -> events.onTyping(from, active));
            case Payloads.EDIT -> {
                return applyEdit(from, false, message, now);
            }
            default -> {
                Message received = received(from, false, sender, message, now, MessageStatus.RECEIVED);
                if (store.addReceived(received)) {
                    events.onMessage(received);
                }
            }
        }
        return true;
    }

    /** A copy of what our account wrote on another device, or its read receipt. Returns whether to acknowledge. */
    private boolean fromOwnDevice(PeerDevice sender, ImMessage message) {
        knowDevice(sender, false);
        Optional<AccountId> peer =
                Optional.ofNullable(message.metadata().get(Payloads.TO)).flatMap(Messenger::accountId);
        if (peer.isEmpty()) {
            refuse("no-peer", "copy " + hex(message.id()) + " from our device " + sender.id() + " names no peer");
            return true; // acknowledged all the same: sending it again would not mend it
        }
        long now = scheduler.now();
        switch (message.datatype()) {
            case Payloads.DISPLAYED ->
                Payloads.displayedId(message.text())
                        .flatMap(id -> store.message(peer.get(), id))
                        .filter(m -> !m.outgoing())
                        .ifPresent(read -> store.markReadUpTo(peer.get(), false, read)
                                .forEach(m -> events.onStatus(peer.get(), m.id(), MessageStatus.READ)));
            case Payloads.COMPOSING -> {}
            case Payloads.EDIT -> {
                return applyEdit(peer.get(), true, message, now);
            }
            default -> {
                Message copy = received(peer.get(), true, sender, message, now, MessageStatus.SENT);
                if (store.addReceived(copy)) {
                    events.onMessage(copy);
                }
            }
        }
        return true;
    }

    /** An edit of a message we have not received yet is left unacknowledged: its sender puts it again later. */
    private boolean applyEdit(AccountId peer, boolean outgoing, ImMessage edit, long now) {
        Optional<Long> target =
                Optional.ofNullable(edit.metadata().get(Payloads.EDITS)).flatMap(Messenger::unsignedHex);
        if (target.isEmpty()) {
            refuse("undecodable", "edit " + hex(edit.id()) + " names no message");
            return true;
        }
        Optional<Message> original = store.message(peer, target.get());
        if (original.isEmpty()) {
            return false;
        }
        if (original.get().outgoing() != outgoing) {
            refuse("forged-edit", "edit " + hex(edit.id()) + " of a message its sender did not write");
            return true;
        }
        if (original.get().deleted()) {
            return true;
        }
        boolean delete = edit.text().isEmpty();
        store.edit(peer, target.get(), edit.text(), now, delete);
        events.onEdited(original.get().edited(edit.text(), now, delete));
        return true;
    }

    private Message received(
            AccountId peer, boolean outgoing, PeerDevice sender, ImMessage m, long now, MessageStatus status) {
        // jamid dates to the second and numbers nothing: within that second the arrival time is
        // the best guess of the send order (an answer arrives after the question it answers)
        long second = m.dateSeconds() * 1000;
        long sentMillis = number(m.metadata().get(Payloads.SENT_MILLIS))
                .filter(ms -> ms / 1000 == m.dateSeconds())
                .orElse(Math.min(Math.max(now, second), second + 999));
        long seq = number(m.metadata().get(Payloads.SEQUENCE)).orElse(0L);
        return new Message(
                peer,
                m.id(),
                outgoing,
                sender.id().shortId(),
                m.datatype(),
                m.text(),
                sentMillis,
                seq,
                now,
                status,
                0,
                false);
    }

    /** jamid's acknowledgement: same id, no text, sealed for the sender, at our own inbox. */
    private void acknowledge(PeerDevice sender, long id) {
        PublicKey to = sender.certificate().getPublicKey();
        Value ack = dht.seal(
                Value.of(
                        0,
                        ImMessage.TYPE,
                        ImMessage.acknowledgement(id, scheduler.now() / 1000).encode()),
                to);
        dht.put(OnlineAccount.inboxOf(myDevice), ack, false).whenComplete((r, e) -> {
            if (e != null) {
                LOG.debug("acknowledgement of {} failed: {}", hex(id), e.toString());
            }
        });
    }

    // ---------------------------------------------------------------- helpers

    private Optional<Message> newestIncoming(AccountId peer) {
        Optional<Message> before = Optional.empty();
        for (int page = 0; page < 100; page++) {
            List<Message> messages = store.history(peer, before, 50);
            for (int i = messages.size() - 1; i >= 0; i--) {
                if (!messages.get(i).outgoing()) {
                    return Optional.of(messages.get(i));
                }
            }
            if (messages.size() < 50) {
                break;
            }
            before = Optional.of(messages.get(0));
        }
        return Optional.empty();
    }

    private void requireContact(AccountId peer) {
        Optional<Contact> c = account.contact(peer);
        if (c.isEmpty() || !c.get().isActive()) {
            throw new IllegalArgumentException(
                    peer + " is not a contact" + (c.isPresent() && c.get().banned() ? " (blocked)" : ""));
        }
    }

    private long newId() {
        return random.nextLong(1, MAX_ID + 1);
    }

    private void refuse(String category, String details) {
        count(category);
        LOG.debug("refused ({}): {}", category, details);
        events.onRefused(category + ": " + details);
    }

    private synchronized void count(String category) {
        refusals.merge(category, 1L, Long::sum);
    }

    private static DeliveryKey key(PendingDelivery p) {
        return new DeliveryKey(p.messageId(), p.device());
    }

    private static Optional<AccountId> accountId(String hex) {
        try {
            return Optional.of(AccountId.parse(hex));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> unsignedHex(String hex) {
        try {
            return Optional.of(Long.parseUnsignedLong(hex, 16));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> number(String s) {
        try {
            return s == null ? Optional.empty() : Optional.of(Long.parseLong(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String hex(long id) {
        return Long.toUnsignedString(id, 16);
    }
}
