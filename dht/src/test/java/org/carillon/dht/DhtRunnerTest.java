package org.carillon.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.carillon.dht.storage.ValueType;
import org.carillon.dht.wire.Family;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The facade on real UDP sockets: a few Carillon nodes on 127.0.0.1, ports chosen by the OS. */
@Timeout(60)
class DhtRunnerTest {
    private final List<DhtRunner> nodes = new ArrayList<>();

    @AfterEach
    void close() {
        nodes.forEach(DhtRunner::close);
    }

    private DhtRunner start(List<InetSocketAddress> bootstrap) throws IOException {
        DhtRunner r = DhtRunner.start(DhtConfig.defaults()
                .withBindAddresses(List.of(InetAddress.getLoopbackAddress()))
                .withPort(0)
                .withBootstrap(bootstrap));
        nodes.add(r);
        return r;
    }

    private List<DhtRunner> network(int size) throws Exception {
        DhtRunner first = start(List.of());
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), first.port());
        for (int i = 1; i < size; i++) {
            start(List.of(at));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!nodes.stream().allMatch(n -> n.isConnected(Family.IPV4)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(nodes).allMatch(n -> n.isConnected(Family.IPV4), "connected");
        return nodes;
    }

    @Test
    void theRoutingTableShowsEachNodeThatAnsweredAsGoodWithTheAgeOfItsLastReply() throws Exception {
        List<DhtRunner> net = network(2);
        DhtRunner seed = net.get(0);
        DhtRunner joiner = net.get(1);
        List<RoutingEntry> seen = joiner.routingEntries(Family.IPV4);
        assertThat(seen).extracting(RoutingEntry::id).contains(seed.nodeId());
        RoutingEntry entry = seen.stream()
                .filter(e -> e.id().equals(seed.nodeId()))
                .findFirst()
                .orElseThrow();
        assertThat(entry.state()).isEqualTo(RoutingEntry.State.GOOD);
        assertThat(entry.address().getPort()).isEqualTo(seed.port());
        assertThat(entry.sinceReply()).hasValueSatisfying(age -> assertThat(age).isLessThan(Duration.ofSeconds(30)));
        assertThat(joiner.routingEntries(Family.IPV6)).isEmpty();
    }

    @Test
    void putOnOneNodeGetOnAnother() throws Exception {
        List<DhtRunner> net = network(5);
        InfoHash key = InfoHash.fromUserKey("facade");
        long id = net.get(1)
                .put(key, Value.of(0, 0, "hello".getBytes(StandardCharsets.UTF_8)))
                .get(20, TimeUnit.SECONDS);
        List<Value> found = net.get(4).get(key).get(20, TimeUnit.SECONDS);
        assertThat(found).extracting(Value::id).containsExactly(id);
        assertThat(net.get(3)
                        .query(key, new Query(List.of(Field.ID), List.of()))
                        .get(20, TimeUnit.SECONDS))
                .containsExactly(java.util.Map.of(Field.ID, id));
    }

    @Test
    void aListenerHearsOfNewValuesOffTheNodeThreadUntilClosed() throws Exception {
        List<DhtRunner> net = network(4);
        InfoHash key = InfoHash.fromUserKey("listened");
        List<Value> heard = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        ListenHandle handle = net.get(2).listen(key, Query.ALL, (values, expired) -> {
            threads.add(Thread.currentThread().getName());
            heard.addAll(values);
        });
        long first = net.get(0).put(key, Value.of(0, 0, new byte[] {1})).get(20, TimeUnit.SECONDS);
        awaitTrue(() -> heard.stream().anyMatch(v -> v.id() == first));
        assertThat(threads).allMatch(t -> t.startsWith("carillon-dht-callbacks"));

        handle.close();
        assertThat(net.get(2).cancelListen(key, handle.token()))
                .as("already cancelled")
                .isFalse();
        int before = heard.size();
        net.get(1).put(key, Value.of(0, 0, new byte[] {2})).get(20, TimeUnit.SECONDS);
        Thread.sleep(500);
        assertThat(heard).hasSize(before);
    }

    @Test
    void operationsStartedWhileJoiningWaitForTheNetwork() throws Exception {
        DhtRunner first = start(List.of());
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), first.port());
        DhtRunner joining = start(List.of(at));
        // No wait for the bootstrap to answer: the put is held until the node has a live peer.
        long id = joining.put(InfoHash.fromUserKey("early"), Value.of(0, 0, new byte[] {7}))
                .get(20, TimeUnit.SECONDS);
        assertThat(first.get(InfoHash.fromUserKey("early")).get(20, TimeUnit.SECONDS))
                .extracting(Value::id)
                .containsExactly(id);
    }

    @Test
    void operationsOnALoneNodeFailWithAClearError() throws Exception {
        DhtRunner alone = start(List.of());
        InfoHash key = InfoHash.fromUserKey("nobody");
        assertThatThrownBy(() -> alone.get(key).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(DhtException.class)
                .hasMessageContaining("no node answered");
        assertThatThrownBy(() -> alone.put(key, Value.of(0, 0, new byte[1])).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(DhtException.class);
    }

    @Test
    void aRegisteredTypeDecidesWhatStorageNodesAccept() throws Exception {
        List<DhtRunner> net = network(3);
        ValueType evenOnly = new ValueType(
                0x4242,
                "even sizes only",
                Duration.ofMinutes(1),
                (key, v, source) -> v.data().length % 2 == 0 ? v : null,
                (key, stored, replacement, source) -> false);
        net.forEach(n -> n.registerType(evenOnly));
        InfoHash key = InfoHash.fromUserKey("typed");
        long even = net.get(0).put(key, Value.of(0, 0x4242, new byte[2])).get(20, TimeUnit.SECONDS);
        long odd = net.get(0).put(key, Value.of(0, 0x4242, new byte[3])).get(20, TimeUnit.SECONDS);
        // Storage nodes acknowledge what they refuse (as OpenDHT does), so only a get tells.
        assertThat(net.get(1).get(key).get(20, TimeUnit.SECONDS))
                .extracting(Value::id)
                .contains(even)
                .doesNotContain(odd);
    }

    @Test
    void aSelectMustGoThroughQuery() throws Exception {
        DhtRunner n = start(List.of());
        Query select = new Query(List.of(Field.ID), List.of());
        assertThatThrownBy(() -> n.get(InfoHash.fromUserKey("k"), select))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query()");
        assertThatThrownBy(() -> n.query(InfoHash.fromUserKey("k"), Query.ALL))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 20 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
