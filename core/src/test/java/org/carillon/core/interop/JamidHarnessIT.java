package org.carillon.core.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.carillon.dht.interop.DhtnodeProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness itself, with no Carillon code in the loop: two jamid accounts on the test's
 * dhtnode exchange a trust request with a vCard and its confirmation, as in the verified recipe.
 * If this fails, the Carillon-facing tests of this package cannot tell anything.
 */
class JamidHarnessIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void trustRequestWithVcardAndConfirmationBetweenTwoJamids() {
        JamiPeers.requireJamid();
        byte[] vcard = "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:alice ☃\r\nEND:VCARD\r\n".getBytes(StandardCharsets.UTF_8);
        try (DhtnodeProcess bootstrap =
                        DhtnodeProcess.start(DhtnodeProcess.options().name("jami-harness-bootstrap"));
                JamiDaemon a = JamiDaemon.start("jamid-A", dir.resolve("A"));
                JamiDaemon b = JamiDaemon.start("jamid-B", dir.resolve("B"))) {
            long t0 = System.nanoTime();
            JamiDaemon.Account alice = a.addAccount("alice", bootstrap.address(), WAIT);
            JamiDaemon.Account bob = b.addAccount("bob", bootstrap.address(), WAIT);
            long registered = System.nanoTime();

            a.sendTrustRequest(alice, bob.uri(), vcard);
            JamiDaemon.Event request =
                    b.awaitEvent("incomingTrustRequest", e -> e.arg(2).equals(alice.uri()), WAIT);
            long received = System.nanoTime();
            assertThat(request.arg(0)).isEqualTo(bob.localId());
            assertThat(Base64.getDecoder().decode(request.arg(3))).isEqualTo(vcard);
            JsonNode pending = b.trustRequests(bob);
            assertThat(pending).hasSize(1);
            assertThat(pending.get(0).path("from").asText()).isEqualTo(alice.uri());

            assertThat(b.acceptTrustRequest(bob, alice.uri())).isTrue();
            a.awaitEvent(
                    "contactAdded",
                    e -> e.arg(0).equals(alice.localId())
                            && e.arg(1).equals(bob.uri())
                            && e.args().get(2).asBoolean(),
                    WAIT);
            long confirmed = System.nanoTime();
            assertThat(b.contacts(bob).findValues("id"))
                    .extracting(JsonNode::asText)
                    .contains(alice.uri());
            System.out.printf(
                    "[interop] jamid %s harness: registered %d ms, request received %d ms later, confirmed %d ms later%n",
                    JamiPeers.jamidPackageVersion(),
                    (registered - t0) / 1_000_000,
                    (received - registered) / 1_000_000,
                    (confirmed - received) / 1_000_000);
        }
    }
}
