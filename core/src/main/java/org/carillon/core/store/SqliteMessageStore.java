package org.carillon.core.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceId;
import org.carillon.core.contact.PeerDevice;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageStatus;
import org.carillon.core.message.MessageStore;
import org.carillon.core.message.PendingDelivery;
import org.carillon.dht.InfoHash;

/**
 * One account's messages, deliveries owed and contacts' devices in the {@link Database}. Every
 * method is one transaction; called inside {@link Database#inTransaction} it joins that one.
 *
 * <p>Send order is {@code (sent_ms, seq, id_order)}, where {@code id_order} is the id with its
 * sign bit flipped (a generated column), so that SQLite's signed comparison orders the unsigned
 * ids. Search goes through the FTS5 index {@code message_text}, which triggers keep in step
 * with the bodies.
 */
public final class SqliteMessageStore implements MessageStore {
    private static final String COLUMNS = "peer_id, id, outgoing, author_device, datatype, body, sent_ms, seq,"
            + " received_ms, status, edited_ms, deleted";
    private static final String PENDING_COLUMNS =
            "peer_id, message_id, recipient_account, device, payload, created_ms, expires_ms, next_attempt_ms,"
                    + " attempts";
    /** The statuses {@code messages_not_read} holds; a query repeats this text so SQLite uses that index. */
    private static final String NOT_READ = "status NOT IN ('READ', 'FAILED')";

    /** The statuses that {@link MessageStatus#canBecome} READ, as an SQL list. */
    private static final String BECOME_READ = Arrays.stream(MessageStatus.values())
            .filter(status -> status.canBecome(MessageStatus.READ))
            .map(status -> "'" + status.name() + "'")
            .collect(Collectors.joining(", "));

    private final Database db;
    private final AccountId account;

    /** @throws IllegalArgumentException when the account is not in the database ({@link AccountRecords#add} first) */
    public SqliteMessageStore(Database db, AccountId account) {
        this.db = db;
        this.account = account;
        db.inTransaction(c -> {
            AccountRecords.requireAccount(c, account);
            return null;
        });
    }

    public AccountId account() {
        return account;
    }

    /** @throws IllegalArgumentException when the message is not outgoing, or its peer and id are stored already */
    @Override
    public void accept(Message message, List<PendingDelivery> deliveries) {
        if (!message.outgoing()) {
            throw new IllegalArgumentException("accept takes outgoing messages; message " + message.idHex() + " from "
                    + message.peer() + " is incoming (addReceived stores those)");
        }
        db.inTransaction(c -> {
            if (!insert(c, message)) {
                throw new IllegalArgumentException("message " + message.idHex() + " to " + message.peer()
                        + " is stored already; an outgoing message needs a fresh id");
            }
            insertPending(c, deliveries);
            return null;
        });
    }

    @Override
    public boolean addReceived(Message message) {
        return db.inTransaction(c -> insert(c, message));
    }

