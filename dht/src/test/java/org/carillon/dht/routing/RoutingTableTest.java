package org.carillon.dht.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.carillon.dht.InfoHash;
import org.carillon.dht.routing.RoutingTable.Confirm;
import org.junit.jupiter.api.Test;

class RoutingTableTest {
    final SplittableRandom random = new SplittableRandom(7);
    final InfoHash self = InfoHash.random(random);
    long now = 1_000_000;

    RemoteNode node(InfoHash id) {
        return new RemoteNode(id, new InetSocketAddress("127.0.0.1", 1000 + random.nextInt(60000)));
    }

    RemoteNode replied(RoutingTable t, InfoHash id) {
        RemoteNode n = t.insert(node(id), Confirm.REPLIED, now).node();
        n.heard(now, true, false);
        return n;
    }

    @Test
    void theBucketHoldingOurOwnIdSplitsSoNearNodesAreKept() {
        RoutingTable t = new RoutingTable(self, now);
        for (int i = 0; i < 200; i++) {
            replied(t, InfoHash.random(random));
        }
        // Nodes sharing a long prefix with us still find room: the table deepened around us.
        InfoHash near = self.withBit(159, !self.bit(159));
        replied(t, near);
        assertThat(t.find(near)).isNotNull();
        assertThat(t.bucketCount()).isGreaterThan(4);
        assertThat(t.size()).isLessThanOrEqualTo(t.bucketCount() * RoutingTable.K);
    }

    @Test
    void aFullFarBucketKeepsItsGoodNodesAndCachesTheNewcomer() {
        RoutingTable t = new RoutingTable(self, now);
        List<InfoHash> far = new ArrayList<>();
        for (int i = 0; far.size() < 9 && i < 10_000; i++) {
            InfoHash h = InfoHash.random(random);
            if (h.bit(0) != self.bit(0)) {
                far.add(h);
            }
        }
        // Force a split first so the far half is its own bucket.
        for (int i = 0; i < 100; i++) {
            InfoHash h = InfoHash.random(random);
            if (h.bit(0) == self.bit(0)) {
                replied(t, h);
            }
        }
        far.subList(0, 8).forEach(h -> replied(t, h));
        RoutingTable.Insertion ins = t.insert(node(far.get(8)), Confirm.REPLIED, now);
        assertThat(t.find(far.get(8))).isNull();
        assertThat(ins.toPing()).isNull(); // all eight are good: nobody to question
        far.subList(0, 8).forEach(h -> assertThat(t.find(h)).isNotNull());
    }

    @Test
    void closestGoodNodesComeSortedByXorDistanceAndSkipDubiousOnes() {
        RoutingTable t = new RoutingTable(self, now);
        List<InfoHash> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            InfoHash h = InfoHash.random(random);
            replied(t, h);
            ids.add(h);
        }
        InfoHash heardOnly = InfoHash.random(random);
        t.insert(node(heardOnly), Confirm.HEARD_OF, now);
        InfoHash target = InfoHash.random(random);
        List<InfoHash> closest =
                t.closestGood(target, 8, now).stream().map(RemoteNode::id).toList();
        List<InfoHash> stored = t.nodes().stream()
                .filter(n -> n.isGood(now))
                .map(RemoteNode::id)
                .sorted(Comparator.comparing(h -> h, target::xorCompare))
                .limit(8)
                .toList();
        assertThat(closest).hasSize(8).isEqualTo(stored).doesNotContain(heardOnly);
    }

    @Test
    void nodesGoDubiousAfterTenSilentMinutesAndExpiredOnesAreRemoved() {
        RoutingTable t = new RoutingTable(self, now);
        RemoteNode n = replied(t, InfoHash.random(random));
        assertThat(n.isGood(now)).isTrue();
        assertThat(n.isGood(now + RemoteNode.EXPIRE_TIME)).isFalse();
        n.markExpired();
        t.removeExpired();
        assertThat(t.size()).isZero();
    }

    @Test
    void aFullBucketAsksItsDubiousNodesOneAtATimeNotTheSameOneForEveryNewcomer() {
        RoutingTable t = new RoutingTable(self, now);
        for (int i = 0; i < 100; i++) {
            InfoHash h = InfoHash.random(random);
            if (h.bit(0) == self.bit(0)) {
                replied(t, h); // fills and splits our own half, so the far half is one bucket
            }
        }
        List<RemoteNode> far = new ArrayList<>();
        while (far.size() < 8) {
            InfoHash h = InfoHash.random(random);
            if (h.bit(0) != self.bit(0)) {
                far.add(replied(t, h));
            }
        }
        now += RemoteNode.EXPIRE_TIME + 1; // all eight fall silent: dubious
        java.util.Set<InetSocketAddress> asked = new java.util.HashSet<>();
        List<InetSocketAddress> pinged = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            InfoHash h;
            do {
                h = InfoHash.random(random);
            } while (h.bit(0) == self.bit(0));
            RemoteNode toPing =
                    t.insert(node(h), Confirm.HEARD_OF, now, asked::contains).toPing();
            if (toPing != null) {
                asked.add(toPing.address());
                pinged.add(toPing.address());
            }
        }
        assertThat(pinged).as("each dubious node asked once").hasSize(8).doesNotHaveDuplicates();
        assertThat(pinged)
                .containsExactlyInAnyOrderElementsOf(
                        far.stream().map(RemoteNode::address).toList());
    }
}
