package org.carillon.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.carillon.dht.state.NodeStateFile;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.NodeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes on real loopback sockets: one restarts and finds its way back through its state file. */
@Timeout(60)
class RejoinFromStateFileTest {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private static DhtConfig onLoopback() throws Exception {
        return DhtConfig.defaults().withPort(0).withBindAddresses(List.of(InetAddress.getByName("127.0.0.1")));
    }

    private static InetSocketAddress addressOf(DhtRunner node) throws Exception {
        return new InetSocketAddress(InetAddress.getByName("127.0.0.1"), node.port());
    }

    @Test
    void aRestartedNodeRejoinsThroughItsSavedNodesWithoutBootstrap() throws Exception {
        Path file = dir.resolve("b.state");
        try (DhtRunner a = DhtRunner.start(onLoopback())) {
            DhtRunner b = DhtRunner.start(
                    onLoopback().withBootstrap(List.of(addressOf(a))).withStateFile(file));
            await("B joined through A", () -> b.isConnected(Family.IPV4));
            b.close();

            assertThat(NodeStateFile.read(file))
                    .isEqualTo(new NodeStateFile.Nodes(List.of(new NodeInfo(a.nodeId(), addressOf(a))), 0));

            try (DhtRunner restarted = DhtRunner.start(onLoopback().withStateFile(file))) {
                assertThat(restarted.routingTable(Family.IPV4)).isNotEmpty(); // A, as heard of
                await("the restarted B connected through A", () -> restarted.isConnected(Family.IPV4));
                await(
                        "A knows the restarted B",
                        () -> a.routingTable(Family.IPV4).stream().anyMatch(n -> n.id().equals(restarted.nodeId())));
            }
        }
    }

    @Test
    void aNodeWithACorruptStateFileStillStartsAndReplacesItOnClose() throws Exception {
        Path file = java.nio.file.Files.writeString(
                dir.resolve("b.state"), NodeStateFile.HEADER + "\nthis line is not a node\n");
        try (DhtRunner a = DhtRunner.start(onLoopback())) {
            DhtRunner b = DhtRunner.start(
                    onLoopback().withBootstrap(List.of(addressOf(a))).withStateFile(file));
            await("B joined through A", () -> b.isConnected(Family.IPV4));
            b.close();
        }

        assertThat(NodeStateFile.read(file)).isInstanceOf(NodeStateFile.Nodes.class);
        assertThat(((NodeStateFile.Nodes) NodeStateFile.read(file)).nodes()).hasSize(1);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + WAIT.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }
}
