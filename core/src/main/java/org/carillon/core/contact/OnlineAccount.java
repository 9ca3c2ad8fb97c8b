package org.carillon.core.contact;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.DeviceAnnouncement;
import org.carillon.core.account.DeviceId;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.PublicKeys;
import org.carillon.dht.secure.SecureDht;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An account online on the DHT, as a jamid 13.7 device is (§2, §5, §11): it announces its
 * device, takes trust requests and confirmations from its inbox, sends its own to every device
 * of a peer, follows its contacts' presence and keeps its other devices in step.
 *
 * <p>Every value addressed to us is checked before it counts: it must decrypt (SecureDht), be
 * a well-formed {@code cx.ring} request with a vCard of at most {@link TrustRequest#MAX_VCARD}
 * bytes, come from a device whose published certificate chain leads to an account that did not
 * revoke it, not be a value already handled (replay), and not exceed {@link
 * #MAX_MESSAGES_PER_SENDER_PER_HOUR} from one device. Each refusal is counted and reported to
 * {@link AccountEvents#onRefused}; requests from blocked accounts are dropped without a word.
 *
 * <p>Nothing here waits on the network: operations return futures, so the same code runs on a
 * real node and on a simulated one in virtual time.
 */
public final class OnlineAccount implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OnlineAccount.class);

    /** Type 4, "Certificate trust request" (7 days). */
    static final int TRUST_REQUEST_TYPE = 4;

    /** Beyond this many messages in an hour, a device's further requests are refused. */
    public static final int MAX_MESSAGES_PER_SENDER_PER_HOUR = 20;

    private static final long HOUR_MILLIS = 3_600_000;

    private final AccountKeys keys;
    private final AccountId self;
    private final SecureDht dht;
    private final AccountState state;
    private final AccountEvents events;
    private final LongSupplier nowMillis;
    private final RandomGenerator random;
    private final DeviceDirectory directory;

    private final List<ListenHandle> listens = new ArrayList<>();
    private final Set<AccountId> following = new HashSet<>();
    private final Map<AccountId, ListenHandle> presenceListens = new HashMap<>();
    /** Per contact: the value id of each live announcement → the device it announces. */
    private final Map<AccountId, Map<Long, DeviceId>> online = new HashMap<>();
    /** Our other devices, by SHA-1 id, from the announcements at our own account id. */
    private final Map<InfoHash, DeviceAnnouncement> ownDevices = new LinkedHashMap<>();

    private final Map<InfoHash, Deque<Long>> recentBySender = new HashMap<>();
    private final Map<Long, CompletableFuture<Void>> inFlight = new HashMap<>();
    private long refused;
    private long announcementId;
    private boolean closed;

    public OnlineAccount(
            AccountKeys keys,
            SecureDht dht,
            AccountState state,
            AccountEvents events,
            LongSupplier nowMillis,
            RandomGenerator random) {
        this.keys = keys;
        this.self = keys.accountId();
        this.dht = dht;
        this.state = state;
        this.events = events;
        this.nowMillis = nowMillis;
        this.random = random;
        this.directory = new DeviceDirectory(dht);
    }

    /** The DHT key of a device's inbox: SHA-1 of {@code "inbox:" + its SHA-1 id in hex} (§5). */
    public static InfoHash inbox(InfoHash device) {
        return InfoHash.sha1(("inbox:" + device).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Announces this device (certificate chain and a permanent signed announcement at the
     * account id), then listens to its inbox, to the account id (our other devices) and to every
     * active contact's account id (presence). The future completes when the announcement is
     * stored.
     */
    public CompletableFuture<Void> start() {
        CompletableFuture<Void> certificate = dht.publishCertificate();
        Value announcement = DeviceAnnouncement.of(keys).toValue(keys);
        synchronized (this) {
            announcementId = announcement.id();
            listens.add(dht.listen(inbox(keys.deviceId().shortId()), Query.ALL, (values, expired) -> {
                if (!expired) {
                    values.forEach(this::onInboxValue);
                }
            }));
            listens.add(dht.listen(self.hash(), Query.ALL, this::onOwnAccountValues));
            for (Contact c : state.contacts()) {
                if (c.isActive() && !c.banned()) {
                    followPresence(c.id());
                }
            }
        }
        CompletableFuture<Long> announced = dht.put(self.hash(), announcement, true);
        return CompletableFuture.allOf(certificate, announced);
    }

    // ------------------------------------------------------------------ what the user does

    /**
     * Asks {@code to} to become a contact: an encrypted type-4 request with our vCard to every
     * one of its devices. The contact is kept (unconfirmed) even when no device answers, so a
     * later attempt can succeed; the future fails when the account has no device on the DHT.
     */
    public CompletableFuture<Void> sendTrustRequest(AccountId to, byte[] vcard) {
        if (to.equals(self)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot ask oneself"));
        }
        if (vcard.length > TrustRequest.MAX_VCARD) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "vCard of " + vcard.length + " bytes: at most " + TrustRequest.MAX_VCARD));
        }
        Contact contact;
        synchronized (this) {
            Optional<Contact> known = state.contact(to);
            String conversation =
                    known.map(Contact::conversationId).filter(s -> !s.isEmpty()).orElseGet(this::newConversationId);
            boolean confirmed = known.map(c -> c.isActive() && c.confirmed()).orElse(false);
            contact = new Contact(
                    to, nowSeconds(), known.map(Contact::removedSeconds).orElse(0L), confirmed, false, conversation);
            state.saveContact(contact);
            followPresence(to);
        }
        events.onContactAdded(contact);
        pushSync();
        return sendToDevices(to, TrustRequestMessage.request(contact.conversationId(), vcard));
    }

    /** Accepts the pending request from {@code from}: a confirmed contact, told on every one of its devices. */
    public CompletableFuture<Void> accept(AccountId from) {
        Contact contact;
        synchronized (this) {
            Optional<TrustRequest> pending = state.request(from);
            if (pending.isEmpty()) {
                return CompletableFuture.failedFuture(
                        new IllegalArgumentException("no pending trust request from " + from));
            }
            TrustRequest request = pending.get();
            contact = new Contact(from, nowSeconds(), 0, true, false, request.conversationId());
            state.saveContact(contact);
            state.removeRequest(from);
            followPresence(from);
        }
        events.onContactAdded(contact);
        events.onContactConfirmed(contact);
        pushSync();
        return sendToDevices(from, TrustRequestMessage.confirmation(contact.conversationId()));
    }

    /** Drops the pending request from {@code from}; the sender is not told (as Jami). */
    public CompletableFuture<Void> decline(AccountId from) {
        synchronized (this) {
            if (state.request(from).isEmpty()) {
                return CompletableFuture.failedFuture(
                        new IllegalArgumentException("no pending trust request from " + from));
            }
            state.removeRequest(from);
        }
        return pushSync();
    }

    /** Blocks {@code id}: removed as a contact, its pending request dropped, its future requests ignored. */
    public CompletableFuture<Void> block(AccountId id) {
        synchronized (this) {
            Contact old = state.contact(id).orElse(new Contact(id, 0, 0, false, false, ""));
            state.saveContact(new Contact(id, old.addedSeconds(), nowSeconds(), false, true, old.conversationId()));
            state.removeRequest(id);
            unfollowPresence(id);
        }
        events.onContactRemoved(id);
        return pushSync();
    }

    public CompletableFuture<Void> unblock(AccountId id) {
        synchronized (this) {
            Optional<Contact> blocked = state.contact(id).filter(Contact::banned);
            if (blocked.isEmpty()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException(id + " is not blocked"));
            }
            Contact old = blocked.get();
            state.saveContact(
                    new Contact(id, old.addedSeconds(), old.removedSeconds(), false, false, old.conversationId()));
        }
        return pushSync();
    }

    public CompletableFuture<Void> removeContact(AccountId id) {
        synchronized (this) {
            Optional<Contact> active = state.contact(id).filter(Contact::isActive);
            if (active.isEmpty()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException(id + " is not a contact"));
            }
            Contact old = active.get();
            state.saveContact(new Contact(id, old.addedSeconds(), nowSeconds(), false, false, old.conversationId()));
            unfollowPresence(id);
        }
        events.onContactRemoved(id);
        return pushSync();
    }

    public synchronized List<Contact> contacts() {
        return state.contacts();
    }

    public synchronized List<TrustRequest> requests() {
        return state.requests();
    }

    /** The devices of each contact whose announcement is live now. */
    public synchronized Map<AccountId, Set<DeviceId>> presence() {
        Map<AccountId, Set<DeviceId>> result = new LinkedHashMap<>();
        online.forEach((id, devices) -> result.put(id, Set.copyOf(devices.values())));
        return result;
    }

    /** Our other devices seen announced at our account id. */
    public synchronized List<InfoHash> otherDevices() {
        return List.copyOf(ownDevices.keySet());
    }

    public DeviceDirectory directory() {
        return directory;
    }

    /** Values addressed to us that were refused so far. */
    public synchronized long refused() {
        return refused;
    }

    /** Stops listening and refreshing the announcement, which then expires: this device goes offline. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        listens.forEach(ListenHandle::close);
        presenceListens.values().forEach(ListenHandle::close);
        if (announcementId != 0) {
            dht.cancelPut(self.hash(), announcementId);
        }
    }

    // ------------------------------------------------------------------ sending

    private CompletableFuture<Void> sendToDevices(AccountId to, TrustRequestMessage message) {
        byte[] data = message.encode();
        return directory.devicesOf(to).thenCompose(devices -> {
            if (devices.isEmpty()) {
                throw new CompletionException(
                        new IllegalStateException("no device of account " + to + " found on the DHT"));
            }
            List<CompletableFuture<Long>> puts = new ArrayList<>();
            for (PeerDevice d : devices) {
                InfoHash device = d.id().shortId();
                puts.add(dht.putEncrypted(inbox(device), device, Value.of(0, TRUST_REQUEST_TYPE, data), false));
            }
            return CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new));
        });
    }

    /** Tells our other devices what we know now (contacts and pending requests). */
    private CompletableFuture<Void> pushSync() {
        List<InfoHash> others;
        byte[] data;
        synchronized (this) {
            InfoHash me = keys.deviceId().shortId();
            others = ownDevices.keySet().stream().filter(d -> !d.equals(me)).toList();
            if (others.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            Map<AccountId, Contact> peers = new LinkedHashMap<>();
            state.contacts().forEach(c -> peers.put(c.id(), c));
            Map<AccountId, TrustRequest> requests = new LinkedHashMap<>();
            state.requests().forEach(r -> requests.put(r.from(), r));
            data = new DeviceSync(nowMillis.getAsLong(), "", peers, requests).encode();
        }
        List<CompletableFuture<Long>> puts = new ArrayList<>();
        for (InfoHash other : others) {
            puts.add(dht.putEncrypted(inbox(other), other, Value.of(0, 0, data), false));
        }
        return CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).exceptionally(e -> {
            LOG.warn(
                    "account {}: could not sync the other devices: {}",
                    self,
                    rootCause(e).getMessage());
            return null;
        });
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Fetches what waits in our inbox now and handles it; completes once every value there was
     * taken or refused. The listen hears of later arrivals by itself.
     */
    public CompletableFuture<Void> checkInbox() {
        return dht.get(inbox(keys.deviceId().shortId()))
                .thenCompose(values -> CompletableFuture.allOf(
                        values.stream().map(this::onInboxValue).toArray(CompletableFuture[]::new)));
    }

    /**
     * Handles one value from our inbox; the future completes when it was taken or refused. The
     * listen and {@link #checkInbox} may both bring it: the second waits for the first.
     */
    private CompletableFuture<Void> onInboxValue(Value value) {
        if (!value.isSigned() || value.recipient() == null) {
            return CompletableFuture.completedFuture(null); // SecureDht decrypted it for us, or it is not ours
        }
        CompletableFuture<Void> finished = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> running = inFlight.putIfAbsent(value.id(), finished);
            if (running != null) {
                return running;
            }
        }
        handle(value).whenComplete((r, e) -> {
            synchronized (this) {
                inFlight.remove(value.id());
            }
            if (e != null) {
                LOG.warn("account {}: failed on value {}", self, Long.toUnsignedString(value.id(), 16), e);
            }
            finished.complete(null);
        });
        return finished;
    }

    private CompletableFuture<Void> handle(Value value) {
        CompletableFuture<Void> handled = CompletableFuture.completedFuture(null);
        PublicKey sender;
        try {
            sender = PublicKeys.fromDer(value.owner());
        } catch (GeneralSecurityException e) {
            refuse(value, "the sender's key does not parse");
            return handled;
        }
        InfoHash senderDevice = PublicKeys.id(sender);
        if (value.type() == 0) {
            return directory.senderOf(sender).handle((device, error) -> {
                if (error != null) {
                    refuse(value, rootCause(error).getMessage());
                } else {
                    onSync(value, device);
                }
                return null;
            });
        }
        if (value.type() != TRUST_REQUEST_TYPE) {
            return handled;
        }
        TrustRequestMessage message;
        try {
            message = TrustRequestMessage.decode(value.data());
        } catch (IllegalArgumentException e) {
            refuse(value, "from device " + senderDevice + ": " + e.getMessage());
            return handled;
        }
        if (!TrustRequestMessage.JAMI_SERVICE.equals(message.service())) {
            refuse(value, "from device " + senderDevice + ": service '" + message.service() + "' is not cx.ring");
            return handled;
        }
        if (message.payload().length > TrustRequest.MAX_VCARD) {
            refuse(
                    value,
                    "from device " + senderDevice + ": vCard of " + message.payload().length + " bytes is over "
                            + TrustRequest.MAX_VCARD);
            return handled;
        }
        if (!withinRate(senderDevice)) {
            refuse(
                    value,
                    "from device " + senderDevice + ": more than " + MAX_MESSAGES_PER_SENDER_PER_HOUR
                            + " messages in an hour");
            return handled;
        }
        return directory.senderOf(sender).handle((device, error) -> {
            if (error != null) {
                refuse(value, rootCause(error).getMessage());
            } else {
                onTrustMessage(value, device, message);
            }
            return null;
        });
    }

    private void onTrustMessage(Value value, PeerDevice from, TrustRequestMessage message) {
        Runnable after = () -> {};
        synchronized (this) {
            if (from.account().equals(self)) {
                return; // our own devices sync through DeviceSync, not requests
            }
            if (!state.markHandled(value.id())) {
                refuse(
                        value,
                        "from " + from.account() + ": value " + Long.toUnsignedString(value.id(), 16)
                                + " was handled before (replayed)");
                return;
            }
            Optional<Contact> known = state.contact(from.account());
            if (known.isPresent() && known.get().banned()) {
                refused++;
                LOG.debug("account {}: dropped a request from blocked {}", self, from.account());
                return;
            }
            if (message.confirm()) {
                if (known.isPresent() && known.get().isActive() && !known.get().confirmed()) {
                    Contact c = confirmed(known.get(), message.conversationId());
                    state.saveContact(c);
                    after = () -> {
                        events.onContactConfirmed(c);
                        pushSync();
                    };
                }
            } else if (known.isPresent() && known.get().isActive()) {
                // they asked us as we asked them, or asked again: a contact either way; say yes
                Contact c = confirmed(known.get(), known.get().conversationId());
                boolean changed = !known.get().confirmed();
                state.saveContact(c);
                after = () -> {
                    if (changed) {
                        events.onContactConfirmed(c);
                        pushSync();
                    }
                    sendToDevices(from.account(), TrustRequestMessage.confirmation(c.conversationId()));
                };
            } else {
                boolean isNew = state.request(from.account()).isEmpty();
                TrustRequest request = new TrustRequest(
                        from.account(), from.id().shortId(), message.conversationId(), message.payload(), nowSeconds());
                state.saveRequest(request);
                if (isNew) {
                    after = () -> {
                        events.onTrustRequest(request);
                        pushSync();
                    };
                }
            }
        }
        after.run();
    }

    private Contact confirmed(Contact c, String conversationId) {
        String conversation = c.conversationId().isEmpty() ? conversationId : c.conversationId();
        return new Contact(c.id(), c.addedSeconds(), c.removedSeconds(), true, false, conversation);
    }

    /** Another device of ours says what it knows: merge, newest change winning per contact. */
    private void onSync(Value value, PeerDevice from) {
        DeviceSync sync;
        try {
            sync = DeviceSync.decode(value.data());
        } catch (IllegalArgumentException e) {
            refuse(value, "from our device " + from.id() + ": " + e.getMessage());
            return;
        }
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            if (!from.account().equals(self)) {
                refuse(value, "a device sync from " + from.account() + ", not one of our devices");
                return;
            }
            if (!state.markHandled(value.id())) {
                return;
            }
            for (Contact theirs : sync.peers().values()) {
                Optional<Contact> mine = state.contact(theirs.id());
                if (mine.isPresent() && !newer(theirs, mine.get())) {
                    continue;
                }
                state.saveContact(theirs);
                if (theirs.isActive() && !theirs.banned()) {
                    followPresence(theirs.id());
                    state.removeRequest(theirs.id());
                    after.add(() -> events.onContactAdded(theirs));
                    if (theirs.confirmed()) {
                        after.add(() -> events.onContactConfirmed(theirs));
                    }
                } else {
                    unfollowPresence(theirs.id());
                    state.removeRequest(theirs.id());
                    after.add(() -> events.onContactRemoved(theirs.id()));
                }
            }
            for (TrustRequest r : sync.requests().values()) {
                Optional<Contact> c = state.contact(r.from());
                boolean settled =
                        c.isPresent() && (c.get().isActive() || c.get().banned());
                if (!settled && state.request(r.from()).isEmpty()) {
                    state.saveRequest(r);
                    after.add(() -> events.onTrustRequest(r));
                }
            }
        }
        after.forEach(Runnable::run);
    }

    /** Whether {@code a} records a later change than {@code b} (Jami's Contact::update). */
    private static boolean newer(Contact a, Contact b) {
        long ta = Math.max(a.addedSeconds(), a.removedSeconds());
        long tb = Math.max(b.addedSeconds(), b.removedSeconds());
        return ta > tb
                || (ta == tb
                        && (a.confirmed() && !b.confirmed() || a.banned() != b.banned() && a.removedSeconds() >= tb));
    }

    private void onOwnAccountValues(List<Value> values, boolean expired) {
        synchronized (this) {
            for (Value v : values) {
                Optional<DeviceAnnouncement> a = DeviceAnnouncement.from(v, self);
                if (a.isEmpty()) {
                    continue;
                }
                if (expired) {
                    ownDevices.remove(a.get().device());
                } else {
                    ownDevices.put(a.get().device(), a.get());
                }
            }
        }
    }

    // ------------------------------------------------------------------ presence

    private void followPresence(AccountId contact) {
        if (closed || !following.add(contact)) {
            return;
        }
        // followed before listening: a node may hand over what it stores during listen() itself
        presenceListens.put(
                contact,
                dht.listen(contact.hash(), Query.ALL, (values, expired) -> onPresence(contact, values, expired)));
    }

    private void unfollowPresence(AccountId contact) {
        following.remove(contact);
        ListenHandle h = presenceListens.remove(contact);
        if (h != null) {
            h.close();
        }
        online.remove(contact);
    }

    private void onPresence(AccountId contact, Collection<Value> values, boolean expired) {
        List<Runnable> after = new ArrayList<>();
        synchronized (this) {
            if (!following.contains(contact)) {
                return;
            }
            Map<Long, DeviceId> live = online.computeIfAbsent(contact, c -> new HashMap<>());
            for (Value v : values) {
                Optional<DeviceAnnouncement> a = DeviceAnnouncement.from(v, contact);
                if (a.isEmpty()) {
                    continue;
                }
                DeviceId device = DeviceId.of(a.get().deviceKey());
                boolean wasOnline = live.containsValue(device);
                if (expired) {
                    live.remove(v.id());
                } else {
                    live.put(v.id(), device);
                }
                boolean isOnline = live.containsValue(device);
                if (wasOnline != isOnline) {
                    after.add(() -> events.onPresence(contact, device, isOnline));
                }
            }
        }
        after.forEach(Runnable::run);
    }

    // ------------------------------------------------------------------ bookkeeping

    private synchronized boolean withinRate(InfoHash sender) {
        long now = nowMillis.getAsLong();
        Deque<Long> recent = recentBySender.computeIfAbsent(sender, s -> new ArrayDeque<>());
        while (!recent.isEmpty() && recent.peekFirst() <= now - HOUR_MILLIS) {
            recent.pollFirst();
        }
        if (recent.size() >= MAX_MESSAGES_PER_SENDER_PER_HOUR) {
            return false;
        }
        recent.addLast(now);
        return true;
    }

    private void refuse(Value value, String reason) {
        synchronized (this) {
            refused++;
        }
        LOG.info("account {}: refused value {}: {}", self, Long.toUnsignedString(value.id(), 16), reason);
        events.onRefused(reason);
    }

    private long nowSeconds() {
        return nowMillis.getAsLong() / 1000;
    }

    private String newConversationId() {
        byte[] b = new byte[20];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static Throwable rootCause(Throwable e) {
        while ((e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
