package org.carillon.core.contact;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.carillon.core.account.AccountId;
import org.carillon.dht.InfoHash;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.value.ValueType;

/**
 * What one device of an account tells the others about its contacts and pending requests (§11,
 * jamid 13.7's {@code DeviceSync}: an encrypted type-0 value at {@code inbox:<other device>}),
 * a msgpack map {@code {date, device_name, devices_known, devices, peers, trust_requests}} with
 * contacts as {@code {added, removed, confirmed, banned, conversationId}} keyed by the 20-byte
 * account id. jamid's requests carry the sender device's DER key; we know only its id, so ours
 * carry that (20 bytes) and we read either.
 */
record DeviceSync(long date, String deviceName, Map<AccountId, Contact> peers, Map<AccountId, TrustRequest> requests) {
    DeviceSync {
        peers = Map.copyOf(peers);
        requests = Map.copyOf(requests);
    }

    byte[] encode() {
        try (MessageBufferPacker p = MessagePack.newDefaultBufferPacker()) {
            p.packMapHeader(6);
            p.packString("date").packLong(date);
            p.packString("device_name").packString(deviceName);
            p.packString("devices_known").packMapHeader(0);
            p.packString("devices").packMapHeader(0);
            p.packString("peers").packMapHeader(peers.size());
            for (Contact c : peers.values()) {
                bin(p, c.id().hash().toBytes());
                p.packMapHeader(5);
                p.packString("added").packLong(c.addedSeconds());
                p.packString("removed").packLong(c.removedSeconds());
                p.packString("confirmed").packBoolean(c.confirmed());
                p.packString("banned").packBoolean(c.banned());
                p.packString("conversationId").packString(c.conversationId());
            }
            p.packString("trust_requests").packMapHeader(requests.size());
            for (TrustRequest r : requests.values()) {
                bin(p, r.from().hash().toBytes());
                p.packMapHeader(4);
                p.packString("device");
                bin(p, r.fromDevice().toBytes());
                p.packString("conversationId").packString(r.conversationId());
                p.packString("received").packLong(r.receivedSeconds());
                p.packString("payload");
                bin(p, r.vcard());
            }
            return p.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("msgpack into memory cannot fail", e);
        }
    }

    private static void bin(MessageBufferPacker p, byte[] b) throws IOException {
        p.packBinaryHeader(b.length).writePayload(b);
    }

    /** Throws {@link IllegalArgumentException} when {@code data} is not a device sync. */
    static DeviceSync decode(byte[] data) {
        long date = 0;
        String name = "";
        Map<AccountId, Contact> peers = new LinkedHashMap<>();
        Map<AccountId, TrustRequest> requests = new LinkedHashMap<>();
        try (MessageUnpacker u = MessagePack.newDefaultUnpacker(data)) {
            int entries = u.unpackMapHeader();
            for (int i = 0; i < entries; i++) {
                switch (u.unpackString()) {
                    case "date" -> date = u.unpackLong();
                    case "device_name" -> name = u.unpackString();
                    case "peers" -> {
                        int n = u.unpackMapHeader();
                        for (int j = 0; j < n; j++) {
                            AccountId id = new AccountId(InfoHash.of(u.readPayload(u.unpackBinaryHeader())));
                            peers.put(id, contact(u, id));
                        }
                    }
                    case "trust_requests" -> {
                        int n = u.unpackMapHeader();
                        for (int j = 0; j < n; j++) {
                            AccountId id = new AccountId(InfoHash.of(u.readPayload(u.unpackBinaryHeader())));
                            requests.put(id, request(u, id, date));
                        }
                    }
                    default -> u.skipValue();
                }
            }
        } catch (IOException | MessagePackException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a device sync: " + e.getMessage(), e);
        }
        return new DeviceSync(date, name, peers, requests);
    }

    private static Contact contact(MessageUnpacker u, AccountId id) throws IOException {
        long added = 0;
        long removed = 0;
        boolean confirmed = false;
        boolean banned = false;
        String conversation = "";
        int n = u.unpackMapHeader();
        for (int k = 0; k < n; k++) {
            switch (u.unpackString()) {
                case "added" -> added = u.unpackLong();
                case "removed" -> removed = u.unpackLong();
                case "confirmed" -> confirmed = u.unpackBoolean();
                case "banned" -> banned = u.unpackBoolean();
                case "conversationId" -> conversation = u.unpackString();
                default -> u.skipValue();
            }
        }
        return new Contact(id, added, removed, confirmed, banned, conversation);
    }

    private static TrustRequest request(MessageUnpacker u, AccountId from, long date) throws IOException {
        InfoHash device = null;
        String conversation = "";
        long received = 0;
        byte[] payload = new byte[0];
        int n = u.unpackMapHeader();
        for (int k = 0; k < n; k++) {
            switch (u.unpackString()) {
                case "device" -> {
                    byte[] key = u.getNextFormat().getValueType() == ValueType.BINARY
                            ? u.readPayload(u.unpackBinaryHeader())
                            : new byte[0];
                    // jamid sends the DER public key, we send its 20-byte id
                    device = key.length == InfoHash.SIZE ? InfoHash.of(key) : InfoHash.sha1(key);
                }
                case "conversationId" -> conversation = u.unpackString();
                case "received" -> received = u.unpackLong();
                case "payload" -> payload = u.readPayload(u.unpackBinaryHeader());
                default -> u.skipValue();
            }
        }
        if (device == null) {
            throw new IllegalArgumentException("a synced request without its device");
        }
        return new TrustRequest(from, device, conversation, payload, received);
    }
}
