package org.carillon.core.store;

import java.util.List;

/**
 * The database's schema as a list of migrations: migration {@code i} (from 0) takes the schema
 * from version {@code i} to {@code i + 1}. Released migrations are never edited; a change is a
 * new migration at the end.
 */
final class Schema {
    /** {@code PRAGMA application_id}: "Crln", so a Carillon database is recognisable. */
    static final int APPLICATION_ID = 0x43726c6e;

    /**
     * Version 2: one-to-one messages ({@link SqliteMessageStore}). The messages table has an
     * explicit integer row id because the full-text index refers to rows by rowid, and VACUUM may
     * renumber an implicit one; (account, peer, id) is its natural key.
     */
    private static final List<String> MESSAGES = List.of(
            // id is the wire's unsigned 64-bit id in two's complement; id_order flips its sign
            // bit, which makes signed order (SQLite's) the unsigned one. SQLite has no XOR,
            // hence the CASE; adding 2^63 in two steps stays within 64 bits.
            """
            CREATE TABLE messages (
                row_id INTEGER PRIMARY KEY,
                account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                peer_id TEXT NOT NULL CHECK (length(peer_id) = 40),
                id INTEGER NOT NULL,
                id_order INTEGER GENERATED ALWAYS AS (CASE WHEN id < 0
                    THEN id + 9223372036854775807 + 1 ELSE id - 9223372036854775807 - 1 END) VIRTUAL,
                outgoing INTEGER NOT NULL CHECK (outgoing IN (0, 1)),
                author_device TEXT NOT NULL CHECK (length(author_device) = 40),
                datatype TEXT NOT NULL,
                body TEXT NOT NULL,
                sent_ms INTEGER NOT NULL,
                seq INTEGER NOT NULL,
                received_ms INTEGER NOT NULL,
                status TEXT NOT NULL
                    CHECK (status IN ('SENDING', 'SENT', 'DELIVERED', 'READ', 'FAILED', 'RECEIVED')),
                edited_ms INTEGER NOT NULL,
                deleted INTEGER NOT NULL CHECK (deleted IN (0, 1)),
                UNIQUE (account_id, peer_id, id)
            ) STRICT""",
            "CREATE INDEX messages_in_order ON messages (account_id, peer_id, sent_ms, seq, id_order)",
            // only the messages that markReadUpTo and unreadCount still have to look at
            """
            CREATE INDEX messages_not_read ON messages (account_id, peer_id, outgoing, sent_ms, seq, id_order)
                WHERE status NOT IN ('READ', 'FAILED')""",
            "CREATE INDEX messages_by_author ON messages (account_id, author_device, seq)",
            // words are letters, digits, private-use characters and other symbols (emoji);
            // the index holds no copy of the text: it reads bodies from messages
            """
            CREATE VIRTUAL TABLE message_text USING fts5 (body, content = 'messages', content_rowid = 'row_id',
                tokenize = "unicode61 remove_diacritics 2 categories 'L* N* Co So'")""",
            """
            CREATE TRIGGER message_text_insert AFTER INSERT ON messages BEGIN
                INSERT INTO message_text (rowid, body) VALUES (new.row_id, new.body);
            END""",
            """
            CREATE TRIGGER message_text_delete AFTER DELETE ON messages BEGIN
                INSERT INTO message_text (message_text, rowid, body) VALUES ('delete', old.row_id, old.body);
            END""",
            """
            CREATE TRIGGER message_text_update AFTER UPDATE OF body ON messages BEGIN
                INSERT INTO message_text (message_text, rowid, body) VALUES ('delete', old.row_id, old.body);
                INSERT INTO message_text (rowid, body) VALUES (new.row_id, new.body);
            END""",
            // what the sender still publishes until a device acknowledges it; message_id is the
            // published value's id (a receipt's or an edit's own), so it references no message
            """
            CREATE TABLE pending_deliveries (
                account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                message_id INTEGER NOT NULL,
                device TEXT NOT NULL CHECK (length(device) = 40),
                peer_id TEXT NOT NULL CHECK (length(peer_id) = 40),
                recipient_account TEXT NOT NULL CHECK (length(recipient_account) = 40),
                payload BLOB NOT NULL,
                created_ms INTEGER NOT NULL,
                expires_ms INTEGER NOT NULL,
                next_attempt_ms INTEGER NOT NULL,
                attempts INTEGER NOT NULL CHECK (attempts >= 0),
                PRIMARY KEY (account_id, message_id, device)
            ) STRICT""",
            // contacts' devices with their checked chains (DER certificates, device first, one
            // after the other), so a message can be sealed for a device that is offline
            """
            CREATE TABLE contact_devices (
                account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                peer_id TEXT NOT NULL CHECK (length(peer_id) = 40),
                short_id TEXT NOT NULL CHECK (length(short_id) = 40),
                chain BLOB NOT NULL,
                PRIMARY KEY (account_id, peer_id, short_id)
            ) STRICT""");

    static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                    "PRAGMA application_id = " + APPLICATION_ID,
                    // one row per account on this machine; its keys are files in accounts/<id>/
                    """
            CREATE TABLE accounts (
                id TEXT PRIMARY KEY CHECK (length(id) = 40),
                alias TEXT NOT NULL,
                device_name TEXT NOT NULL,
                created_at INTEGER NOT NULL
            ) STRICT""",
                    // the account's devices as this one knows them (announcements, device sync)
                    """
            CREATE TABLE devices (
                account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                short_id TEXT NOT NULL CHECK (length(short_id) = 40),
                long_id TEXT NOT NULL CHECK (length(long_id) = 64),
                name TEXT NOT NULL,
                certificate TEXT,
                revoked INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
                last_seen INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (account_id, short_id)
            ) STRICT""",
                    // Jami's contact record; a blocked peer is a banned contact
                    """
            CREATE TABLE contacts (
                account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                contact_id TEXT NOT NULL CHECK (length(contact_id) = 40),
                added INTEGER NOT NULL,
                removed INTEGER NOT NULL,
                confirmed INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
                banned INTEGER NOT NULL CHECK (banned IN (0, 1)),
                conversation_id TEXT NOT NULL,
                PRIMARY KEY (account_id, contact_id)
            ) STRICT""",
                    // pending trust requests, one per sender
                    """
            CREATE TABLE trust_requests (
                account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                from_id TEXT NOT NULL CHECK (length(from_id) = 40),
                from_device TEXT NOT NULL CHECK (length(from_device) = 40),
                conversation_id TEXT NOT NULL,
                vcard BLOB NOT NULL,
                received_at INTEGER NOT NULL,
                PRIMARY KEY (account_id, from_id)
            ) STRICT""",
                    // ids of DHT values already acted on, to recognise replays; pruned by age
                    """
            CREATE TABLE handled_values (
                account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                value_id INTEGER NOT NULL,
                seen_at INTEGER NOT NULL,
                PRIMARY KEY (account_id, value_id)
            ) STRICT""",
                    "CREATE INDEX handled_values_by_age ON handled_values (seen_at)",
                    """
            CREATE TABLE account_settings (
                account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (account_id, key)
            ) STRICT""",
                    """
            CREATE TABLE settings (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL
            ) STRICT"""),
            MESSAGES);

    static final int LATEST = MIGRATIONS.size();

    private Schema() {}
}
