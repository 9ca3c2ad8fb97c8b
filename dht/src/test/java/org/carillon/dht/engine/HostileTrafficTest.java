package org.carillon.dht.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.carillon.dht.InfoHash;
import org.carillon.dht.NodeMetrics;
import org.carillon.dht.sim.SimulatedNetwork;
import org.carillon.dht.sim.VirtualScheduler;
import org.carillon.dht.storage.ValueTypes;
import org.carillon.dht.wire.GoldenVectors;
import org.carillon.dht.wire.Message.Ping;
import org.carillon.dht.wire.Message.Put;
import org.carillon.dht.wire.Message.Reply;
import org.carillon.dht.wire.Packet;
import org.carillon.dht.wire.WireCodec;
import org.junit.jupiter.api.Test;

/** A live node under a million hostile datagrams keeps serving a well-behaved peer. */
class HostileTrafficTest {
    static final long SEED = 20261123;
    static final int HOSTILE = 1_000_000;
    static final int PER_MILLISECOND = 5; // 5 000/s: under the global limit, far over the per-source one

    @Test
    void aMillionHostileDatagramsAreDroppedAndCountedWhileAGoodPeerIsServed() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        VirtualScheduler clock = new VirtualScheduler(1_700_000_000_000L);
        SimulatedNetwork net = new SimulatedNetwork(clock, random.split()).latency(1, 3);
        InetSocketAddress nodeAddress = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4222);
        NodeCore[] holder = new NodeCore[1];
        NodeCore node = new NodeCore(
                InfoHash.random(random),
                new NodeCore.Options(0, true, 1 << 20, "RNG1"),
                clock,
                net.attach(nodeAddress, (d, from) -> holder[0].onDatagram(d, from)),
                ValueTypes.builtIn(),
                random.split());
        holder[0] = node;
        node.start(List.of());
        RawPeer good = new RawPeer(net, new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 5000), random);

        List<byte[]> vectors = GoldenVectors.all();
        InetSocketAddress flooder = new InetSocketAddress(InetAddress.getByName("127.9.9.9"), 6666);
        byte[] floodPing = WireCodec.encode(new Packet(1, 0, null, false, new Ping(InfoHash.random(random))))
                .get(0);
        byte[] otherNetwork = GoldenVectors.load("27-ping-request-netid42");
        // A fragmented put header whose parts never come: fills the reassembly table if unbounded.
        byte[] orphanHeader = WireCodec.encode(new Packet(
                        7,
                        0,
                        null,
                        false,
                        new Put(
                                InfoHash.random(random),
                                InfoHash.random(random),
                                List.of(org.carillon.dht.Value.of(1, 0, new byte[2000])),
                                null,
                                new byte[32])))
                .get(0);

        int sent = 0;
        int goodPings = 0;
        while (sent < HOSTILE) {
            for (int i = 0; i < PER_MILLISECOND && sent < HOSTILE; i++, sent++) {
                InetSocketAddress from = new InetSocketAddress(
                        InetAddress.getByAddress(
                                new byte[] {127, (byte) random.nextInt(256), (byte) random.nextInt(256), 1}),
                        1024 + random.nextInt(60000));
                byte[] d;
                switch (sent % 8) {
                    case 0 -> d = randomBytes(random, random.nextInt(1500));
                    case 1, 2 -> d = mutate(vectors.get(random.nextInt(vectors.size())), random);
                    case 3, 7 -> { // 1 250/s from one address: over its 1 024/s quota
                        d = floodPing;
                        from = flooder;
                    }
                    case 4 -> d = otherNetwork;
                    case 5 -> d = orphanHeader;
                    case 6 ->
                        d = sent % 4096 == 6
                                ? randomBytes(random, 65_000)
                                : random.nextBoolean()
                                        ? splice(vectors, random)
                                        : vectors.get(random.nextInt(vectors.size())); // replies nobody asked for
                    default -> throw new IllegalStateException();
                }
                net.inject(d, from, nodeAddress);
            }
            if (sent % 500 == 0) { // the good peer pings ten times a second
                good.send(new Ping(good.id), nodeAddress);
                goodPings++;
            }
            clock.runFor(1);
        }
        clock.runFor(5_000);

        assertThat(good.messages(Reply.class, -1)).hasSize(goodPings);
        NodeMetrics m = node.metrics();
        long counted = m.totalDrops()
                + m.packetsIn().values().stream().mapToLong(Long::longValue).sum();
        assertThat(counted).isGreaterThanOrEqualTo(HOSTILE / 2);
        assertThat(m.drops()).containsKeys("decode:malformed", "wrong-network", "rate-limited", "unmatched-reply");
        assertThat(m.dropped("rate-limited")).isGreaterThan(HOSTILE / 100);
        assertThat(m.dropped("internal-error")).isZero();
        Map<String, Integer> state = node.boundedStateSizes();
        assertThat(state.get("partial-messages")).isLessThanOrEqualTo(Reassembler.MAX_PENDING);
        assertThat(state.get("blacklist")).isLessThanOrEqualTo(NodeCore.MAX_BLACKLIST);
        assertThat(state.get("rate-limited-sources")).isLessThanOrEqualTo(RateLimiter.MAX_SOURCES);
        assertThat(m.storedBytes()).isLessThanOrEqualTo(1 << 20);
    }

    private static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static byte[] mutate(byte[] v, SplittableRandom r) {
        byte[] b = v.clone();
        int flips = 1 + r.nextInt(4);
        for (int i = 0; i < flips; i++) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        return r.nextBoolean() ? b : java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
    }

    private static byte[] splice(List<byte[]> vectors, SplittableRandom r) {
        byte[] a = vectors.get(r.nextInt(vectors.size()));
        byte[] b = vectors.get(r.nextInt(vectors.size()));
        int cut = r.nextInt(a.length);
        byte[] out = java.util.Arrays.copyOf(a, cut + b.length - Math.min(cut, b.length - 1));
        System.arraycopy(b, Math.min(cut, b.length - 1), out, cut, b.length - Math.min(cut, b.length - 1));
        return out;
    }
}
