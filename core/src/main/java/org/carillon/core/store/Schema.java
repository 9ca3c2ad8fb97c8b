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

    static final List<List<String>> MIGRATIONS = List.of(List.of(
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
            ) STRICT"""));

    static final int LATEST = MIGRATIONS.size();

    private Schema() {}
}
