package org.carillon.dht.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.sim.SimulatedNetwork;
import org.carillon.dht.sim.VirtualScheduler;
import org.carillon.dht.storage.ValueTypes;
import org.carillon.dht.wire.Message.Find;
import org.carillon.dht.wire.Message.Get;
import org.carillon.dht.wire.Message.Listen;
import org.carillon.dht.wire.Message.Put;
import org.carillon.dht.wire.Message.Refresh;
import org.carillon.dht.wire.Message.Reply;
import org.carillon.dht.wire.Message.UpdateIds;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stored value leaves storage when its type's lifetime is over, not at the next periodic
 * expiry pass (2–6 min): OpenDHT 2.4.12 schedules an expiration job per value
 * ({@code Dht::storageStore}, {@code expireStorage}), so a dhtnode stops serving a one-minute
 * value after one minute and pushes {@code exp} to its listeners then.
 */
class ValueExpiryTest {
    static final InfoHash KEY = InfoHash.fromUserKey("ice");
    static final int ICE = 5; // one-minute lifetime

    VirtualScheduler clock;
    NodeCore node;
    InetSocketAddress nodeAddress;
    RawPeer peer;

    @BeforeEach
    void start() throws Exception {
        SplittableRandom random = new SplittableRandom(5);
        clock = new VirtualScheduler(1_700_000_000_000L);
        SimulatedNetwork net = new SimulatedNetwork(clock, random.split()).latency(5, 5);
        nodeAddress = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4222);
        NodeCore[] holder = new NodeCore[1];
        var transport = net.attach(nodeAddress, (d, from) -> holder[0].onDatagram(d, from));
        node = new NodeCore(
                InfoHash.random(random),
                new NodeCore.Options(0, true, 1 << 24, "RNG1"),
                clock,
                transport,
                ValueTypes.builtIn(),
                random.split());
        holder[0] = node;
        node.start(List.of());
        peer = new RawPeer(net, new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 5000), random.split());
    }

    @Test
    void aValueIsNoLongerServedOnceItsLifetimeIsOver() {
        byte[] token = token();
        Value ice = ice(0x1ce);
        peer.send(new Put(peer.id, KEY, List.of(ice), null, token), nodeAddress);
        clock.runFor(59_000);
        assertThat(storedIds()).containsExactly(ice.id());

        clock.runFor(2_000);
        assertThat(storedIds()).isEmpty();
        assertThat(node.metrics().storedValues()).isZero();
    }

    @Test
    void aRemoteListenerIsToldOfTheExpiryWhenTheLifetimeEnds() {
        byte[] token = token();
        peer.send(new Listen(peer.id, 1, KEY, token, 9, null), nodeAddress);
        Value ice = ice(0x1ce);
        peer.send(new Put(peer.id, KEY, List.of(ice), null, token), nodeAddress);
        clock.runFor(61_000);
        assertThat(peer.messages(UpdateIds.class, -1))
                .filteredOn(u -> u.kind() == UpdateIds.Kind.EXPIRED)
                .singleElement()
                .satisfies(u -> assertThat(u.valueIds()).containsExactly(ice.id()));
    }

    @Test
    void aRefreshedValueLivesOnAndExpiresALifetimeAfterItsLastRefresh() {
        byte[] token = token();
        Value ice = ice(0x1ce);
        peer.send(new Put(peer.id, KEY, List.of(ice), null, token), nodeAddress);
        clock.runFor(50_000);
        peer.send(new Refresh(peer.id, KEY, ice.id(), token), nodeAddress);
        clock.runFor(50_000); // 100 s after the put, 50 s after the refresh
        assertThat(storedIds()).containsExactly(ice.id());

        clock.runFor(11_000);
        assertThat(storedIds()).isEmpty();
    }

    @Test
    void theSameValuePutAgainLivesALifetimeFromTheSecondPutWhateverItsCreationTime() {
        // A dual-stack writer puts over IPv4, then over IPv6 with the original creation time:
        // dhtnode (Dht::onAnnounce -> storageRefresh) gives the value a new life from now.
        byte[] token = token();
        Value ice = ice(0x1ce);
        long firstPut = clock.now();
        peer.send(new Put(peer.id, KEY, List.of(ice), null, token), nodeAddress);
        clock.runFor(30_000);
        peer.send(new Put(peer.id, KEY, List.of(ice), firstPut / 1000, token), nodeAddress);
        clock.runFor(50_000); // 80 s after the first put
        assertThat(storedIds()).containsExactly(ice.id());
        assertThat(peer.messages(UpdateIds.class, -1)).isEmpty(); // no listener: nothing pushed

        clock.runFor(11_000);
        assertThat(storedIds()).isEmpty();
    }

    @Test
    void aValueWithAnEarlierCreationTimeExpiresEarlier() {
        byte[] token = token();
        Value late = ice(1);
        peer.send(new Put(peer.id, KEY, List.of(late), null, token), nodeAddress);
        clock.runFor(30_000);
        Value early = ice(2); // claims to have been created 50 s ago: 10 s left
        long created = (clock.now() - 50_000) / 1000;
        peer.send(new Put(peer.id, KEY, List.of(early), created, token), nodeAddress);
        clock.runFor(12_000);
        assertThat(storedIds()).containsExactly(late.id());
        clock.runFor(20_000);
        assertThat(storedIds()).isEmpty();
    }

    @Test
    void aNodeListeningToAKeyItStoresSeesTheValueExpire() {
        List<Value> expired = new ArrayList<>();
        node.listen(KEY, Query.ALL, (values, isExpired) -> {
            if (isExpired) {
                expired.addAll(values);
            }
        });
        Value ice = ice(0x1ce);
        peer.send(new Put(peer.id, KEY, List.of(ice), null, token()), nodeAddress);
        clock.runFor(59_000);
        assertThat(expired).isEmpty();
        clock.runFor(2_000);
        assertThat(expired).containsExactly(ice);
    }

    @Test
    void expiryTimersStayOnePerKeyWhateverThePutsClaim() {
        byte[] token = token();
        // Each put claims an earlier creation time than the last, so each needs an earlier timer.
        for (int i = 1; i <= 100; i++) {
            long created = (clock.now() - i * 500L) / 1000;
            peer.send(new Put(peer.id, KEY, List.of(ice(i)), created, token), nodeAddress);
            peer.send(
                    new Put(peer.id, InfoHash.fromUserKey("other-" + (i % 10)), List.of(ice(i)), created, token),
                    nodeAddress);
        }
        clock.runFor(1_000);
        assertThat(node.metrics().storedValues()).isEqualTo(200);
        assertThat(node.boundedStateSizes().get("expiry-timers")).isEqualTo(11);

        clock.runFor(60_000);
        assertThat(node.metrics().storedValues()).isZero();
        assertThat(node.boundedStateSizes().get("expiry-timers")).isZero();
    }

    private Value ice(long id) {
        return Value.of(id, ICE, "candidate".getBytes(StandardCharsets.UTF_8));
    }

    private byte[] token() {
        long tid = peer.send(new Find(peer.id, KEY, List.of()), nodeAddress);
        clock.runFor(100);
        return peer.messages(Reply.class, tid).get(0).token();
    }

    /** The ids a get at the node returns now. */
    private List<Long> storedIds() {
        long tid = peer.send(new Get(peer.id, KEY, null, List.of()), nodeAddress);
        clock.runFor(100);
        return peer.messages(Reply.class, tid).get(0).values().stream()
                .map(Value::id)
                .toList();
    }
}