    private boolean insert(Connection c, Message m) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO messages (account_id, " + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (account_id, peer_id, id) DO NOTHING")) {
            s.setString(1, account.hex());
            s.setString(2, m.peer().hex());
            s.setLong(3, m.id());
            s.setInt(4, m.outgoing() ? 1 : 0);
            s.setString(5, m.authorDevice().toString());
            s.setString(6, m.datatype());
            s.setString(7, m.body());
            s.setLong(8, m.sentMillis());
            s.setLong(9, m.seq());
            s.setLong(10, m.receivedMillis());
            s.setString(11, m.status().name());
            s.setLong(12, m.editedMillis());
            s.setInt(13, m.deleted() ? 1 : 0);
            return s.executeUpdate() == 1;
        }
    }

    @Override
    public Optional<Message> message(AccountId peer, long id) {
        return db.inTransaction(c -> find(c, peer, id));
    }

    private Optional<Message> find(Connection c, AccountId peer, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM messages WHERE account_id = ? AND peer_id = ? AND id = ?")) {
            s.setString(1, account.hex());
            s.setString(2, peer.hex());
            s.setLong(3, id);
            List<Message> found = messages(s);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        }
    }

    @Override
    public boolean updateStatus(AccountId peer, long id, MessageStatus status) {
        return db.inTransaction(c -> {
            Optional<Message> stored = find(c, peer, id);
            if (stored.isEmpty() || !stored.get().status().canBecome(status)) {
                return false;
            }
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE messages SET status = ? WHERE account_id = ? AND peer_id = ? AND id = ?")) {
                s.setString(1, status.name());
                s.setString(2, account.hex());
                s.setString(3, peer.hex());
                s.setLong(4, id);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<Message> markReadUpTo(AccountId peer, boolean outgoing, Message upTo) {
        // the same condition selects the messages to return, then updates them all at once
        String which = " WHERE account_id = ? AND peer_id = ? AND outgoing = ? AND " + NOT_READ + " AND status IN ("
                + BECOME_READ + ") AND (sent_ms, seq, id_order) <= (?, ?, ?)";
        return db.inTransaction(c -> {
            List<Message> read = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM messages" + which + " ORDER BY sent_ms, seq, id_order")) {
                bindUpTo(s, peer, outgoing, upTo);
                for (Message m : messages(s)) {
                    read.add(m.withStatus(MessageStatus.READ));
                }
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE messages SET status = 'READ'" + which)) {
                bindUpTo(s, peer, outgoing, upTo);
                s.executeUpdate();
            }
            return read;
        });
    }

    private void bindUpTo(PreparedStatement s, AccountId peer, boolean outgoing, Message upTo) throws SQLException {
        s.setString(1, account.hex());
        s.setString(2, peer.hex());
        s.setInt(3, outgoing ? 1 : 0);
        setOrder(s, 4, upTo);
    }

    @Override
    public boolean edit(AccountId peer, long id, String body, long editedMillis, boolean deleted) {
        if (body == null) {
            throw new IllegalArgumentException("an edit needs a body (empty to delete)");
        }
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE messages SET body = ?, edited_ms = ?, deleted = ?"
                    + " WHERE account_id = ? AND peer_id = ? AND id = ?")) {
                s.setString(1, deleted ? "" : body);
                s.setLong(2, editedMillis);
                s.setInt(3, deleted ? 1 : 0);
                s.setString(4, account.hex());
                s.setString(5, peer.hex());
                s.setLong(6, id);
                return s.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<Message> history(AccountId peer, Optional<Message> before, int limit) {
        requireLimit(limit);
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM messages"
                    + " WHERE account_id = ? AND peer_id = ?"
                    + (before.isPresent() ? " AND (sent_ms, seq, id_order) < (?, ?, ?)" : "")
                    + " ORDER BY sent_ms DESC, seq DESC, id_order DESC LIMIT ?")) {
                s.setString(1, account.hex());
                s.setString(2, peer.hex());
                int next = 3;
                if (before.isPresent()) {
                    setOrder(s, next, before.get());
                    next += 3;
                }
                s.setInt(next, limit);
                List<Message> page = messages(s);
                return reversed(page);
            }
        });
    }

    @Override
    public List<Message> search(Optional<AccountId> peer, String words, int limit) {
        requireLimit(limit);
        Optional<String> query = SearchWords.ftsQuery(words);
        if (query.isEmpty()) {
            return List.of();
        }
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM messages"
                    + " WHERE row_id IN (SELECT rowid FROM message_text WHERE message_text MATCH ?)"
                    + " AND account_id = ?"
                    + (peer.isPresent() ? " AND peer_id = ?" : "")
                    + " ORDER BY sent_ms DESC, seq DESC, id_order DESC LIMIT ?")) {
                s.setString(1, query.get());
                s.setString(2, account.hex());
                int next = 3;
                if (peer.isPresent()) {
                    s.setString(next++, peer.get().hex());
                }
                s.setInt(next, limit);
                return messages(s);
            }
        });
    }

    @Override
    public int unreadCount(AccountId peer) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM messages"
                    + " WHERE account_id = ? AND peer_id = ? AND outgoing = 0 AND " + NOT_READ
                    + " AND status = 'RECEIVED'")) {
                s.setString(1, account.hex());
                s.setString(2, peer.hex());
                try (ResultSet r = s.executeQuery()) {
                    return r.getInt(1);
                }
            }
        });
    }

    @Override
    public long lastSequence(InfoHash device) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT coalesce(max(seq), 0) FROM messages WHERE account_id = ? AND author_device = ?")) {
                s.setString(1, account.hex());
                s.setString(2, device.toString());
                try (ResultSet r = s.executeQuery()) {
                    return r.getLong(1);
                }
            }
        });
    }

    // ------------------------------------------------------------ deliveries owed

    @Override
    public List<PendingDelivery> pending() {
        return db.inTransaction(c -> {
            try (PreparedStatement s =
                    c.prepareStatement("SELECT " + PENDING_COLUMNS + " FROM pending_deliveries WHERE account_id = ?")) {
                s.setString(1, account.hex());
                List<PendingDelivery> deliveries = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        deliveries.add(delivery(r));
                    }
                }
                return deliveries;
            }
        });
    }

    /** A delivery of a message to a device that is owed already is kept as it is (its attempts count). */
    @Override
    public void addPending(List<PendingDelivery> deliveries) {
        db.inTransaction(c -> {
            insertPending(c, deliveries);
            return null;
        });
    }

    private void insertPending(Connection c, List<PendingDelivery> deliveries) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("INSERT INTO pending_deliveries (account_id, "
                + PENDING_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (account_id, message_id, device) DO NOTHING")) {
            for (PendingDelivery d : deliveries) {
                s.setString(1, account.hex());
                s.setString(2, d.peer().hex());
                s.setLong(3, d.messageId());
                s.setString(4, d.recipientAccount().hex());
                s.setString(5, d.device().toString());
                s.setBytes(6, d.payload());
                s.setLong(7, d.createdMillis());
                s.setLong(8, d.expiresMillis());
                s.setLong(9, d.nextAttemptMillis());
                s.setInt(10, d.attempts());
                s.executeUpdate();
            }
        }
    }

    @Override
    public boolean removePending(long messageId, InfoHash device) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM pending_deliveries WHERE account_id = ? AND message_id = ? AND device = ?")) {
                s.setString(1, account.hex());
                s.setLong(2, messageId);
                s.setString(3, device.toString());
                return s.executeUpdate() == 1;
            }
        });
    }

    // ------------------------------------------------------------ contacts' devices

    /** Adds or replaces the device with this short id. */
    @Override
    public void saveDevice(PeerDevice device) {
        DeviceId fromCertificate = DeviceId.of(device.certificate().getPublicKey());
        if (!fromCertificate.equals(device.id())) {
            throw new IllegalArgumentException("device " + device.id() + " of " + device.account()
                    + " comes with the certificate of another device (" + fromCertificate + ")");
        }
        byte[] chain = der(device.chain());
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO contact_devices (account_id, peer_id, short_id, chain) VALUES (?, ?, ?, ?)"
                            + " ON CONFLICT (account_id, peer_id, short_id) DO UPDATE SET chain = excluded.chain")) {
                s.setString(1, account.hex());
                s.setString(2, device.account().hex());
                s.setString(3, device.id().shortId().toString());
                s.setBytes(4, chain);
                s.executeUpdate();
            }
            return null;
        });
    }

    /** The devices saved for that account, by short id. */
    @Override
    public List<PeerDevice> devices(AccountId peer) {
        return db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT short_id, chain FROM contact_devices"
                    + " WHERE account_id = ? AND peer_id = ? ORDER BY short_id")) {
                s.setString(1, account.hex());
                s.setString(2, peer.hex());
                List<PeerDevice> devices = new ArrayList<>();
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        List<X509Certificate> chain = certificates(r.getString(1), r.getBytes(2));
                        devices.add(
                                new PeerDevice(peer, DeviceId.of(chain.get(0).getPublicKey()), chain));
                    }
                }
                return devices;
            }
        });
    }

    // ------------------------------------------------------------ rows

    private static void requireLimit(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("a limit cannot be negative (" + limit + ")");
        }
    }

    /** Binds the send-order key of {@code m} to three parameters from {@code index}. */
    private static void setOrder(PreparedStatement s, int index, Message m) throws SQLException {
        s.setLong(index, m.sentMillis());
        s.setLong(index + 1, m.seq());
        s.setLong(index + 2, m.id() ^ Long.MIN_VALUE);
    }

    private static List<Message> reversed(List<Message> newestFirst) {
        List<Message> inOrder = new ArrayList<>(newestFirst.size());
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            inOrder.add(newestFirst.get(i));
        }
        return inOrder;
    }

    private static List<Message> messages(PreparedStatement s) throws SQLException {
        List<Message> messages = new ArrayList<>();
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                messages.add(new Message(
                        AccountId.parse(r.getString(1)),
                        r.getLong(2),
                        r.getInt(3) != 0,
                        InfoHash.fromHex(r.getString(4)),
                        r.getString(5),
                        r.getString(6),
                        r.getLong(7),
                        r.getLong(8),
                        r.getLong(9),
                        MessageStatus.valueOf(r.getString(10)),
                        r.getLong(11),
                        r.getInt(12) != 0));
            }
        }
        return messages;
    }

    private static PendingDelivery delivery(ResultSet r) throws SQLException {
        byte[] payload = r.getBytes(5);
        return new PendingDelivery(
                AccountId.parse(r.getString(1)),
                r.getLong(2),
                AccountId.parse(r.getString(3)),
                InfoHash.fromHex(r.getString(4)),
                payload == null ? new byte[0] : payload, // the driver reads an empty BLOB as null
                r.getLong(6),
                r.getLong(7),
                r.getLong(8),
                r.getInt(9));
    }

    private static byte[] der(List<X509Certificate> chain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (X509Certificate certificate : chain) {
            try {
                out.writeBytes(certificate.getEncoded());
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(
                        "a certificate of the chain cannot be encoded: " + e.getMessage(), e);
            }
        }
        return out.toByteArray();
    }

    private static List<X509Certificate> certificates(String shortId, byte[] der) throws SQLException {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (var certificate : factory.generateCertificates(new ByteArrayInputStream(der))) {
                chain.add((X509Certificate) certificate);
            }
            if (chain.size() < 2) {
                throw new SQLException("the stored chain of device " + shortId + " holds " + chain.size()
                        + " certificate(s), not a device and its account");
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new SQLException("the stored chain of device " + shortId + " is unreadable: " + e.getMessage(), e);
        }
    }
}
