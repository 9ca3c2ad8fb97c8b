package org.carillon.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;

/**
 * Daemon processes on a loopback seed node, each in its own data directory named after it,
 * all stopped by {@link #close}.
 */
final class DaemonNetwork implements AutoCloseable {
    private final Path root;
    private final DhtRunner seed;
    private final List<DaemonProcess> running = new ArrayList<>();

    /** The account ids of two daemons' accounts, made confirmed contacts of each other. */
    record Contacts(String first, String second) {}

    private DaemonNetwork(Path root, DhtRunner seed) {
        this.root = root;
        this.seed = seed;
    }

    static DaemonNetwork start(Path root) throws IOException {
        return new DaemonNetwork(
                root,
                DhtRunner.start(DhtConfig.defaults()
                        .withBindAddresses(List.of(InetAddress.getLoopbackAddress()))
                        .withPort(0)));
    }

    int seedPort() {
        return seed.port();
    }

    /** Starts the daemon of data directory {@code name} (again, after a stop or a kill). */
    DaemonProcess daemon(String name) throws Exception {
        DaemonProcess d = DaemonProcess.start(root, root.resolve(name), seed.port());
        running.add(d);
        return d;
    }

    /** Forgets a daemon the test stopped or killed itself. */
    void stopped(DaemonProcess d) {
        running.remove(d);
    }

    /**
     * Creates an account on each daemon, aliased as its data directory, waits until both are
     * announced and has the first ask the second, which accepts.
     */
    Contacts befriend(DaemonProcess a, DaemonProcess b) throws Exception {
        String aliasA = a.dataDir.getFileName().toString();
        String aliasB = b.dataDir.getFileName().toString();
        String first =
                a.call("accounts.create", Map.of("alias", aliasA)).get("id").asText();
        String second =
                b.call("accounts.create", Map.of("alias", aliasB)).get("id").asText();
        a.awaitEvent(e -> e.startsWith("account.announced") && e.contains("\"ok\":true"));
        b.awaitEvent(e -> e.startsWith("account.announced") && e.contains("\"ok\":true"));
        a.call("contacts.add", Map.of("account", aliasA, "contact", second));
        b.awaitEvent(e -> e.startsWith("request.received") && e.contains(first));
        b.call("requests.accept", Map.of("account", aliasB, "from", first));
        a.awaitEvent(e -> e.startsWith("contact.confirmed") && e.contains(second));
        return new Contacts(first, second);
    }

    @Override
    public void close() throws Exception {
        for (DaemonProcess d : running) {
            d.close();
        }
        seed.close();
    }
}
