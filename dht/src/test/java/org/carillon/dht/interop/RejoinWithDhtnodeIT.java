package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.state.NodeStateFile;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.NodeInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A Carillon node restarts with no bootstrap address and rejoins a real dhtnode through its state file. */
@Timeout(60)
class RejoinWithDhtnodeIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePeers() {
        InteropPeers.requireDhtnode();
    }

    private static DhtConfig onLoopback() {
        return DhtConfig.defaults().withPort(0).withBindAddresses(List.of(Loopback.IPV4));
    }

    @Test
    void carillonRejoinsDhtnodeThroughItsSavedState() throws Exception {
        Path file = dir.resolve("carillon.state");
        try (DhtnodeProcess d = DhtnodeProcess.start(DhtnodeProcess.options().name("D"))) {
            DhtRunner first = DhtRunner.start(
                    onLoopback().withBootstrap(List.of(d.address())).withStateFile(file));
            await("Carillon joined D", () -> first.isConnected(Family.IPV4));
            first.close();

            assertThat(NodeStateFile.read(file))
                    .isEqualTo(new NodeStateFile.Nodes(List.of(new NodeInfo(d.nodeId(), d.address())), 0));
            assertThat(Files.readString(file)).contains(d.nodeId() + " 127.0.0.1:" + d.port());

            try (DhtRunner restarted = DhtRunner.start(onLoopback().withStateFile(file))) {
                await("the restarted node connected through D", () -> restarted.isConnected(Family.IPV4));
                d.awaitRoutingTableContains(restarted.nodeId(), WAIT);
            }
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }
}
