package org.carillon.core.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.TrustRequest;
import org.carillon.dht.InfoHash;

/**
 * The child process of {@link StoreCrashIT}: writes as fast as it can until it is killed,
 * printing {@code committed N} after each write that returned. Bounded in count and time so a
 * parent that died cannot leave it running.
 *
 * <ul>
 *   <li>{@code database FILE}: each transaction adds a contact, its trust request and a handled
 *       value, numbered from what is already there;
 *   <li>{@code keys TARGET A B}: saves the keys of directory A, then those of B, into TARGET,
 *       again and again.
 * </ul>
 */
final class CrashingWriter {
    static final AccountId OWNER = AccountId.parse("0000000000000000000000000000000000c0ffee");
    static final String COMMITTED = "committed ";
    private static final int MAX_WRITES = 200_000;
    private static final long MAX_NANOS = 60_000_000_000L;

    private CrashingWriter() {}

    public static void main(String[] args) throws Exception {
        long deadline = System.nanoTime() + MAX_NANOS;
        if (args[0].equals("database")) {
            writeDatabase(Path.of(args[1]), deadline);
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
