package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.ValueSigning;
import org.carillon.dht.wire.Family;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A flaw of OpenDHT 2.4.12 (still in 4.x) that Carillon must never trigger: the edit policy of
 * the signed types ({@code SecureDht::secureType}) compares {@code *o->owner != *n->owner}
 * before checking that the replacement is signed, so an <em>unsigned</em> value put with the id
 * of a stored signed value dereferences a null owner and the storage node dies (SIGSEGV; seen
 * when Carillon's puts did not probe first). Carillon's storage refuses that edit ({@code
 * StorageNodeTest}), and Carillon's put asks each node for the id's seq first and sends nothing
 * to a node that holds the id, so it never sends the value that kills a 2.4.12 node.
 */
@Timeout(120)
class DhtnodeEditPolicyCrashIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long ID = 0x5eed;
    private static final int SIGSEGV = 128 + 11;

    @Test
    void carillonNeverSendsTheUnsignedReplacementThatCrashesDhtnode() throws Exception {
        InteropPeers.requireDhtnode();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair owner = g.generateKeyPair();
        KeyPair other = g.generateKeyPair();
        InfoHash key = InfoHash.fromUserKey("crash-" + ProcessHandle.current().pid());
        try (DhtnodeProcess dhtnode =
                        DhtnodeProcess.start(DhtnodeProcess.options().name("C"));
                DhtRunner carillon = DhtRunner.start(DhtConfig.defaults()
                        .withPort(0)
                        .withBindAddresses(List.of(Loopback.IPV4))
                        .withBootstrap(List.of(dhtnode.address())))) {
            awaitConnected(carillon);
            put(carillon, key, ValueSigning.sign(text("original"), owner, 5));
            // Refused edits that are signed leave the node running ...
            put(carillon, key, ValueSigning.sign(text("hijack"), other, 6));
            put(carillon, key, ValueSigning.sign(text("rolled-back"), owner, 4));
            assertThat(dhtnode.awaitExit(Duration.ofSeconds(2))).isEmpty();
            assertThat(dhtnode.get(key).texts()).containsExactly("original");

            // ... and the unsigned one, which would kill it, is never sent: the probe finds the id.
            put(carillon, key, text("unsigned"));
            OptionalInt exit = dhtnode.awaitExit(Duration.ofSeconds(5));
            assertThat(exit)
                    .as("dhtnode exit code (%d would be SIGSEGV)", SIGSEGV)
                    .isEmpty();
            assertThat(dhtnode.get(key).texts()).containsExactly("original");
        }
    }

    private static void put(DhtRunner carillon, InfoHash key, Value v) throws Exception {
        assertThat(carillon.put(key, v).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ID);
    }

    private static Value text(String s) {
        return Value.of(ID, 0, s.getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    private static void awaitConnected(DhtRunner r) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!r.isConnected(Family.IPV4)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Carillon did not connect to dhtnode");
            }
            Thread.sleep(100);
        }
    }
}
