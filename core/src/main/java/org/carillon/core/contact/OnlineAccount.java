package org.carillon.core.contact;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
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
import org.carillon.dht.crypto.CertificateValues;
import org.carillon.dht.crypto.PublicKeys;
import org.carillon.dht.secure.SecureDht;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One device of an account on the DHT, as jamid's account manager runs it (§2, §5, §11):
 * announces the device, receives trust requests and confirms at {@code inbox:<device SHA-1>},
 * sends them to every device of a peer, tracks the presence of contacts, and keeps the
 * account's devices in step with 13.7's DeviceSync. Nothing here blocks: every operation returns
 * a future, and all work happens in DHT callbacks. Everything received is checked (the signing
 * device's chain must lead to an account, which is the sender) and anything refused is counted
 * and reported through {@link AccountEvents#onRefused}, never as a request.
 */
public final class OnlineAccount implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OnlineAccount.class);

    /** Trust requests and confirms handled per sending device and hour; the rest are refused. */
    public static final int MAX_MESSAGES_PER_SENDER_PER_HOUR = 10;

    /** A request is sent again when the peer comes online, unless it was sent less than this ago. */
    static final long RESEND_AFTER_MS = 60_000L;

    static final int TRUST_REQUEST_TYPE = 4;
    static final int DEVICE_SYNC_TYPE = 0;
    private static final int MAX_SEEN = 8192;

    private final AccountKeys keys;
    private final SecureDht dht;
    private final AccountState state;
    private final Broadcast events = new Broadcast();
    private final Map<Integer, Function<Value, CompletableFuture<Void>>> inboxHandlers = new HashMap<>();
    private final LongSupplier nowMillis;
    private final RandomGenerator random;
    private final DeviceDirectory directory;
    private final ContactList contactList;
    private final SenderRateLimit rateLimit = new SenderRateLimit(MAX_MESSAGES_PER_SENDER_PER_HOUR, 3_600_000L);
    private final AccountId accountId;
    private final DeviceId deviceId;

    private final Map<String, Long> refusals = new TreeMap<>();
    private final Map<AccountId, Presence> presence = new HashMap<>();
    private final Map<InfoHash, PeerDevice> ownDevices = new LinkedHashMap<>();
    private final Map<InfoHash, Long> lastSyncDate = new HashMap<>();
    private final Map<AccountId, byte[]> sentVcards = new HashMap<>();
    private final Map<AccountId, Long> lastSent = new HashMap<>();
    private final Set<Long> seen = java.util.Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > MAX_SEEN;
        }
    });
    private final List<ListenHandle> listens = new ArrayList<>();
    private final Map<Long, CompletableFuture<Void>> inFlight = new HashMap<>();
    private long announcementId;
    private long lastSentSyncDate;
    private boolean started;
    private boolean closed;

    /** A contact's devices whose announcements are live: device short id → live value ids. */
    private static final class Presence {
        ListenHandle listen;
        final Map<InfoHash, Set<Long>> live = new HashMap<>();
        final Map<InfoHash, DeviceId> ids = new HashMap<>();

        void stop() {
            if (listen != null) {
                quietly(listen::close);
            }
        }
    }

    public OnlineAccount(
            AccountKeys keys,
            SecureDht dht,
            AccountState state,
            AccountEvents events,
            LongSupplier nowMillis,
            RandomGenerator random) {
        if (!dht.identity().id().equals(keys.deviceId().shortId())) {
            throw new IllegalArgumentException("the SecureDht must run with this device's identity");
        }
        this.keys = keys;
        this.dht = dht;
        this.state = state;
        if (events != null) {
            this.events.listeners.add(events);
        }
        this.nowMillis = nowMillis;
        this.random = random;
        this.directory = new DeviceDirectory(dht, nowMillis);
        this.contactList = new ContactList(state, this.events);
        this.accountId = keys.accountId();
        this.deviceId = keys.deviceId();
    }

    /** The DHT key of a device's inbox: SHA-1 of {@code "inbox:" + device SHA-1 hex} (§5). */
    public static InfoHash inboxOf(InfoHash deviceShortId) {
        return InfoHash.sha1(("inbox:" + deviceShortId).getBytes(StandardCharsets.UTF_8));
    }

    public AccountId accountId() {
        return accountId;
    }

    public DeviceId deviceId() {
        return deviceId;
    }

    public DeviceDirectory directory() {
        return directory;
    }

    /** Tells {@code listener} too what happens to this account, from now on. */
    public void subscribe(AccountEvents listener) {
        events.listeners.add(listener);
    }

    /**
     * Hands the values of {@code type} arriving at our inbox to {@code handler} (already
     * decrypted and verified by the SecureDht), instead of refusing them; {@link #checkInbox}
     * waits for the futures it returns. Set before {@link #start}.
     */
    public synchronized void handleInbox(int type, Function<Value, CompletableFuture<Void>> handler) {
        if (type == TRUST_REQUEST_TYPE || type == DEVICE_SYNC_TYPE || started) {
            throw new IllegalStateException("type " + type + " is handled here, or the account runs already");
        }
        inboxHandlers.put(type, handler);
    }

    /** The contact with this id, if we know it (active, removed or blocked). */
    public synchronized Optional<Contact> contact(AccountId id) {
        return state.contact(id);
    }

    /**
     * Publishes the device certificate chain and the signed device announcement (permanent
     * puts), and starts listening: at our inbox, at our account id (our devices, CRLs) and at
     * every active contact's account id (presence). Completes when both publications were
     * acknowledged.
     */
    public synchronized CompletableFuture<Void> start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        CompletableFuture<Void> certificate = dht.publishCertificate();
        Value announcement = DeviceAnnouncement.of(keys).toValue(keys);
        announcementId = announcement.id();
        CompletableFuture<Long> announced = dht.put(accountId.hash(), announcement, true);
        listens.add(dht.listen(inboxOf(deviceId.shortId()), Query.ALL, (values, expired) -> {
            if (!expired) {
                values.forEach(this::onInboxValue);
            }
        }));
        listens.add(dht.listen(accountId.hash(), Query.ALL, this::onOwnAccountValues));
        directory.watching(accountId, true);
        reconcilePresence();
        return CompletableFuture.allOf(certificate, announced);
    }

    // ---------------------------------------------------------------- operations

    /**
     * Sends a trust request with {@code vcard} to every device of {@code to}; the contact is
     * saved as added, unconfirmed. Completes with the number of devices the request was put to
     * (0 when none was found: it is sent again when one of its devices comes online).
     */
    public CompletableFuture<Integer> sendTrustRequest(AccountId to, byte[] vcard) {
        if (to == null || vcard == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no account id or vCard"));
        }
        if (vcard.length > TrustRequest.MAX_VCARD) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(
                    "vCard of " + vcard.length + " bytes is over " + TrustRequest.MAX_VCARD));
        }
        if (to.equals(accountId)) {
            return CompletableFuture.failedFuture(
                    new IllegalArgumentException("cannot send a trust request to oneself"));
        }
        String conversation;
        synchronized (this) {
            conversation = state.contact(to)
                    .filter(c -> c.isActive() && !c.conversationId().isEmpty())
                    .map(Contact::conversationId)
                    .orElseGet(this::newConversationId);
            sentVcards.put(to, vcard.clone());
            lastSent.put(to, nowMillis.getAsLong());
            if (contactList.addContact(to, false, conversation, nowSeconds()).isPresent()) {
                pushSync();
            }
            reconcilePresence();
        }
        return putToDevices(to, TrustRequestMessage.request(conversation, vcard, nowMillis.getAsLong()));
    }

    /** Accepts the pending request from {@code from}: confirms to every device of the sender. Completes with the devices reached. */
    public CompletableFuture<Integer> accept(AccountId from) {
        String conversation;
        synchronized (this) {
            Optional<String> accepted = contactList.accept(from, nowSeconds());
            if (accepted.isEmpty()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("no trust request from " + from));
            }
            conversation = accepted.get();
            pushSync();
            reconcilePresence();
        }
        return putToDevices(from, TrustRequestMessage.confirmation(conversation));
    }

    /** Drops the pending request from {@code from} without answering (as Jami, not carried by sync). */
    public synchronized CompletableFuture<Void> decline(AccountId from) {
        if (!contactList.discard(from)) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("no trust request from " + from));
        }
        pushSync();
        return CompletableFuture.completedFuture(null);
    }

    /** Blocks {@code id}: removed and banned; its requests are dropped from now on. */
    public synchronized CompletableFuture<Void> block(AccountId id) {
        if (contactList.removeContact(id, true, nowSeconds())) {
            pushSync();
            reconcilePresence();
        }
        return CompletableFuture.completedFuture(null);
    }

    public synchronized CompletableFuture<Void> unblock(AccountId id) {
        if (!contactList.unblock(id, nowSeconds())) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(id + " is not blocked"));
        }
        pushSync();
        return CompletableFuture.completedFuture(null);
    }

    public synchronized CompletableFuture<Void> removeContact(AccountId id) {
        Optional<Contact> c = state.contact(id);
        if (c.isEmpty() || !c.get().isActive()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(id + " is not a contact"));
        }
        contactList.removeContact(id, false, nowSeconds());
        sentVcards.remove(id);
        pushSync();
        reconcilePresence();
        return CompletableFuture.completedFuture(null);
    }

    /** Contacts as Jami lists them: active ones and blocked ones. */
    public synchronized List<Contact> contacts() {
        return contactList.listed();
    }

    public synchronized List<TrustRequest> requests() {
        return state.requests();
    }

    /** Every tracked contact (the active ones) with the devices seen online now (empty when offline). */
    public synchronized Map<AccountId, Set<DeviceId>> presence() {
        Map<AccountId, Set<DeviceId>> out = new LinkedHashMap<>();
        presence.forEach((account, p) -> {
            Set<DeviceId> online = new HashSet<>();
            p.live.forEach((dev, ids) -> {
                if (!ids.isEmpty()) {
                    online.add(p.ids.get(dev));
                }
            });
            out.put(account, Set.copyOf(online));
        });
        return out;
    }

    /** The other devices of our account found so far (chains checked, not revoked). */
    public synchronized List<PeerDevice> ownDevices() {
        return List.copyOf(ownDevices.values());
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
        presence.values().forEach(Presence::stop);
        presence.clear();
        listens.forEach(l -> quietly(l::close));
        listens.clear();
        if (started) {
            quietly(() -> dht.cancelPut(accountId.hash(), announcementId));
            quietly(() -> dht.cancelPut(deviceId.shortId(), CertificateValues.VALUE_ID));
            quietly(() ->
                    dht.cancelPut(PublicKeys.longIdKey(keys.device().key().getPublic()), CertificateValues.VALUE_ID));
        }
    }

    // ---------------------------------------------------------------- sending

    private CompletableFuture<Integer> putToDevices(AccountId to, TrustRequestMessage message) {
        byte[] data = message.encode();
        return directory.devicesOf(to).thenCompose(devices -> {
            AtomicInteger reached = new AtomicInteger();
            List<CompletableFuture<?>> puts = new ArrayList<>();
            for (PeerDevice d : devices) {
                InfoHash device = d.id().shortId();
                puts.add(dht.putEncrypted(inboxOf(device), device, Value.of(0, TRUST_REQUEST_TYPE, data), false)
                        .handle((id, e) -> {
                            if (e == null) {
                                reached.incrementAndGet();
                            } else {
                                LOG.debug("trust request to {} device {} failed: {}", to, device, e.toString());
                            }
                            return null;
                        }));
            }
            return CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new))
                    .thenApply(v -> reached.get());
        });
    }

    /** Tells our other devices our contacts and requests (13.7 DeviceSync at their inboxes). */
    private void pushSync() {
        if (ownDevices.isEmpty() || closed) {
            return;
        }
        byte[] data = syncMessage().encode();
        for (PeerDevice d : ownDevices.values()) {
            pushSyncTo(d, data);
        }
    }

    private void pushSyncTo(PeerDevice d, byte[] data) {
        InfoHash device = d.id().shortId();
        dht.putEncrypted(inboxOf(device), device, Value.of(0, DEVICE_SYNC_TYPE, data), false)
                .whenComplete((id, e) -> {
                    if (e != null) {
                        LOG.debug("device sync to {} failed: {}", device, e.toString());
                    }
                });
    }

    private DeviceSyncMessage syncMessage() {
        long date = Math.max(nowMillis.getAsLong() * 1_000_000L, lastSentSyncDate + 1);
        lastSentSyncDate = date;
        List<DeviceSyncMessage.KnownDevice> devices = new ArrayList<>();
        devices.add(known(deviceId));
        ownDevices.values().forEach(d -> devices.add(known(d.id())));
        List<DeviceSyncMessage.SyncedRequest> requests = new ArrayList<>();
        for (TrustRequest r : state.requests()) {
            if (requests.size() == DeviceSyncMessage.MAX_REQUESTS) {
                break;
            }
            byte[] key = directory
                    .cachedChain(r.fromDevice())
                    .map(chain -> chain.get(0).getPublicKey().getEncoded())
                    .orElse(null);
            requests.add(new DeviceSyncMessage.SyncedRequest(r.from(), key, r.conversationId(), r.receivedSeconds()));
        }
        return new DeviceSyncMessage(date, "", devices, state.contacts(), requests);
    }

    private static DeviceSyncMessage.KnownDevice known(DeviceId id) {
        return new DeviceSyncMessage.KnownDevice(HexFormat.of().parseHex(id.longId()), "", id.shortId());
    }

    // ---------------------------------------------------------------- receiving

    /**
     * Reads what waits in our inbox now and handles it; completes once every value there was
     * taken or refused (the listen hears of later arrivals by itself). A command that is online
     * only briefly uses it to know it has seen everything.
     */
    public CompletableFuture<Void> checkInbox() {
        return dht.get(inboxOf(deviceId.shortId()))
                .thenCompose(values -> CompletableFuture.allOf(
                        values.stream().map(this::onInboxValue).toArray(CompletableFuture[]::new)));
    }

    /**
     * Handles one value from our inbox; completes when it was taken or refused. The listen and
     * {@link #checkInbox} may both bring the same value: the second waits for the first.
     */
    private CompletableFuture<Void> onInboxValue(Value v) {
        CompletableFuture<Void> finished = new CompletableFuture<>();
        synchronized (this) {
            if (closed) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<Void> running = inFlight.putIfAbsent(v.id(), finished);
            if (running != null) {
                return running;
            }
        }
        handleInboxValue(v).whenComplete((r, e) -> {
            synchronized (this) {
                inFlight.remove(v.id());
            }
            finished.complete(null);
        });
        return finished;
    }

    private CompletableFuture<Void> handleInboxValue(Value v) {
        Function<Value, CompletableFuture<Void>> handler;
        synchronized (this) {
            handler = inboxHandlers.get(v.type());
        }
        if (handler != null) {
            return handler.apply(v);
        }
        if (!v.isSigned() || !deviceId.shortId().equals(v.recipient())) {
            refuse("not-encrypted", "value " + hex(v.id()) + " in our inbox was not encrypted to this device");
            return DONE;
        }
        InfoHash signer = v.ownerKeyId();
        long handledKey = handledKey(v);
        synchronized (this) {
            if (seen.contains(handledKey)) {
                refuse("replay", "value " + hex(v.id()) + " from device " + signer + " was handled before");
                return DONE;
            }
        }
        if (v.type() == TRUST_REQUEST_TYPE) {
            return onTrustValue(v, signer, handledKey);
        } else if (v.type() == DEVICE_SYNC_TYPE) {
            return onSyncValue(v, signer, handledKey);
        }
        refuse("unexpected-type", "value " + hex(v.id()) + " of type " + v.type() + " in our inbox");
        return DONE;
    }

    private CompletableFuture<Void> onTrustValue(Value v, InfoHash signer, long handledKey) {
        if (!rateLimit.allow(signer, nowMillis.getAsLong())) {
            refuse(
                    "rate-limited",
                    "device " + signer + " sent more than " + MAX_MESSAGES_PER_SENDER_PER_HOUR
                            + " trust requests this hour; value " + hex(v.id()) + " dropped");
            return DONE;
        }
        TrustRequestMessage message;
        try {
            message = TrustRequestMessage.decode(v.data());
        } catch (IllegalArgumentException e) {
            refuse("undecodable", "trust request " + hex(v.id()) + " from device " + signer + ": " + e.getMessage());
            return DONE;
        }
        if (!TrustRequestMessage.SERVICE.equals(message.service())) {
            refuse("wrong-service", "trust request " + hex(v.id()) + " for service '" + message.service() + "'");
            return DONE;
        }
        if (message.payload().length > TrustRequest.MAX_VCARD) {
            refuse(
                    "oversized-vcard",
                    "trust request " + hex(v.id()) + " from device " + signer + " carries a vCard of "
                            + message.payload().length + " bytes, over " + TrustRequest.MAX_VCARD);
            return DONE;
        }
        return directory.authenticate(signer).handle((verdict, failure) -> {
            if (failure != null) {
                refuse(
                        "unknown-device",
                        "trust request " + hex(v.id()) + ": no certificate chain for device " + signer + " ("
                                + rootMessage(failure) + ")");
                return null;
            }
            if (verdict.device().isEmpty()) {
                refuse(
                        "bad-chain",
                        "trust request " + hex(v.id()) + " signed by device " + signer + ": " + verdict.refusal());
                return null;
            }
            onAuthenticatedTrustValue(v, verdict.device().get(), message, handledKey);
            return null;
        });
    }

    private synchronized void onAuthenticatedTrustValue(
            Value v, PeerDevice sender, TrustRequestMessage message, long handledKey) {
        if (closed) {
            return;
        }
        AccountId from = sender.account();
        if (from.equals(accountId)) {
            refuse("own-account", "trust request " + hex(v.id()) + " from our own device " + sender.id());
            return;
        }
        if (!seen.add(handledKey) || !state.markHandled(handledKey)) {
            refuse("replay", "trust request " + hex(v.id()) + " from " + from + " was handled before");
            return;
        }
        ContactList.Outcome outcome = contactList.onTrustRequest(
                from,
                sender.id().shortId(),
                nowSeconds(),
                message.confirm(),
                message.conversationId(),
                message.payload());
        switch (outcome) {
            case BLOCKED:
                refuse("blocked", (message.confirm() ? "confirm" : "trust request") + " from blocked account " + from);
                break;
            case DUPLICATE:
                refuse("duplicate", "a trust request from " + from + " is already pending");
                break;
            case UNSOLICITED_CONFIRM:
                refuse("unsolicited-confirm", "confirm from " + from + ", to whom we sent no request");
                break;
            case NEW_REQUEST:
                pushSync();
                break;
            case CONFIRMED:
                sentVcards.remove(from);
                pushSync();
                break;
            case CONFIRM_BACK:
                // the contact asks again (or we asked each other): confirm as Jami does, with our conversation
                String conversation = state.contact(from)
                        .map(Contact::conversationId)
                        .filter(c -> !c.isEmpty())
                        .orElse(message.conversationId());
                pushSync();
                putToDevices(from, TrustRequestMessage.confirmation(conversation));
                break;
            default:
                break;
        }
        reconcilePresence();
    }

    private CompletableFuture<Void> onSyncValue(Value v, InfoHash signer, long handledKey) {
        boolean known;
        synchronized (this) {
            known = ownDevices.containsKey(signer);
        }
        if (!known && !rateLimit.allow(signer, nowMillis.getAsLong())) {
            refuse("rate-limited", "device " + signer + " sent too many values; " + hex(v.id()) + " dropped");
            return DONE;
        }
        DeviceSyncMessage sync;
        try {
            sync = DeviceSyncMessage.decode(v.data());
        } catch (IllegalArgumentException e) {
            refuse("undecodable", "device sync " + hex(v.id()) + " from device " + signer + ": " + e.getMessage());
            return DONE;
        }
        return directory.authenticate(signer).handle((verdict, failure) -> {
            if (failure != null) {
                refuse("unknown-device", "device sync " + hex(v.id()) + ": no certificate chain for device " + signer);
                return null;
            }
            if (verdict.device().isEmpty()) {
                refuse(
                        "bad-chain",
                        "device sync " + hex(v.id()) + " signed by device " + signer + ": " + verdict.refusal());
                return null;
            }
            onAuthenticatedSync(v, verdict.device().get(), sync, handledKey);
            return null;
        });
    }

    private synchronized void onAuthenticatedSync(Value v, PeerDevice sender, DeviceSyncMessage sync, long handledKey) {
        if (closed) {
            return;
        }
        if (!sender.account().equals(accountId)) {
            refuse(
                    "not-own-device",
                    "device sync " + hex(v.id()) + " from " + sender.id() + " of account " + sender.account()
                            + ", not ours");
            return;
        }
        if (!seen.add(handledKey) || !state.markHandled(handledKey)) {
            refuse("replay", "device sync " + hex(v.id()) + " from our device " + sender.id() + " was handled before");
            return;
        }
        InfoHash device = sender.id().shortId();
        long last = lastSyncDate.getOrDefault(device, Long.MIN_VALUE);
        if (sync.date() <= last) {
            refuse(
                    "outdated-sync",
                    "device sync " + hex(v.id()) + " from " + sender.id() + " is not newer than the last");
            return;
        }
        lastSyncDate.put(device, sync.date());
        foundOwnDevice(sender, false);
        for (Contact c : sync.peers()) {
            contactList.updateContact(c);
        }
        for (DeviceSyncMessage.SyncedRequest r : sync.trustRequests()) {
            if (r.from().equals(accountId)) {
                continue;
            }
            InfoHash from = r.deviceKey() == null ? InfoHash.ZERO : InfoHash.sha1(r.deviceKey());
            contactList.onTrustRequest(r.from(), from, r.receivedSeconds(), false, r.conversationId(), new byte[0]);
        }
        reconcilePresence();
        events.onSynced(sender.id());
    }

    private void onOwnAccountValues(List<Value> values, boolean expired) {
        if (expired) {
            return; // a device of ours going offline changes nothing: syncs still go to its inbox
        }
        boolean revocationSeen = false;
        for (Value v : values) {
            Optional<DeviceAnnouncement> a = DeviceAnnouncement.from(v, accountId);
            if (a.isPresent()) {
                if (!a.get().device().equals(deviceId.shortId())) {
                    directory
                            .deviceOf(accountId, a.get())
                            .thenAccept(d -> d.ifPresent(dev -> {
                                synchronized (this) {
                                    foundOwnDevice(dev, true);
                                }
                            }));
                }
            } else {
                directory.noteRevocation(accountId, v);
                revocationSeen = true;
            }
        }
        if (revocationSeen) {
            synchronized (this) {
                ownDevices.values().removeIf(d -> directory.isRevoked(accountId, d.chain()));
            }
        }
    }

    /** Called under the lock. A device newly found gets our state at once (it may be a fresh one). */
    private void foundOwnDevice(PeerDevice device, boolean pushState) {
        if (closed || device.id().shortId().equals(deviceId.shortId())) {
            return;
        }
        if (ownDevices.putIfAbsent(device.id().shortId(), device) == null) {
            events.onOwnDevice(device);
            if (pushState) {
                pushSyncTo(device, syncMessage().encode());
            }
        }
    }

    // ---------------------------------------------------------------- presence

    /** Listens at every active contact's account id, and stops listening at the others. Under the lock. */
    private void reconcilePresence() {
        if (closed || !started) {
            return;
        }
        Set<AccountId> wanted = new HashSet<>();
        for (Contact c : state.contacts()) {
            if (c.isActive()) {
                wanted.add(c.id());
            }
        }
        for (var it = presence.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.contains(e.getKey())) {
                e.getValue().stop();
                directory.watching(e.getKey(), false);
                it.remove();
            }
        }
        for (AccountId contact : wanted) {
            if (!presence.containsKey(contact)) {
                // the entry exists before the listen can call back (a node may deliver what it holds at once)
                Presence p = new Presence();
                presence.put(contact, p);
                directory.watching(contact, true);
                p.listen = dht.listen(contact.hash(), Query.ALL, (values, expired) -> {
                    onContactValues(contact, values, expired);
                });
            }
        }
    }

    private synchronized void onContactValues(AccountId contact, List<Value> values, boolean expired) {
        Presence p = presence.get(contact);
        if (p == null || closed) {
            return;
        }
        for (Value v : values) {
            Optional<DeviceAnnouncement> a = DeviceAnnouncement.from(v, contact);
            if (a.isEmpty()) {
                if (!expired) {
                    directory.noteRevocation(contact, v);
                }
                continue;
            }
            InfoHash dev = a.get().device();
            boolean wasContactOnline = p.live.values().stream().anyMatch(s -> !s.isEmpty());
            Set<Long> ids = p.live.computeIfAbsent(dev, k -> new HashSet<>());
            boolean wasOnline = !ids.isEmpty();
            if (expired) {
                ids.remove(v.id());
            } else {
                ids.add(v.id());
                p.ids.putIfAbsent(dev, DeviceId.of(a.get().deviceKey()));
            }
            boolean online = !ids.isEmpty();
            if (online != wasOnline && p.ids.containsKey(dev)) {
                events.onPresence(contact, p.ids.get(dev), online);
            }
            if (online && !wasContactOnline) {
                resendIfUnconfirmed(contact);
            }
        }
    }

    /** Jami's onTrackedBuddyOnline: a contact we asked and who never confirmed gets the request again. */
    private void resendIfUnconfirmed(AccountId contact) {
        Optional<Contact> c = state.contact(contact);
        byte[] vcard = sentVcards.get(contact);
        if (c.isEmpty() || !c.get().isActive() || c.get().confirmed() || vcard == null) {
            return;
        }
        long now = nowMillis.getAsLong();
        if (now - lastSent.getOrDefault(contact, Long.MIN_VALUE / 2) < RESEND_AFTER_MS) {
            return; // just sent: the peer has it or will (its inbox keeps it 10 minutes)
        }
        lastSent.put(contact, now);
        putToDevices(contact, TrustRequestMessage.request(c.get().conversationId(), vcard, nowMillis.getAsLong()));
    }

    // ---------------------------------------------------------------- helpers

    private void refuse(String category, String details) {
        synchronized (this) {
            refusals.merge(category, 1L, Long::sum);
        }
        LOG.debug("refused ({}): {}", category, details);
        events.onRefused(category + ": " + details);
    }

    /**
     * What {@link AccountState#markHandled} records: the value id bound to its signer and type,
     * so a value crafted by someone else with a legitimate value's id cannot shadow it.
     */
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private static long handledKey(Value v) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(v.owner());
            sha.update(ByteBuffer.allocate(12).putLong(v.id()).putInt(v.type()).array());
            return ByteBuffer.wrap(sha.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private String newConversationId() {
        byte[] b = new byte[20];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private long nowSeconds() {
        return Math.floorDiv(nowMillis.getAsLong(), 1000);
    }

    private static String hex(long id) {
        return Long.toUnsignedString(id, 16);
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    /** Hands every event to each listener in turn; one that throws does not keep the others from hearing it. */
    private static final class Broadcast implements AccountEvents {
        final List<AccountEvents> listeners = new CopyOnWriteArrayList<>();

        private void each(java.util.function.Consumer<AccountEvents> event) {
            for (AccountEvents l : listeners) {
                try {
                    event.accept(l);
                } catch (RuntimeException e) {
                    LOG.warn("an account listener failed: {}", e.toString(), e);
                }
            }
        }

        @Override
        public void onTrustRequest(TrustRequest request) {
            each(l -> l.onTrustRequest(request));
        }

        @Override
        public void onContactAdded(Contact contact) {
            each(l -> l.onContactAdded(contact));
        }

        @Override
        public void onContactConfirmed(Contact contact) {
            each(l -> l.onContactConfirmed(contact));
        }

        @Override
        public void onContactRemoved(AccountId contact) {
            each(l -> l.onContactRemoved(contact));
        }

        @Override
        public void onPresence(AccountId contact, DeviceId device, boolean online) {
            each(l -> l.onPresence(contact, device, online));
        }

        @Override
        public void onRefused(String reason) {
            each(l -> l.onRefused(reason));
        }

        @Override
        public void onOwnDevice(PeerDevice device) {
            each(l -> l.onOwnDevice(device));
        }

        @Override
        public void onSynced(DeviceId from) {
            each(l -> l.onSynced(from));
        }
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.debug("ignored while closing: {}", e.toString()); // the node may be gone already
        }
    }
}
