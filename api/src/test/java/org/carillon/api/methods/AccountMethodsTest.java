package org.carillon.api.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.carillon.api.client.ApiClient;
import org.carillon.api.client.ApiException;
import org.carillon.api.client.CarillonClient;
import org.carillon.api.model.AccountView;
import org.carillon.api.rpc.RpcError;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.daemon.DaemonConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The account, settings and node methods, through the WebSocket API of daemons in one JVM. */
@Timeout(180)
class AccountMethodsTest {
    @TempDir
    Path tmp;

    TestDaemons daemons;

    @BeforeEach
    void startSeed() throws IOException {
        daemons = new TestDaemons(tmp);
    }

    @AfterEach
    void stopAll() throws Exception {
        daemons.close();
    }

    TestDaemon daemon(String name) throws Exception {
        return daemons.daemon(name);
    }

    TestDaemon daemon(String name, AccountGenerator generator) throws Exception {
        return daemons.daemon(name, generator);
    }

    CarillonClient typed(TestDaemon d) throws IOException {
        return CarillonClient.connect(d.server.uri(), d.token, TestDaemon.TIMEOUT);
    }

    static int code(Throwable e) {
        Throwable t = e;
        while (!(t instanceof ApiException) && t.getCause() != null) {
            t = t.getCause();
        }
        assertThat(t).as("an error object").isInstanceOf(ApiException.class);
        return ((ApiException) t).error().code();
    }

    static void fails(ThrowingCallable call, int code, String reason) {
        assertThatThrownBy(call)
                .satisfies(e ->
                        assertThat(code(e)).as(String.valueOf(e.getMessage())).isEqualTo(code))
                .hasMessageContaining(reason);
    }

    @Test
    void anExportedAccountImportedOnAnotherDaemonIsTheSameAccountOnANewDeviceWhichTheFirstCanRevoke() throws Exception {
        TestDaemon laptop = daemon("laptop");
        TestDaemon phone = daemon("phone");
        try (CarillonClient a = typed(laptop);
                CarillonClient b = typed(phone)) {
            AccountView alice = a.createAccount("alice");
            laptop.awaitEvent(e -> e.startsWith("account.announced") && e.contains("\"ok\":true"));
            byte[] archive = a.exportAccount("alice", Optional.of("secret"));
            assertThat(archive.length).isBetween(1000, 64 * 1024);

            fails(
                    () -> b.importAccount(archive, Optional.of("wrong"), Optional.empty()),
                    RpcError.REFUSED,
                    "wrong password");
            fails(
                    () -> b.importAccount(archive, Optional.empty(), Optional.empty()),
                    RpcError.REFUSED,
                    "needs its password");
            fails(
                    () -> b.importAccount(new byte[] {1, 2, 3, 4, 5}, Optional.empty(), Optional.empty()),
                    RpcError.REFUSED,
                    "not an archive");
            fails(
                    () -> phone.call("accounts.import", Map.of("archive", "not*base64!")),
                    RpcError.INVALID_PARAMS,
                    "'archive' is not base64");
            fails(
                    () -> phone.call(
                            "accounts.import", Map.of("archive", "A".repeat(CarillonMethods.MAX_ARCHIVE_CHARS + 4))),
                    RpcError.TOO_LARGE,
                    "base64 characters is over");
            assertThat(b.accounts()).as("nothing imported by the failures").isEmpty();

            AccountView imported = b.importAccount(archive, Optional.of("secret"), Optional.of("phone"));
            assertThat(imported.id()).isEqualTo(alice.id());
            assertThat(imported.online()).isTrue();
            assertThat(b.accounts()).extracting(AccountView::id).containsExactly(alice.id());
            fails(
                    () -> b.importAccount(archive, Optional.of("secret"), Optional.empty()),
                    RpcError.REFUSED,
                    "already in");
            phone.awaitEvent(e -> e.startsWith("account.announced") && e.contains("\"ok\":true"));

            String laptopDevice = a.accountDetails("alice").get("deviceId").asText();
            String phoneDevice = b.accountDetails(alice.id()).get("deviceId").asText();
            assertThat(phoneDevice).isNotEqualTo(laptopDevice);

            List<JsonNode> seen = b.devices(alice.id());
            assertThat(seen).extracting(d -> d.get("id").asText()).containsExactlyInAnyOrder(laptopDevice, phoneDevice);
            assertThat(seen)
                    .filteredOn(d -> d.get("thisDevice").asBoolean())
                    .singleElement()
                    .satisfies(d -> assertThat(d.get("id").asText()).isEqualTo(phoneDevice))
                    .satisfies(d -> assertThat(d.get("name").asText()).isEqualTo("phone"));
            assertThat(seen)
                    .allSatisfy(d -> assertThat(d.get("revoked").asBoolean()).isFalse());

            fails(() -> a.revokeDevice("alice", laptopDevice.substring(0, 10)), RpcError.INVALID_PARAMS, "this device");
            fails(() -> a.revokeDevice("alice", "xyz"), RpcError.INVALID_PARAMS, "not a device id");
            JsonNode revoked = a.revokeDevice("alice", phoneDevice.substring(0, 12));
            assertThat(revoked.get("revokedInAll").asInt()).isEqualTo(1);
            assertThat(a.devices("alice"))
                    .filteredOn(d -> d.get("id").asText().equals(phoneDevice))
                    .singleElement()
                    .satisfies(d -> assertThat(d.get("revoked").asBoolean()).isTrue());
            fails(() -> a.revokeDevice("alice", phoneDevice), RpcError.REFUSED, "revoked already");
        }
    }

