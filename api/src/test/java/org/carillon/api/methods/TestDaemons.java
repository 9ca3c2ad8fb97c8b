package org.carillon.api.methods;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.carillon.core.account.AccountGenerator;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;

/** {@link TestDaemon}s on a loopback seed node, each in a directory named after it, all stopped by {@link #close}. */
final class TestDaemons implements AutoCloseable {
    private final Path root;
    private final DhtRunner seed;
    private final List<TestDaemon> running = new ArrayList<>();

    TestDaemons(Path root) throws IOException {
        this.root = root;
        this.seed = DhtRunner.start(DhtConfig.defaults()
                .withBindAddresses(List.of(InetAddress.getLoopbackAddress()))
                .withPort(0));
    }

    /** A daemon making 2048-bit keys (4096 would take seconds per account). */
    TestDaemon daemon(String name) throws Exception {
        return daemon(name, new AccountGenerator(new SecureRandom(), 2048));
    }

    TestDaemon daemon(String name, AccountGenerator generator) throws Exception {
        TestDaemon d = new TestDaemon(root.resolve(name), seed.port(), generator);
        running.add(d);
        return d;
    }

    /** Forgets a daemon the test stopped itself. */
    void stopped(TestDaemon d) {
        running.remove(d);
    }

    @Override
    public void close() throws Exception {
        for (TestDaemon d : running) {
            d.close();
        }
        seed.close();
    }
}
