package org.carillon.core.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.TrustRequest;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageStatus;
import org.carillon.core.message.PendingDelivery;
import org.carillon.dht.InfoHash;

/**
 * The child process of {@link StoreCrashIT}: writes as fast as it can until it is killed,
 * printing {@code committed N} after each write that returned. Bounded in count and time so a
 * parent that died cannot leave it running.
 *
 * <ul>
 *   <li>{@code database FILE}: each transaction adds a contact, its trust request and a handled
 *       value, numbered from what is already there;
 *   <li>{@code messages FILE}: each {@link SqliteMessageStore#accept} stores a message and its
 *       {@link #DELIVERIES_PER_MESSAGE} deliveries, numbered by the seq of the last one there;
 *   <li>{@code keys TARGET A B}: saves the keys of directory A, then those of B, into TARGET,
 *       again and again.
 * </ul>
 */
final class CrashingWriter {
    static final AccountId OWNER = AccountId.parse("0000000000000000000000000000000000c0ffee");
    static final String COMMITTED = "committed ";
    static final AccountId PEER = peer(-1);
    static final InfoHash AUTHOR = InfoHash.fromHex("00000000000000000000000000000000000a7702");
    static final int DELIVERIES_PER_MESSAGE = 3;
    private static final int MAX_WRITES = 200_000;
    private static final long MAX_NANOS = 60_000_000_000L;

    private CrashingWriter() {}

    public static void main(String[] args) throws Exception {
        long deadline = System.nanoTime() + MAX_NANOS;
        if (args[0].equals("database")) {
            writeDatabase(Path.of(args[1]), deadline);
        } else if (args[0].equals("messages")) {
            writeMessages(Path.of(args[1]), deadline);
        } else {
            writeKeys(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), deadline);
        }
    }

    private static void writeDatabase(Path file, long deadline) throws Exception {
        try (Database db = Database.open(file)) {
            AccountRecords records = new AccountRecords(db);
            if (records.find(OWNER).isEmpty()) {
                records.add(new LocalAccount(OWNER, "crash test", "", 0));
            }
            SqliteAccountState state = new SqliteAccountState(db, OWNER);
            long first = state.contacts().size();
            for (long i = first; i < first + MAX_WRITES && System.nanoTime() < deadline; i++) {
                long n = i;
                db.inTransaction(c -> {
                    AccountId peer = peer(n);
                    state.saveContact(new Contact(peer, n, 0, false, false, ""));
                    state.saveRequest(new TrustRequest(
                            peer, peer.hash(), "", ("vcard " + n).getBytes(StandardCharsets.US_ASCII), n));
                    state.markHandled(n);
                    return null;
                });
                System.out.println(COMMITTED + (n + 1));
            }
        }
    }

    private static void writeMessages(Path file, long deadline) throws Exception {
        try (Database db = Database.open(file)) {
            AccountRecords records = new AccountRecords(db);
            if (records.find(OWNER).isEmpty()) {
                records.add(new LocalAccount(OWNER, "crash test", "", 0));
            }
            SqliteMessageStore store = new SqliteMessageStore(db, OWNER);
            byte[] payload = new byte[1500]; // a few pages per transaction, as a sealed value would be
            long first = store.lastSequence(AUTHOR);
            for (long seq = first + 1; seq <= first + MAX_WRITES && System.nanoTime() < deadline; seq++) {
                long id = seq * 0x9E3779B97F4A7C15L; // spread over the whole unsigned range
                Message message = new Message(
                        PEER,
                        id,
                        true,
                        AUTHOR,
                        "text/plain",
                        "crash message " + seq,
                        seq,
                        seq,
                        seq,
                        MessageStatus.SENDING,
                        0,
                        false);
                List<PendingDelivery> deliveries = new ArrayList<>();
                for (int d = 0; d < DELIVERIES_PER_MESSAGE; d++) {
                    deliveries.add(
                            new PendingDelivery(PEER, id, PEER, peer(d).hash(), payload, seq, seq + 1000, seq, 0));
                }
                store.accept(message, deliveries);
                System.out.println(COMMITTED + seq);
            }
        }
    }

    static AccountId peer(long n) {
        return new AccountId(InfoHash.sha1(ByteBuffer.allocate(8).putLong(n).array()));
    }

    private static void writeKeys(Path target, Path a, Path b, long deadline) throws Exception {
        AccountKeys[] keys = {KeyFiles.load(a), KeyFiles.load(b)};
        for (int i = 0; i < MAX_WRITES && System.nanoTime() < deadline; i++) {
            KeyFiles.save(target, keys[i % 2]);
            System.out.println(COMMITTED + (i + 1));
        }
    }
}
