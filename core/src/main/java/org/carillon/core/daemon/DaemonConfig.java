package org.carillon.core.daemon;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.carillon.core.message.MessagePolicy;

/**
 * The daemon's settings, from {@code carillon.conf} in the data directory: {@code key = value}
 * lines, {@code #} comments. The file is written with every key, its default and a comment when
 * it does not exist, so a user sees what can be set. A wrong line is an error naming the file,
 * the line and what was expected; unknown keys too (a typo should not be silently ignored).
 *
 * @param dhtPort the DHT node's UDP port (the next free one is taken when it is busy)
 * @param bootstrap nodes to join through, besides the saved routing table
 * @param apiBind where the API listens (beyond loopback, over TLS with the daemon's certificate)
 * @param logLevel the log file's level: error, warn, info, debug, trace
 * @param messageMaxAge how long an unacknowledged message is kept publishing
 */
public record DaemonConfig(
        int dhtPort, List<String> bootstrap, InetSocketAddress apiBind, String logLevel, Duration messageMaxAge) {
    public static final String FILE = "carillon.conf";
    public static final String DEFAULT_BOOTSTRAP = "bootstrap.jami.net:4222";

    public static final DaemonConfig DEFAULTS = new DaemonConfig(
            4222, List.of(DEFAULT_BOOTSTRAP), new InetSocketAddress("127.0.0.1", 7422), "info", Duration.ofDays(30));

    private static final List<String> KEYS =
            List.of("dht.port", "dht.bootstrap", "api.bind", "log.level", "messages.keep-days");
    private static final List<String> LEVELS = List.of("error", "warn", "info", "debug", "trace");

    /** A line of the file that is not a valid setting: the file, the line and what was expected. */
    public static final class InvalidConfigException extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidConfigException(String message) {
            super(message);
        }
    }

    public DaemonConfig {
        bootstrap = List.copyOf(bootstrap);
    }

    /** The keys a file may set, in the order the defaults list them. */
    public static List<String> keys() {
        return KEYS;
    }

    /** Each key's value as the file would write it (what {@link #render} puts after the key). */
    public Map<String, String> values() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("dht.port", Integer.toString(dhtPort));
        v.put("dht.bootstrap", String.join(", ", bootstrap));
        v.put("api.bind", hostPort(apiBind));
        v.put("log.level", logLevel);
        v.put("messages.keep-days", Long.toString(messageMaxAge.toDays()));
        return v;
    }

    /**
     * Sets {@code key} to {@code value} in {@code dir/carillon.conf}: the key's line is replaced
     * (or added at the end), every other line and comment kept. The result is checked as {@link
     * #load} would check it before the file is replaced (atomically), so a wrong value leaves
     * the file as it was and fails with the same {@link InvalidConfigException} text.
     *
     * @return the settings the file now holds
     */
    public static DaemonConfig set(Path dir, String key, String value) throws IOException {
        Path file = dir.resolve(FILE);
        if (!KEYS.contains(key)) {
            throw new InvalidConfigException(
                    file + ": unknown key '" + abbreviate(key) + "' (known: " + String.join(", ", KEYS) + ")");
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new InvalidConfigException(file + ": the value of '" + key + "' is one line");
        }
        if (!Files.exists(file)) {
            Files.writeString(file, DEFAULTS.render(), StandardCharsets.UTF_8);
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        String line = key + " = " + value.strip();
        boolean replaced = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            int eq = l.indexOf('=');
            if (!l.startsWith("#") && eq > 0 && l.substring(0, eq).strip().equals(key)) {
                lines.set(i, line);
                replaced = true;
            }
        }
        if (!replaced) {
            lines.add(line);
        }
        DaemonConfig updated = parse(file, lines);
        Path temp = Files.createTempFile(dir, "." + FILE + ".", ".tmp");
        try {
            Files.write(temp, lines, StandardCharsets.UTF_8);
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        return updated;
    }

    /** Reads {@code dir/carillon.conf}, writing the commented defaults first when there is none. */
    public static DaemonConfig load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            Files.writeString(file, DEFAULTS.render(), StandardCharsets.UTF_8);
        }
        return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /**
     * The settings of {@code dir}'s {@code carillon.conf} for a command that runs without the
     * daemon: the defaults when there is no file, which is left for the daemon to write.
     */
    public static DaemonConfig loadIfPresent(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        return Files.exists(file) ? parse(file, Files.readAllLines(file, StandardCharsets.UTF_8)) : DEFAULTS;
    }

    /** How messages are kept and republished with these settings. */
    public MessagePolicy messagePolicy() {
        return MessagePolicy.DEFAULT.withMaxAge(messageMaxAge);
    }

    static DaemonConfig parse(Path file, List<String> lines) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw error(file, i, "expected 'key = value', found '" + abbreviate(line) + "'");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            if (!KEYS.contains(key)) {
                throw error(file, i, "unknown key '" + abbreviate(key) + "' (known: " + String.join(", ", KEYS) + ")");
            }
            if (values.put(key, value) != null) {
                throw error(file, i, "'" + key + "' is set twice");
            }
            lineOf.put(key, i);
        }
        int port = DEFAULTS.dhtPort;
        List<String> bootstrap = DEFAULTS.bootstrap;
        InetSocketAddress api = DEFAULTS.apiBind;
        String level = DEFAULTS.logLevel;
        Duration age = DEFAULTS.messageMaxAge;
        if (values.containsKey("dht.port")) {
            port = integer(file, values, lineOf, "dht.port", 1, 65535);
        }
        if (values.containsKey("dht.bootstrap")) {
            bootstrap = new ArrayList<>();
            for (String b : values.get("dht.bootstrap").split(",")) {
                if (!b.isBlank()) {
                    bootstrap.add(b.strip());
                }
            }
        }
        if (values.containsKey("api.bind")) {
            String v = values.get("api.bind");
            int colon = v.lastIndexOf(':');
            if (colon <= 0) {
                throw error(file, line(lineOf, "api.bind"), "'api.bind' is host:port, not '" + abbreviate(v) + "'");
            }
            int apiPort = integer(file, lineOf, "api.bind", v.substring(colon + 1), 0, 65535);
            api = new InetSocketAddress(v.substring(0, colon).replace("[", "").replace("]", ""), apiPort);
            if (api.isUnresolved()) {
                throw error(
                        file,
                        line(lineOf, "api.bind"),
                        "'api.bind' names no address: '" + abbreviate(v.substring(0, colon)) + "' is unknown");
            }
        }
        if (values.containsKey("log.level")) {
            level = values.get("log.level").toLowerCase(Locale.ROOT);
            if (!LEVELS.contains(level)) {
                throw error(file, line(lineOf, "log.level"), "'log.level' is one of " + LEVELS);
            }
        }
        if (values.containsKey("messages.keep-days")) {
            age = Duration.ofDays(integer(file, values, lineOf, "messages.keep-days", 1, 365));
        }
        return new DaemonConfig(port, bootstrap, api, level, age);
    }

    /** The file as written the first time: every key with its value and what it means. */
    public String render() {
        return """
                # Carillon daemon settings. Lines are 'key = value'; '#' starts a comment.
                # The daemon reads this file at start and again when it changes.

                # UDP port of the DHT node (the next free port is taken when this one is busy)
                dht.port = %d

                # Nodes to join the DHT through, comma-separated host:port (empty: only the saved routing table)
                dht.bootstrap = %s

                # Where the API (JSON-RPC 2.0 over WebSocket) listens. Any other address than loopback
                # is served over TLS only, with a self-signed certificate made in api-tls.p12
                # (clients pin the SHA-256 fingerprint the daemon prints)
                api.bind = %s

                # Detail of the log file: error, warn, info, debug or trace
                log.level = %s

                # Days an unacknowledged message keeps being published for an offline contact
                messages.keep-days = %d
                """.formatted(
                        dhtPort, String.join(", ", bootstrap), hostPort(apiBind), logLevel, messageMaxAge.toDays());
    }

    private static String hostPort(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static int integer(
            Path file, Map<String, String> values, Map<String, Integer> lineOf, String key, int min, int max)
            throws IOException {
        return integer(file, lineOf, key, values.get(key), min, max);
    }

    private static int integer(Path file, Map<String, Integer> lineOf, String key, String text, int min, int max)
            throws IOException {
        try {
            int n = Integer.parseInt(text.strip());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(
                file,
                line(lineOf, key),
                "'" + key + "' must be a number from " + min + " to " + max + ", not '" + abbreviate(text) + "'");
    }

    private static int line(Map<String, Integer> lineOf, String key) {
        return lineOf.get(key);
    }

    private static InvalidConfigException error(Path file, int index, String what) {
        return new InvalidConfigException(file + ":" + (index + 1) + ": " + what);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
