package org.carillon.core.contact;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.carillon.core.account.AccountId;
import org.carillon.dht.InfoHash;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;

/**
 * jamid 13.7's {@code DeviceSync} (§11, jami_contact.h): what one device of an account tells
 * the others, put encrypted (type 0) at {@code inbox:<other device SHA-1 hex>}. Written with
 * 13.7's keys and order, {@code {date, device_name, devices_known, devices, peers,
 * trust_requests}}; HEAD's layout (no {@code devices_known}, millisecond keys added to contacts
 * and requests) reads too, unknown keys being skipped as msgpack-c does.
 *
 * @param date when it was built, in nanoseconds since the epoch (13.7's system_clock count);
 *     a receiver drops a sync not newer than the last one from the same device
 * @param deviceName the sender's device name (13.7 leaves it empty)
 * @param devices the account's devices the sender knows
 * @param peers the sender's contacts, every state included (removed, banned)
 * @param trustRequests the sender's pending requests, without their payloads (as 13.7)
 */
record DeviceSyncMessage(
        long date,
        String deviceName,
        List<KnownDevice> devices,
        List<Contact> peers,
        List<SyncedRequest> trustRequests) {
    /** 13.7 sends at most 20 requests per sync (contact_list.cpp getSyncData). */
    static final int MAX_REQUESTS = 20;

    /** An account device: SHA-256 long id (32 bytes), name, SHA-1 short id (null from HEAD). */
    record KnownDevice(byte[] longId, String name, InfoHash sha1) {}

    /** A pending request: the sender device's DER public key (null when unknown), conversation, receipt time. */
    record SyncedRequest(AccountId from, byte[] deviceKey, String conversationId, long receivedSeconds) {}

    DeviceSyncMessage {
        Objects.requireNonNull(deviceName, "deviceName");
        devices = List.copyOf(devices);
        peers = List.copyOf(peers);
        trustRequests = List.copyOf(trustRequests);
    }

    byte[] encode() {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(6);
            p.packString("date");
            p.packLong(date);
            p.packString("device_name");
            p.packString(deviceName);
            p.packString("devices_known");
            p.packMapHeader(0); // legacy map, empty since 2020
            p.packString("devices");
            p.packMapHeader(devices.size());
            for (KnownDevice d : devices) {
                bin(p, d.longId());
                p.packMapHeader(2);
                p.packString("name");
                p.packString(d.name());
                p.packString("sha1");
                bin(p, d.sha1() == null ? new byte[InfoHash.SIZE] : d.sha1().toBytes());
            }
            p.packString("peers");
            p.packMapHeader(peers.size());
            for (Contact c : peers) {
                bin(p, c.id().hash().toBytes());
                p.packMapHeader(5);
                p.packString("added");
                p.packLong(c.addedSeconds());
                p.packString("removed");
                p.packLong(c.removedSeconds());
                p.packString("confirmed");
                p.packBoolean(c.confirmed());
                p.packString("banned");
                p.packBoolean(c.banned());
                p.packString("conversationId");
                p.packString(c.conversationId());
            }
            p.packString("trust_requests");
            p.packMapHeader(trustRequests.size());
            for (SyncedRequest r : trustRequests) {
                bin(p, r.from().hash().toBytes());
                p.packMapHeader(4);
                p.packString("device");
                if (r.deviceKey() == null) {
                    p.packNil(); // an empty shared_ptr, as msgpack-c packs it
                } else {
                    bin(p, r.deviceKey());
                }
                p.packString("conversationId");
                p.packString(r.conversationId());
                p.packString("received");
                p.packLong(r.receivedSeconds());
                p.packString("payload");
                bin(p, new byte[0]);
            }
            p.close();
            return p.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("packing in memory cannot fail", e);
        }
    }

    static DeviceSyncMessage decode(byte[] data) {
        long date = 0;
        String name = "";
        List<KnownDevice> devices = new ArrayList<>();
        List<Contact> peers = new ArrayList<>();
        List<SyncedRequest> requests = new ArrayList<>();
        try (MsgpackReader in = new MsgpackReader(data)) {
            int entries = in.mapHeader("device sync");
            for (int i = 0; i < entries; i++) {
                String key = in.string("device sync key");
                switch (key) {
                    case "date":
                        date = in.integer("date");
                        break;
                    case "device_name":
                        name = in.string("device_name");
                        break;
                    case "devices":
                        int n = in.mapHeader("devices");
                        for (int d = 0; d < n; d++) {
                            devices.add(knownDevice(in.bytes("device long id"), in));
                        }
                        break;
                    case "peers":
                        int c = in.mapHeader("peers");
                        for (int k = 0; k < c; k++) {
                            peers.add(contact(accountId(in.bytes("peer id")), in));
                        }
                        break;
                    case "trust_requests":
                        int r = in.mapHeader("trust_requests");
                        for (int k = 0; k < r; k++) {
                            requests.add(request(accountId(in.bytes("request sender")), in));
                        }
                        break;
                    default:
                        in.skip("value of '" + key + "'");
                }
            }
            if (!in.atEnd()) {
                throw new IllegalArgumentException(in.remaining() + " bytes after the device sync map");
            }
        }
        return new DeviceSyncMessage(date, name, devices, peers, requests);
    }

    private static KnownDevice knownDevice(byte[] longId, MsgpackReader in) {
        if (longId.length != 32) {
            throw new IllegalArgumentException("device long id of " + longId.length + " bytes, expected 32");
        }
        String name = "";
        InfoHash sha1 = null;
        int n = in.mapHeader("known device");
        for (int i = 0; i < n; i++) {
            String key = in.string("known device key");
            if (key.equals("name")) {
                name = in.string("device name");
            } else if (key.equals("sha1")) {
                byte[] b = in.bytes("device sha1");
                if (b.length != InfoHash.SIZE) {
                    throw new IllegalArgumentException("device sha1 of " + b.length + " bytes");
                }
                sha1 = InfoHash.of(b);
            } else {
                in.skip("known device's '" + key + "'");
            }
        }
        return new KnownDevice(longId, name, sha1);
    }

    private static Contact contact(AccountId id, MsgpackReader in) {
        long added = 0;
        long removed = 0;
        Long addedMs = null;
        Long removedMs = null;
        boolean confirmed = false;
        boolean banned = false;
        String conversation = "";
        int n = in.mapHeader("contact");
        for (int i = 0; i < n; i++) {
            String key = in.string("contact key");
            switch (key) {
                case "added":
                    added = in.integer("added");
                    break;
                case "removed":
                    removed = in.integer("removed");
                    break;
                case "addedMs":
                    addedMs = in.integer("addedMs");
                    break;
                case "removedMs":
                    removedMs = in.integer("removedMs");
                    break;
                case "confirmed":
                    confirmed = in.bool("confirmed");
                    break;
                case "banned":
                    banned = in.bool("banned");
                    break;
                case "conversationId":
                    conversation = in.string("conversationId");
                    break;
                default:
                    in.skip("contact's '" + key + "'");
            }
        }
        // HEAD prefers its millisecond keys; we keep Jami's seconds
        if (addedMs != null) {
            added = Math.floorDiv(addedMs, 1000);
        }
        if (removedMs != null) {
            removed = Math.floorDiv(removedMs, 1000);
        }
        return new Contact(id, added, removed, confirmed, banned, conversation);
    }

    private static SyncedRequest request(AccountId from, MsgpackReader in) {
        byte[] device = null;
        String conversation = "";
        long received = 0;
        Long receivedMs = null;
        int n = in.mapHeader("trust request");
        for (int i = 0; i < n; i++) {
            String key = in.string("trust request key");
            switch (key) {
                case "device":
                    if (in.nextIsNil()) {
                        in.skip("device");
                    } else {
                        device = in.bytes("device");
                    }
                    break;
                case "conversationId":
                    conversation = in.string("conversationId");
                    break;
                case "received":
                    received = in.integer("received");
                    break;
                case "receivedMs":
                    receivedMs = in.integer("receivedMs");
                    break;
                default:
                    in.skip("trust request's '" + key + "'");
            }
        }
        if (receivedMs != null) {
            received = Math.floorDiv(receivedMs, 1000);
        }
        return new SyncedRequest(from, device, conversation, received);
    }

    private static AccountId accountId(byte[] bytes) {
        if (bytes.length != InfoHash.SIZE) {
            throw new IllegalArgumentException("account id of " + bytes.length + " bytes, expected 20");
        }
        return new AccountId(InfoHash.of(bytes));
    }

    private static void bin(MessageBufferPacker p, byte[] b) throws IOException {
        p.packBinaryHeader(b.length);
        p.writePayload(b);
    }
}
