package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.IdentityGenerator;
import org.carillon.dht.crypto.PublicKeys;
import org.carillon.dht.interop.DhtnodeConsole.ConsoleValue;
import org.carillon.dht.secure.SecureDht;
import org.carillon.dht.wire.Family;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Signed and encrypted values between Carillon's SecureDht and dhtnode 2.4.12 nodes that have
 * identities ({@code -i}), both ways, on loopback.
 */
@Timeout(180)
class SecureDhtWithDhtnodeIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<DhtnodeProcess> dhtnodes = new ArrayList<>();
    private static DhtnodeProcess withIdentity;
    private static DhtRunner runner;
    private static SecureDht carillon;

    @BeforeAll
    static void network() throws Exception {
        InteropPeers.requireDhtnode();
        IdentityGenerator g = new IdentityGenerator(new SecureRandom());
        Identity ca = g.certificateAuthority("DHT Node CA");
        Identity me = g.identity("DHT Node", ca, IdentityGenerator.DEFAULT_RSA_BITS);

        DhtnodeProcess first = DhtnodeProcess.start(DhtnodeProcess.options().name("S0"));
        dhtnodes.add(first);
        for (int i = 1; i < 4; i++) {
            dhtnodes.add(
                    DhtnodeProcess.start(DhtnodeProcess.options().name("S" + i).bootstrap(first)));
        }
        withIdentity = DhtnodeProcess.start(DhtnodeProcess.options()
                .name("D")
                .bootstrap(first)
                .generateIdentity()
                .startTimeout(Duration.ofSeconds(60)));
        dhtnodes.add(withIdentity);
        runner = DhtRunner.start(DhtConfig.defaults()
                .withPort(0)
                .withBindAddresses(List.of(Loopback.IPV4))
                .withBootstrap(List.of(first.address())));
        awaitConnected(runner);
        carillon = new SecureDht(runner, me, new SecureRandom());
        carillon.publishCertificate().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        if (runner != null) {
            runner.close();
        }
        dhtnodes.forEach(DhtnodeProcess::close);
    }

    @Test
    void dhtnodeSeesAValueCarillonSigned() throws Exception {
        InfoHash key = InfoHash.fromUserKey("signed-by-carillon");
        carillon.putSigned(key, text("carillon-signed"), false).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        List<ConsoleValue> seen = dhtnodes.get(2).get(key).values();
        assertThat(seen).anySatisfy(v -> {
            assertThat(v.signed()).isTrue();
            assertThat(v.text()).isEqualTo("carillon-signed");
        });
    }

    @Test
    void carillonVerifiesAValueDhtnodeSigned() throws Exception {
        InfoHash key = InfoHash.fromUserKey("signed-by-dhtnode");
        assertThat(withIdentity.putSigned(key.toString(), "dhtnode-signed", WAIT))
                .isTrue();
        List<Value> got = carillon.get(key).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(got).anySatisfy(v -> {
            assertThat(v.isSigned()).isTrue();
            assertThat(new String(v.data(), StandardCharsets.UTF_8)).isEqualTo("dhtnode-signed");
            assertThat(InfoHash.sha1(v.owner()))
                    .isEqualTo(withIdentity.publicKeyId().orElseThrow());
        });
        assertThat(carillon.badSignatures()).isZero();
    }

    @Test
    void dhtnodeEncryptsForCarillonFindingItsCertificate() throws Exception {
        InfoHash key = InfoHash.fromUserKey("for-carillon");
        InfoHash me = carillon.identity().id();
        assertThat(withIdentity.putEncrypted(key.toString(), me, "secret-for-carillon", WAIT))
                .isTrue();
        List<Value> got = carillon.get(key).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(got).singleElement().satisfies(v -> {
            assertThat(new String(v.data(), StandardCharsets.UTF_8)).isEqualTo("secret-for-carillon");
            assertThat(v.recipient()).isEqualTo(me);
            assertThat(InfoHash.sha1(v.owner()))
                    .isEqualTo(withIdentity.publicKeyId().orElseThrow());
        });
        // A node without the key sees only the cypher.
        assertThat(runner.get(key).get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .singleElement()
                .matches(Value::isEncrypted);
    }

    @Test
    void carillonEncryptsForDhtnodeFindingItsCertificate() throws Exception {
        InfoHash key = InfoHash.fromUserKey("for-dhtnode");
        InfoHash d = withIdentity.publicKeyId().orElseThrow();
        carillon.putEncrypted(key, d, text("secret-for-dhtnode"), false).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        List<ConsoleValue> seen = withIdentity.get(key).values();
        assertThat(seen).anySatisfy(v -> {
            assertThat(v.decrypted()).isTrue();
            assertThat(v.text()).isEqualTo("secret-for-dhtnode");
        });
        assertThat(carillon.findPublicKey(d)
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS)
                        .getEncoded())
                .satisfies(spki -> assertThat(InfoHash.sha1(spki)).isEqualTo(d));
    }

    @Test
    void carillonsCertificateIsFoundAtItsKeyId() throws Exception {
        InfoHash me = carillon.identity().id();
        List<ConsoleValue> seen = dhtnodes.get(1).get(me).values();
        assertThat(seen).isNotEmpty();
        assertThat(me).isEqualTo(PublicKeys.id(carillon.identity().key().getPublic()));
    }

    private static Value text(String s) {
        return Value.of(0, 0, s.getBytes(StandardCharsets.UTF_8), "text/plain");
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
