package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.carillon.dht.InfoHash;
import org.carillon.dht.interop.OutputLines.LineMatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LAN peer discovery between Carillon and a real {@code dhtnode -D}, inside a network namespace
 * that holds only {@code lo} ({@link PrivateNetwork}): dhtnode is started in a new one and
 * Carillon ({@link DiscoveryProbe}, a child JVM) joins it, so no multicast can reach a network.
 * dhtnode is always started first, so its own start-up announcement is sent before Carillon
 * listens; what Carillon hears of it is dhtnode's answer to Carillon's query.
 */
@Timeout(90)
class PeerDiscoveryWithDhtnodeIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long NETWORK = 42;

    @BeforeAll
    static void requirePeers() {
        InteropPeers.requireDhtnode();
        InteropPeers.requirePrivateNetwork();
    }

    private static DhtnodeProcess startDhtnode() {
        return DhtnodeProcess.start(
                DhtnodeProcess.options().name("D-discovery").networkId(NETWORK).peerDiscoveryInPrivateNetwork());
    }

    private static InteropProcess startProbe(DhtnodeProcess d, String mode) {
        List<String> java = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                DiscoveryProbe.class.getName(),
                mode,
                Long.toString(NETWORK)));
        return InteropProcess.start(
                "carillon-probe-" + mode, PrivateNetwork.joining(d.pid(), java), UnaryOperator.identity());
    }

    private static LineMatch await(InteropProcess probe, String regex) {
        return probe.output().awaitMatch(0, Pattern.compile("^PROBE " + regex), WAIT);
    }

    @Test
    void carillonHearsDhtnodeAnswerItsQuery() {
        try (DhtnodeProcess d = startDhtnode();
                InteropProcess probe = startProbe(d, "listen")) {
            LineMatch heard = await(probe, "heard ([0-9a-f]{40}) (\\S+)$");

            assertThat(InfoHash.fromHex(heard.group(1))).isEqualTo(d.nodeId());
            assertThat(heard.group(2)).isEqualTo("127.0.0.1:" + d.port());
        }
    }

    @Test
    void dhtnodeContactsCarillonOnHearingItsAnnouncement() {
        try (DhtnodeProcess d = startDhtnode();
                InteropProcess probe = startProbe(d, "announce")) {
            InfoHash carillon =
                    InfoHash.fromHex(await(probe, "node ([0-9a-f]{40}) ").group(1));

            // The probe's node never contacts anyone: dhtnode entering its table means dhtnode
            // decoded the announcement and pinged the announced port.
            LineMatch table = await(probe, "table ([0-9a-f]{40}) (\\S+)$");
            assertThat(InfoHash.fromHex(table.group(1))).isEqualTo(d.nodeId());
            d.awaitRoutingTableContains(carillon, WAIT);
        }
    }

    @Test
    void carillonWithDiscoveryAndDhtnodeWithDiscoveryJoin() {
        try (DhtnodeProcess d = startDhtnode();
                InteropProcess probe = startProbe(d, "join")) {
            InfoHash carillon =
                    InfoHash.fromHex(await(probe, "node ([0-9a-f]{40}) ").group(1));

            await(probe, "connected$");
            assertThat(probe.output().all()).contains("PROBE table " + d.nodeId() + " 127.0.0.1:" + d.port());
            d.awaitRoutingTableContains(carillon, WAIT);
        }
    }
}
