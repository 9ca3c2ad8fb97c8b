/**
 * What the daemon keeps on disk, in its {@link org.carillon.core.store.DataDirectory} ({@code
 * $CARILLON_HOME}, else {@code $XDG_DATA_HOME/carillon}, else {@code
 * ~/.local/share/carillon}; directories 700, files 600):
 *
 * <pre>
 * carillon.db              SQLite (WAL, synchronous=FULL, foreign keys): accounts, devices,
 *                          contacts, trust_requests, handled_values, account_settings, settings;
 *                          messages (with message_text, its FTS5 index), pending_deliveries,
 *                          contact_devices
 * accounts/&lt;account id&gt;/  KeyFiles: ca.crt [ca.pem] account.crt account.pem
 *                          device.crt device.pem eth.pem
 * </pre>
 *
 * <p>Crash safety: every database change is a transaction ({@link
 * org.carillon.core.store.Database#inTransaction}), schema migrations included, each with the
 * {@code user_version} it sets; a key save replaces the whole set of files or nothing ({@link
 * org.carillon.core.store.KeyFiles}). {@code StoreCrashIT} kills writers of both (and of
 * messages with their deliveries) with SIGKILL at random moments and checks what is left.
 */
package org.carillon.core.store;
