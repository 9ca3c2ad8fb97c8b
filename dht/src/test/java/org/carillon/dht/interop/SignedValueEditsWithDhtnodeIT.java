package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.ValueSigning;
import org.carillon.dht.interop.DhtnodeConsole.ConsoleValue;
import org.carillon.dht.wire.Family;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Storage nodes' edit policy (§9.3) with real traffic: a Carillon node puts a value, then a
 * replacement with the same id, through its plain put (no check on the way out); three dhtnode
 * 2.4.12 storage nodes and a Carillon storage node decide. A dhtnode's get (which reaches the
 * dhtnodes' storage only: the putting node does not store its own values) and the Carillon
 * storage node's contents must show the value the policy keeps.
 *
 * <p>An unsigned value over a signed one is not among the scenarios: it crashes dhtnode (see
 * {@link DhtnodeEditPolicyCrashIT}); Carillon's storage refuses it ({@code StorageNodeTest}).
 */
@Timeout(180)
class SignedValueEditsWithDhtnodeIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final long ID = 0x5eed;
    private static final int UNREGISTERED_TYPE = 4242;
    private static final Pattern SEQ = Pattern.compile("signed \\(v(\\d+)\\)");

    private static final List<DhtnodeProcess> dhtnodes = new ArrayList<>();
    private static DhtRunner storage;
    private static DhtRunner putter;
    private static KeyPair owner;
    private static KeyPair other;
    /** Scenario name → the value every storage node must hold once both puts are done. */
    private static final Map<String, Value> kept = new LinkedHashMap<>();

    @BeforeAll
    static void putOriginalsThenReplacements() throws Exception {
        InteropPeers.requireDhtnode();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        owner = g.generateKeyPair();
        other = g.generateKeyPair();

        DhtnodeProcess first = DhtnodeProcess.start(DhtnodeProcess.options().name("E0"));
        dhtnodes.add(first);
        for (int i = 1; i < 3; i++) {
            dhtnodes.add(
                    DhtnodeProcess.start(DhtnodeProcess.options().name("E" + i).bootstrap(first)));
        }
        storage = carillon(first);
        putter = carillon(first);
        awaitConnected(storage);
        awaitConnected(putter);
        // Every put must reach every storage node, the first as the second: introduce the nodes
        // to each other and wait until the putter and the dhtnodes know all of them.
        for (DhtnodeProcess d : dhtnodes) {
            putter.bootstrap(d.address());
            d.ping(Loopback.ipv4(storage.port()));
            // a dhtnode that joined before another may not hear of it for minutes on its own
            for (DhtnodeProcess peer : dhtnodes) {
                if (peer != d) {
                    d.ping(peer.address());
                }
            }
        }
        putter.bootstrap(Loopback.ipv4(storage.port()));
        List<InfoHash> storageNodes = new ArrayList<>(List.of(storage.nodeId()));
        dhtnodes.forEach(d -> storageNodes.add(d.nodeId()));
        awaitKnows(putter, storageNodes);
        for (DhtnodeProcess d : dhtnodes) {
            for (InfoHash id : storageNodes) {
                if (!id.equals(d.nodeId())) {
                    d.awaitRoutingTableContains(id, WAIT);
                }
            }
        }

        Map<String, CompletableFuture<Long>> puts = new LinkedHashMap<>();
        scenario(puts, "edit-with-higher-seq", signed("original", owner, 5), signed("edited", owner, 6), false);
        scenario(puts, "rollback-to-lower-seq", signed("original", owner, 5), signed("rolled-back", owner, 4), true);
        scenario(puts, "same-seq-other-content", signed("original", owner, 5), signed("same-seq", owner, 5), true);
        scenario(puts, "other-owner", signed("original", owner, 5), signed("hijack", other, 6), true);
        scenario(
                puts,
                "other-owner-other-type",
                signed("original", owner, 5),
                ValueSigning.sign(text("hijack", UNREGISTERED_TYPE), other, 6),
                true);
        scenario(puts, "unsigned-over-unsigned", text("original", 0), text("overwritten", 0), true);
        scenario(
                puts,
                "unsigned-over-unsigned-other-type",
                text("original", 0),
                text("overwritten", UNREGISTERED_TYPE),
                true);
        scenario(
                puts,
                "unsigned-over-unsigned-unregistered-type",
                text("original", UNREGISTERED_TYPE),
                text("overwritten", UNREGISTERED_TYPE),
                true);
        scenario(
                puts,
                "owner-edit-of-unregistered-type",
                ValueSigning.sign(text("original", UNREGISTERED_TYPE), owner, 5),
                ValueSigning.sign(text("edited", UNREGISTERED_TYPE), owner, 6),
                true);
        for (var e : puts.entrySet()) {
            assertThat(e.getValue().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .as(e.getKey())
                    .isEqualTo(ID);
        }
    }

    /** Puts {@code original}, then once acknowledged {@code replacement}, at the scenario's key. */
    private static void scenario(
            Map<String, CompletableFuture<Long>> puts,
            String name,
            Value original,
            Value replacement,
            boolean originalStays) {
        InfoHash key = key(name);
        kept.put(name, originalStays ? original : replacement);
        puts.put(name, putter.put(key, original).thenCompose(id -> putter.put(key, replacement)));
    }

    @AfterAll
    static void stop() {
        for (DhtRunner r : new DhtRunner[] {putter, storage}) {
            if (r != null) {
                r.close();
            }
        }
        dhtnodes.forEach(DhtnodeProcess::close);
    }

    @Test
    void theOwnerEditsItsSignedValueWithAHigherSeq() {
        assertKept("edit-with-higher-seq");
    }

    @Test
    void aSignedValueIsNotRolledBackToALowerSeq() {
        assertKept("rollback-to-lower-seq");
    }

    @Test
    void theSameSeqWithOtherContentDoesNotReplaceASignedValue() {
        assertKept("same-seq-other-content");
    }

    @Test
    void anotherOwnerCannotOverwriteASignedValue() {
        assertKept("other-owner");
    }

    @Test
    void anotherOwnerCannotOverwriteASignedValueUnderAnotherType() {
        assertKept("other-owner-other-type");
    }

    @Test
    void anUnsignedValueIsNeverReplacedByOtherContent() {
        assertKept("unsigned-over-unsigned");
    }

    @Test
    void anUnsignedValueIsNotReplacedUnderAnotherType() {
        assertKept("unsigned-over-unsigned-other-type");
    }

    @Test
    void anUnsignedValueOfAnUnregisteredTypeIsNotReplaced() {
        assertKept("unsigned-over-unsigned-unregistered-type");
    }

    @Test
    void noSignedValueOfAnUnregisteredTypeIsEditedEvenByItsOwner() {
        assertKept("owner-edit-of-unregistered-type");
    }

    private static void assertKept(String scenario) {
        Value expected = kept.get(scenario);
        String text = new String(expected.data(), StandardCharsets.UTF_8);
        InfoHash key = key(scenario);

        List<ConsoleValue> seen = dhtnodes.get(1).get(key).values();
        assertThat(seen).as("dhtnode's get").isNotEmpty().allSatisfy(v -> {
            assertThat(v.id()).isEqualTo(ID);
            assertThat(v.text()).isEqualTo(text);
            assertThat(v.signed()).isEqualTo(expected.isSigned());
            if (expected.isSigned()) {
                assertThat(seq(v)).isEqualTo(expected.seq());
            }
        });

        assertThat(storage.storedValues().getOrDefault(key, List.of()))
                .as("Carillon storage node")
                .containsExactly(expected);
    }

    private static int seq(ConsoleValue v) {
        Matcher m = SEQ.matcher(v.line());
        if (!m.find()) {
            throw new AssertionError("no seq in " + v.line());
        }
        return Integer.parseInt(m.group(1));
    }

    private static InfoHash key(String scenario) {
        return InfoHash.fromUserKey("edits-" + scenario);
    }

    private static Value signed(String s, KeyPair key, int seq) {
        return ValueSigning.sign(text(s, 0), key, seq);
    }

    private static Value text(String s, int type) {
        return Value.of(ID, type, s.getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    private static DhtRunner carillon(DhtnodeProcess bootstrap) throws java.io.IOException {
        return DhtRunner.start(DhtConfig.defaults()
                .withPort(0)
                .withBindAddresses(List.of(Loopback.IPV4))
                .withBootstrap(List.of(bootstrap.address())));
    }

    private static void awaitKnows(DhtRunner r, List<InfoHash> ids) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!r.routingTable(Family.IPV4).stream().map(n -> n.id()).toList().containsAll(ids)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Carillon does not know all of " + ids + " after " + WAIT.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    private static void awaitConnected(DhtRunner r) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!r.isConnected(Family.IPV4)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Carillon did not connect to the dhtnodes");
            }
            Thread.sleep(100);
        }
    }
}
