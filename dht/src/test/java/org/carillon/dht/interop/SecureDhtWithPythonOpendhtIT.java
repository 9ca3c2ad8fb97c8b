package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.CertificateValues;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityGenerator;
import org.carillon.dht.crypto.ValueEncryption;
import org.carillon.dht.crypto.ValueSigning;
import org.carillon.dht.interop.PythonOpendhtNode.PeerIdentity;
import org.carillon.dht.secure.SecureDht;
import org.carillon.dht.wire.Family;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Carillon's SecureDht and a python3-opendht 2.4.12 node that has an identity ({@code
 * DhtConfig.setIdentity}), on loopback with three plain dhtnodes as storage nodes. The Python
 * node is OpenDHT's SecureDht: it verifies signed values, decrypts those addressed to it and
 * drops the rest; its bindings cannot put signed or encrypted values (the other direction is
 * {@link SecureDhtWithDhtnodeIT}).
 */
@Timeout(180)
class SecureDhtWithPythonOpendhtIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** No 2.4.12 node registers this type: storage nodes keep such values without checking signatures. */
    private static final int UNREGISTERED_TYPE = 4242;

    private static final List<DhtnodeProcess> dhtnodes = new ArrayList<>();
    private static PythonOpendhtNode python;
    private static PythonOpendhtNode pythonWithoutIdentity;
    private static PeerIdentity pythonIdentity;
    private static DhtRunner runner;
    private static SecureDht carillon;

    @BeforeAll
    static void network() throws Exception {
        InteropPeers.requireDhtnode();
        InteropPeers.requirePythonOpendht();
        IdentityGenerator g = new IdentityGenerator(new SecureRandom());
        Identity me = g.identity("Carillon", g.certificateAuthority("Carillon CA"), 2048);

        DhtnodeProcess first = DhtnodeProcess.start(DhtnodeProcess.options().name("S0"));
        dhtnodes.add(first);
        for (int i = 1; i < 3; i++) {
            dhtnodes.add(
                    DhtnodeProcess.start(DhtnodeProcess.options().name("S" + i).bootstrap(first)));
        }
        python = PythonOpendhtNode.start(
                PythonOpendhtNode.options().name("P").bootstrap(first).identityBits(2048));
        pythonWithoutIdentity =
                PythonOpendhtNode.start(PythonOpendhtNode.options().name("Q").bootstrap(first));
        pythonIdentity = python.identity().orElseThrow();
        runner = DhtRunner.start(DhtConfig.defaults()
                .withPort(0)
                .withBindAddresses(List.of(Loopback.IPV4))
                .withBootstrap(List.of(first.address())));
        awaitConnected(runner);
        python.awaitRoutingTableContains(first.nodeId(), WAIT);
        carillon = new SecureDht(runner, me, new SecureRandom());
        carillon.publishCertificate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (runner != null) {
            runner.close();
        }
        for (AutoCloseable p : new AutoCloseable[] {python, pythonWithoutIdentity}) {
            try {
                if (p != null) {
                    p.close();
                }
            } catch (Exception e) {
                // keep stopping the others
            }
        }
        dhtnodes.forEach(DhtnodeProcess::close);
    }

    @Test
    void pythonVerifiesValuesCarillonSignedAndTheirEdits() throws Exception {
        InfoHash key = InfoHash.fromUserKey("py-signed-by-carillon");
        long id = carillon.putSigned(key, text("first-version"), false).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(python.get(key)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo(id);
            assertThat(v.text()).isEqualTo("first-version");
            assertThat(v.userType()).isEqualTo("text/plain");
            assertThat(v.signed()).as("signed, signature verified by OpenDHT").isTrue();
            assertThat(v.owner()).isEqualTo(carillon.identity().id());
            assertThat(v.seq()).isZero();
            assertThat(v.recipient()).isNull();
        });

        // The same value id again: SecureDht finds seq 0 on the DHT and signs seq 1; the
        // dhtnodes' edit policy takes it and the Python node verifies the new version.
        carillon.putSigned(key, text("second-version").withId(id), false).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(python.get(key)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo(id);
            assertThat(v.text()).isEqualTo("second-version");
            assertThat(v.owner()).isEqualTo(carillon.identity().id());
            assertThat(v.seq()).isEqualTo(1);
        });
    }

    @Test
    void pythonListenHearsAValueCarillonSigned() throws Exception {
        InfoHash key = InfoHash.fromUserKey("py-listens-for-signed");
        try (PythonOpendhtNode.Listen listen = python.listen(key)) {
            long id = carillon.putSigned(key, text("pushed-signed"), false).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            var event = listen.awaitValue(bytes("pushed-signed"), WAIT);
            assertThat(event.expired()).isFalse();
            assertThat(event.value().id()).isEqualTo(id);
            assertThat(event.value().owner()).isEqualTo(carillon.identity().id());
        }
    }

    @Test
    void pythonAnnouncesItsCertificateWhereCarillonFindsIt() throws Exception {
        InfoHash pyKey = pythonIdentity.publicKeyId();
        List<Value> announced = awaitValues(pyKey, v -> v.type() == CertificateValues.TYPE);
        assertThat(announced).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo(CertificateValues.VALUE_ID);
            assertThat(CertificateValues.chain(v).get(0)).isEqualTo(pythonIdentity.certificate());
        });
        X509Certificate found = carillon.findCertificate(pyKey).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(found).isEqualTo(pythonIdentity.certificate());
    }

    @Test
    void pythonDecryptsWhatCarillonEncryptedForItsKey() throws Exception {
        InfoHash pyKey = pythonIdentity.publicKeyId();
        awaitValues(pyKey, v -> v.type() == CertificateValues.TYPE); // its announcement is on the DHT
        InfoHash key = InfoHash.fromUserKey("py-encrypted-by-carillon");
        try (PythonOpendhtNode.Listen listen = python.listen(key)) {
            long id = carillon.putEncrypted(key, pyKey, text("secret-for-python"), false)
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);

            assertThat(python.get(key)).singleElement().satisfies(v -> {
                assertThat(v.id()).isEqualTo(id);
                assertThat(v.text()).isEqualTo("secret-for-python");
                assertThat(v.userType()).isEqualTo("text/plain");
                assertThat(v.owner()).isEqualTo(carillon.identity().id());
                assertThat(v.recipient()).isEqualTo(pyKey);
            });
            assertThat(listen.awaitValue(bytes("secret-for-python"), WAIT)
                            .value()
                            .recipient())
                    .isEqualTo(pyKey);
        }
        // What the storage nodes hold is the cypher; a node without the key drops it.
        assertThat(runner.get(key).get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .singleElement()
                .matches(Value::isEncrypted);
        assertThat(pythonWithoutIdentity.get(key)).isEmpty();
    }

    @Test
    void pythonAndCarillonDropForgedAndUnreadableValuesTheStorageNodesKept() throws Exception {
        InfoHash pyKey = pythonIdentity.publicKeyId();
        X509Certificate pyCert = carillon.findCertificate(pyKey).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        KeyPair mine = carillon.identity().key();
        KeyPair stranger = rsa2048();
        SecureRandom random = new SecureRandom();
        InfoHash key = InfoHash.fromUserKey("py-hostile-values");

        Value genuine = ValueSigning.sign(typed(11, "genuine"), mine, 0);
        Value tampered = withData(ValueSigning.sign(typed(12, "honest"), mine, 0), bytes("tampered"));
        Value flipped = ValueEncryption.encrypt(text("for-python").withId(13), mine, 0, pyCert.getPublicKey(), random);
        flipped = Value.encrypted(13, flip(flipped.cypher(), flipped.cypher().length / 2));
        Value forStranger =
                ValueEncryption.encrypt(text("not-for-python").withId(14), mine, 0, stranger.getPublic(), random);
        for (Value v : List.of(genuine, tampered, flipped, forStranger)) {
            runner.put(key, v).get(WAIT.toSeconds(), TimeUnit.SECONDS); // plain put: no check on the way out
        }
        assertThat(runner.get(key).get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("the storage nodes kept all four")
                .extracting(Value::id)
                .containsExactlyInAnyOrder(11L, 12L, 13L, 14L);

        assertThat(python.get(key)).singleElement().satisfies(v -> {
            assertThat(v.id()).isEqualTo(11);
            assertThat(v.owner()).isEqualTo(carillon.identity().id());
        });

        long badSignatures = carillon.badSignatures();
        long undecryptable = carillon.undecryptable();
        assertThat(carillon.get(key).get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .extracting(Value::id)
                .containsExactly(11L);
        assertThat(carillon.badSignatures() - badSignatures).isEqualTo(1);
        assertThat(carillon.undecryptable() - undecryptable).isEqualTo(2);
    }

    /** Polls Carillon's plain get (every 500 ms) until a value at {@code key} meets {@code condition}. */
    private static List<Value> awaitValues(InfoHash key, java.util.function.Predicate<Value> condition)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<Value> found = runner.get(key, Query.ALL).get(WAIT.toSeconds(), TimeUnit.SECONDS).stream()
                    .filter(condition)
                    .toList();
            if (!found.isEmpty()) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no matching value at " + key + " after " + WAIT.toSeconds() + " s");
            }
            Thread.sleep(500);
        }
    }

    private static Value text(String s) {
        return Value.of(0, 0, bytes(s), "text/plain");
    }

    private static Value typed(long id, String s) {
        return Value.of(id, UNREGISTERED_TYPE, bytes(s), "text/plain");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] flip(byte[] b, int index) {
        byte[] copy = b.clone();
        copy[index] ^= 1;
        return copy;
    }

    private static Value withData(Value v, byte[] data) {
        return new Value(
                v.id(),
                v.seq(),
                v.type(),
                data,
                v.userType(),
                v.owner(),
                v.recipient(),
                v.signature(),
                v.cypher(),
                v.priority());
    }

    private static KeyPair rsa2048() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static void awaitConnected(DhtRunner r) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!r.isConnected(Family.IPV4)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Carillon did not connect to the dhtnodes");
            }
            Thread.sleep(100);
        }
        Thread.sleep(2000); // let the tables fill before the first searches
    }
}
