package org.carillon.dht.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.carillon.dht.engine.Transport;
import org.carillon.dht.sim.SimulatedNetwork.Fate;
import org.junit.jupiter.api.Test;

/** The faults the simulated network models, each on its own, datagram by datagram. */
class SimulatedNetworkTest {
    final VirtualScheduler clock = new VirtualScheduler(0);
    final SimulatedNetwork net = new SimulatedNetwork(clock, new SplittableRandom(5));
    final Map<Fate, Integer> fates = new EnumMap<>(Fate.class);
    final InetSocketAddress a = Simulation.addressOf(1);
    final InetSocketAddress b = Simulation.addressOf(2);
    final List<Integer> receivedAtB = new ArrayList<>();
    final List<Long> arrivalTimes = new ArrayList<>();

    SimulatedNetworkTest() {
        net.tap((from, to, datagram, fate) -> fates.merge(fate, 1, Integer::sum));
    }

    Transport wire() {
        net.attach(b, (d, from) -> {
            receivedAtB.add((int) d[0]);
            arrivalTimes.add(clock.now());
        });
        return net.attach(a, (d, from) -> {});
    }

    void sendNumbered(Transport t, int count, long gapMillis) {
        for (int i = 0; i < count; i++) {
            int n = i;
            clock.schedule(i * gapMillis, () -> t.send(new byte[] {(byte) n}, b));
        }
        clock.runFor(count * gapMillis + 10_000);
    }

    @Test
    void aLinkKeepsItsLatencyAndJitterReordersDatagramsSentCloseTogether() {
        net.latency(30, 30);
        Transport t = wire();
        sendNumbered(t, 50, 1);
        assertThat(receivedAtB).isSorted().hasSize(50);
        assertThat(arrivalTimes.get(0)).isEqualTo(30);

        receivedAtB.clear();
        net.jitter(20);
        sendNumbered(t, 50, 1);
        assertThat(receivedAtB)
                .hasSize(50)
                .isNotEqualTo(receivedAtB.stream().sorted().toList());
    }

    @Test
    void reorderingHoldsSomeDatagramsBackBeyondTheirLink() {
        net.latency(10, 10).reorder(0.2, 500);
        Transport t = wire();
        sendNumbered(t, 100, 10);
        assertThat(receivedAtB).hasSize(100);
        long late = arrivalTimes.stream().filter(at -> (at - 10) % 10 != 0).count();
        assertThat(late).as("datagrams held back").isBetween(8L, 35L);
        assertThat(receivedAtB).isNotEqualTo(receivedAtB.stream().sorted().toList());
    }

    @Test
    void lossAndDuplicationHappenAtTheirRates() {
        net.loss(0.1).duplicate(0.2);
        Transport t = wire();
        sendNumbered(t, 2000, 1);
        assertThat(fates.get(Fate.LOST)).isBetween(150, 250);
        // the ~1800 that survive loss, plus a fifth of them again
        assertThat(receivedAtB.size()).isBetween(2050, 2250);
        assertThat(net.sent()).isEqualTo(2000);
    }

    @Test
    void aPartitionCutsTrafficUntilHealed() {
        Transport t = wire();
        net.partition(b, 1);
        sendNumbered(t, 10, 1);
        assertThat(receivedAtB).isEmpty();
        assertThat(fates.get(Fate.PARTITIONED)).isEqualTo(10);

        net.heal();
        sendNumbered(t, 10, 1);
        assertThat(receivedAtB).hasSize(10);
    }

    @Test
    void aNatLetsInOnlyAnswersToWhatItsHostSentRecently() {
        List<byte[]> atA = new ArrayList<>();
        Transport fromA = net.natTimeout(30_000).attach(a, (d, from) -> atA.add(d));
        Transport fromB = net.attach(b, (d, from) -> {});
        net.behindNat(a);

        fromB.send(new byte[] {1}, a); // unsolicited
        clock.runFor(1_000);
        assertThat(atA).isEmpty();
        assertThat(fates.get(Fate.NAT_FILTERED)).isEqualTo(1);

        fromA.send(new byte[] {2}, b); // opens the mapping
        clock.runFor(1_000);
        fromB.send(new byte[] {3}, a);
        clock.runFor(1_000);
        assertThat(atA).hasSize(1);

        clock.runFor(30_000); // the mapping times out
        fromB.send(new byte[] {4}, a);
        clock.runFor(1_000);
        assertThat(atA).hasSize(1);
        assertThat(fates.get(Fate.NAT_FILTERED)).isEqualTo(2);
    }

    @Test
    void logNormalLatenciesCentreOnTheirMedianWithALongTail() {
        LatencyModel model = LatencyModel.logNormal(60, 0.5);
        SplittableRandom r = new SplittableRandom(1);
        long[] samples = new long[20_000];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = model.sample(r);
        }
        java.util.Arrays.sort(samples);
        assertThat(samples[samples.length / 2]).isBetween(56L, 64L);
        assertThat(samples[samples.length * 99 / 100]).isBetween(150L, 220L);
    }
}