    @Test
    void aRemovedAccountIsGoneFromTheListTheDiskAndAfterARestart() throws Exception {
        TestDaemon d = daemon("home");
        String alice;
        try (CarillonClient c = typed(d)) {
            alice = c.createAccount("alice").id();
            String bob = c.createAccount("bob").id();
            c.removeAccount("alice");
            d.awaitEvent(e -> e.startsWith("account.removed") && e.contains(alice));
            assertThat(c.accounts()).extracting(AccountView::id).containsExactly(bob);
            assertThat(d.home.resolve("accounts").resolve(alice)).doesNotExist();
            assertThat(d.host.session(org.carillon.core.account.AccountId.parse(alice)))
                    .isEmpty();
            fails(() -> c.removeAccount("alice"), RpcError.NOT_FOUND, "no account 'alice'");
            fails(() -> c.contacts(alice), RpcError.NOT_FOUND, "no account");
        }
        d.close();
        daemons.stopped(d);
        TestDaemon again = daemon("home");
        try (CarillonClient c = typed(again)) {
            assertThat(c.accounts()).extracting(AccountView::alias).containsExactly("bob");
            fails(() -> c.accountDetails(alice), RpcError.NOT_FOUND, "no account");
        }
    }

    @Test
    void settingsReadAndWriteCarillonConfKeepingItsCommentsAndRefusingWrongValues() throws Exception {
        TestDaemon d = daemon("home");
        Path file = d.home.resolve(DaemonConfig.FILE);
        try (CarillonClient c = typed(d)) {
            Map<String, String> settings = c.settings();
            assertThat(settings).containsOnlyKeys(DaemonConfig.keys()).containsEntry("log.level", "info");
            assertThat(settings.get("dht.port")).isEqualTo("4222");

            JsonNode level = c.setSetting("log.level", "debug");
            assertThat(level.get("value").asText()).isEqualTo("debug");
            assertThat(level.get("takesEffect").asText()).isEqualTo("now");
            assertThat(c.setSetting("dht.port", "4300").get("takesEffect").asText())
                    .isEqualTo("next start");
            assertThat(c.settings()).containsEntry("log.level", "debug").containsEntry("dht.port", "4300");
            assertThat(Files.readString(file))
                    .contains("# UDP port of the DHT node")
                    .contains("dht.port = 4300");
            assertThat(DaemonConfig.load(d.home).dhtPort()).isEqualTo(4300);

            String before = Files.readString(file);
            fails(
                    () -> c.setSetting("dht.port", "99999"),
                    RpcError.INVALID_PARAMS,
                    "'dht.port' must be a number from 1 to 65535, not '99999'");
            fails(() -> c.setSetting("log.level", "loud"), RpcError.INVALID_PARAMS, "'log.level' is one of");
            fails(() -> c.setSetting("dht.prot", "1"), RpcError.INVALID_PARAMS, "unknown key 'dht.prot'");
            fails(() -> c.setSetting("api.bind", "127.0.0.1:1\ndht.port = 5"), RpcError.INVALID_PARAMS, "one line");
            assertThat(Files.readString(file)).isEqualTo(before);
        }
    }

