package org.carillon.core.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The namespace the jamid tests run in really is closed: only lo, no route out, no IPv6. */
class PrivateNetworkIT {
    @Test
    void onlyLoopbackAndNoRouteOut() throws IOException {
        JamiPeers.requirePrivateNetwork();
        assertThat(JamiPeers.interfaceNames()).containsExactly("lo");
        assertThat(Files.readString(Path.of("/proc/sys/net/ipv6/conf/all/disable_ipv6"))
                        .strip())
                .isEqualTo("1");
        try (DatagramChannel channel = DatagramChannel.open()) {
            // RFC 5737 documentation address: in a namespace without routes the kernel refuses at once
            assertThatThrownBy(() ->
                            channel.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress("198.51.100.7", 4222)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("unreachable");
        }
    }
}
