package org.carillon.core.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.interop.DhtnodeProcess;
import org.carillon.dht.interop.Loopback;
import org.carillon.dht.wire.Family;

/**
 * A dhtnode as the bootstrap of a loopback DHT, a real jamid on it and a Carillon node
 * connected to it: what a test of Carillon accounts against jamid starts once. Skips the test
 * (see {@link JamiPeers}) without jamid.
 */
final class JamiNetwork implements AutoCloseable {
    final DhtnodeProcess bootstrap;
    final JamiDaemon jamid;
    final DhtRunner runner;

    private JamiNetwork(DhtnodeProcess bootstrap, JamiDaemon jamid, DhtRunner runner) {
        this.bootstrap = bootstrap;
        this.jamid = jamid;
        this.runner = runner;
    }

    /** @param name names the bootstrap's log; jamid keeps its files in {@code dir} */
    static JamiNetwork start(String name, Path dir, Duration wait) throws Exception {
        JamiPeers.requireJamid();
        DhtnodeProcess bootstrap = DhtnodeProcess.start(DhtnodeProcess.options().name(name + "-bootstrap"));
        JamiDaemon jamid = null;
        DhtRunner runner = null;
        try {
            jamid = JamiDaemon.start("jamid", dir.resolve("jamid"));
            runner = DhtRunner.start(DhtConfig.defaults()
                    .withPort(0)
                    .withBindAddresses(List.of(Loopback.IPV4))
                    .withBootstrap(List.of(bootstrap.address())));
            long deadline = System.nanoTime() + wait.toNanos();
            while (!runner.isConnected(Family.IPV4)) {
                assertThat(System.nanoTime())
                        .as("Carillon connected to the dhtnode")
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
            return new JamiNetwork(bootstrap, jamid, runner);
        } catch (Exception | Error e) {
            new JamiNetwork(bootstrap, jamid, runner).close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (runner != null) {
            runner.close();
        }
        if (jamid != null) {
            jamid.close();
        }
        bootstrap.close();
    }
}