    @Test
    void nodeStatusAndPeersShowTheOtherDaemonsNode() throws Exception {
        TestDaemon a = daemon("a");
        TestDaemon b = daemon("b");
        try (CarillonClient c = typed(a);
                CarillonClient other = typed(b)) {
            String bId = other.nodeStatus().get("id").asText();
            // pinged directly rather than found through the seed, which can take a refresh round
            a.node.bootstrap(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), b.node.port()));
            long deadline = System.nanoTime() + TestDaemon.TIMEOUT.toNanos();
            List<JsonNode> peers = c.peers(Optional.of("ipv4"), 100);
            while (peers.stream().noneMatch(p -> p.get("id").asText().equals(bId)) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                peers = c.peers(Optional.of("ipv4"), 100);
            }
            JsonNode peer = peers.stream()
                    .filter(p -> p.get("id").asText().equals(bId))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("b's node is not in a's routing table"));
            assertThat(peer.get("address").asText()).isEqualTo("127.0.0.1:" + b.node.port());
            assertThat(peer.get("family").asText()).isEqualTo("ipv4");
            assertThat(peer.get("state").asText()).isIn("good", "dubious");
            assertThat(c.peers(Optional.of("ipv6"), 100)).isEmpty();
            assertThat(c.peers(Optional.empty(), 1)).hasSize(1);

            JsonNode status = c.nodeStatus();
            assertThat(status.get("ipv4").asBoolean()).isTrue();
            JsonNode v4 = status.at("/families/ipv4");
            assertThat(v4.get("connected").asBoolean()).isTrue();
            assertThat(v4.get("good").asLong() + v4.get("dubious").asLong()).isGreaterThanOrEqualTo(2);
            assertThat(status.at("/packets/in").asLong()).isPositive();
            assertThat(status.at("/packets/out").asLong()).isPositive();
            assertThat(status.at("/packets/dropped").asLong()).isNotNegative();
            assertThat(status.get("uptimeSeconds").asLong()).isNotNegative();
            assertThat(status.at("/storage/keys").isIntegralNumber()).isTrue();
            assertThat(status.get("searches").isIntegralNumber()).isTrue();
            assertThat(status.get("listens").isIntegralNumber()).isTrue();
        }
    }

    /** A random that holds RSA generation until released, counting the threads it holds. */
    static final class HeldRandom extends SecureRandom {
        private static final long serialVersionUID = 1L;
        final transient CountDownLatch release = new CountDownLatch(1);
        final transient Set<Thread> held = ConcurrentHashMap.newKeySet();

        @Override
        public void nextBytes(byte[] bytes) {
            if (release.getCount() > 0) {
                held.add(Thread.currentThread());
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            super.nextBytes(bytes);
        }
    }

    @Test
    void aThirdSlowCallWhileTwoRunIsAnsweredBusyAtOnce() throws Exception {
        HeldRandom random = new HeldRandom();
        TestDaemon d = daemon("home", new AccountGenerator(random, 2048));
        try (ApiClient first = d.connect();
                ApiClient second = d.connect();
                ApiClient third = d.connect()) {
            CompletableFuture<JsonNode> one = first.call("accounts.create", Map.of("alias", "one"));
            CompletableFuture<JsonNode> two = second.call("accounts.create", Map.of("alias", "two"));
            long deadline = System.nanoTime() + TestDaemon.TIMEOUT.toNanos();
            while (random.held.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(random.held).as("two creations are generating keys").hasSize(2);

            long start = System.nanoTime();
            fails(
                    () -> third.call("accounts.create", Map.of("alias", "three"))
                            .get(10, TimeUnit.SECONDS),
                    RpcError.BUSY,
                    "already doing 2 slow operations");
            String someArchive = Base64.getEncoder().encodeToString(new byte[64]);
            fails(
                    () -> third.call("accounts.import", Map.of("archive", someArchive, "password", "x"))
                            .get(10, TimeUnit.SECONDS),
                    RpcError.BUSY,
                    "try again in a moment");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .as("answered at once")
                    .isLessThan(5000);
            assertThat(third.call("accounts.list", Map.of()).get(10, TimeUnit.SECONDS))
                    .as("quick calls still run")
                    .isEmpty();

            random.release.countDown();
            assertThat(one.get(60, TimeUnit.SECONDS).get("alias").asText()).isEqualTo("one");
            assertThat(two.get(60, TimeUnit.SECONDS).get("alias").asText()).isEqualTo("two");
            assertThat(third.call("accounts.create", Map.of("alias", "three"))
                            .get(60, TimeUnit.SECONDS)
                            .get("alias")
                            .asText())
                    .as("the permits came back")
                    .isEqualTo("three");
        }
    }

    @Test
    void wrongTypesUnknownNamesAndBadValuesAreInvalidParams() throws Exception {
        TestDaemon d = daemon("home");
        d.call("accounts.create", Map.of("alias", "alice"));
        List<Map.Entry<String, Map<String, Object>>> bad = List.of(
                Map.entry("accounts.export", Map.of("account", "alice", "password", 5)),
                Map.entry("accounts.export", Map.of("account", "alice", "passwd", "x")),
                Map.entry("accounts.import", Map.of("archive", List.of(1, 2))),
                Map.entry("accounts.import", Map.of("archive", "AAAA", "device", "")),
                Map.entry("accounts.remove", Map.of("account", true)),
                Map.entry("accounts.devices", Map.of()),
                Map.entry("accounts.revokeDevice", Map.of("account", "alice", "device", 12345678)),
                Map.entry("settings.get", Map.of("key", "log.level")),
                Map.entry("settings.set", Map.of("key", "dht.port", "value", 4300)),
                Map.entry("settings.set", Map.of("key", "dht.port")),
                Map.entry("node.peers", Map.of("family", "ipx")),
                Map.entry("node.peers", Map.of("limit", 0)),
                Map.entry("node.peers", Map.of("limit", "10")),
                Map.entry("node.status", Map.of("verbose", true)));
        for (var call : bad) {
            assertThatThrownBy(() -> d.call(call.getKey(), call.getValue()))
                    .as(call.toString())
                    .satisfies(e -> assertThat(code(e)).as(call.toString()).isEqualTo(RpcError.INVALID_PARAMS));
        }
        assertThat(d.call("accounts.list", Map.of())).hasSize(1);
    }
}
