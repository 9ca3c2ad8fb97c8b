package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The fixture's safety rails, without starting any peer. */
class FixtureSafetyTest {
    @Test
    void onlyLiteralLoopbackAddressesAreAccepted() throws Exception {
        assertThat(Loopback.requireLoopback(Loopback.ipv4(4301))).isEqualTo("127.0.0.1:4301");
        assertThat(Loopback.requireLoopback(Loopback.ipv6(4301))).isEqualTo("[::1]:4301");
        assertThat(Loopback.requireLoopback(new InetSocketAddress(InetAddress.getByName("::1"), 7)))
                .isEqualTo("[::1]:7");

        for (InetSocketAddress bad : new InetSocketAddress[] {
            InetSocketAddress.createUnresolved("bootstrap.jami.net", 4222),
            new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 4222),
            new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 4222),
            new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 4222),
            Loopback.ipv4(0),
        }) {
            assertThatThrownBy(() -> Loopback.requireLoopback(bad))
                    .as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> DhtnodeProcess.options().bootstrap(InetSocketAddress.createUnresolved("localhost", 1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PythonOpendhtNode.options()
                        .bootstrap(new InetSocketAddress(InetAddress.getByName("192.168.1.1"), 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dhtnodeCommandLineNeverEnablesDiscovery() {
        var cmd = DhtnodeProcess.options()
                .bootstrap(Loopback.ipv4(4301))
                .networkId(42)
                .noRateLimit()
                .command(Path.of("/usr/bin/dhtnode"), 4302);
        assertThat(cmd)
                .containsExactly("/usr/bin/dhtnode", "-p", "4302", "-b", "127.0.0.1:4301", "-n", "42", "-U", "-v")
                .doesNotContain("-D", "--peer-discovery");
    }

    @Test
    void dhtnodeDiscoversOnlyInANamespaceThatHoldsNothingButLoopback() {
        var cmd = DhtnodeProcess.options()
                .networkId(42)
                .peerDiscoveryInPrivateNetwork()
                .command(Path.of("/usr/bin/dhtnode"), 4302);

        assertThat(cmd.subList(0, 5)).containsExactly("unshare", "-n", "sh", "-c", PrivateNetwork.SETUP);
        assertThat(cmd.subList(5, cmd.size()))
                .containsExactly("/usr/bin/dhtnode", "-p", "4302", "-n", "42", "-v", "-D");
        assertThat(PrivateNetwork.SETUP)
                .startsWith("[ \"$(ip -o link show | wc -l)\" -eq 1 ]")
                .contains("exit 97")
                .endsWith("exec \"$0\" \"$@\"");
    }

    @Test
    void theNamespaceSetupRefusesToRunWhereThereIsARealInterface() throws Exception {
        boolean onlyLoopback = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .allMatch(i -> {
                    try {
                        return i.isLoopback();
                    } catch (java.net.SocketException e) {
                        return false;
                    }
                });
        org.junit.jupiter.api.Assumptions.assumeFalse(onlyLoopback, "this host itself has nothing but loopback");

        // Run in this (the host's) namespace, as if unshare had silently not happened.
        Process p = new ProcessBuilder("sh", "-c", PrivateNetwork.SETUP, "echo", "the command ran")
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(p.waitFor()).isEqualTo(97);
        assertThat(output).contains("refusing").doesNotContain("the command ran");
    }

    @Test
    void freePortsAreFreeOnBothWildcardsAndDistinct() throws Exception {
        int[] ports = FreePorts.udpPorts(5);
        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(5);
        for (int port : ports) {
            assertThat(FreePorts.isUdpPortFree(port)).isTrue();
        }
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0))) {
            assertThat(FreePorts.isUdpPortFree(taken.getLocalPort())).isFalse();
        }
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(Loopback.IPV4, 0))) {
            assertThat(FreePorts.isUdpPortFree(taken.getLocalPort())).isFalse();
        }
    }
}
