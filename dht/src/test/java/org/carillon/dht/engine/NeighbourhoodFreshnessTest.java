package org.carillon.dht.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.carillon.dht.InfoHash;
import org.carillon.dht.routing.RemoteNode;
import org.carillon.dht.wire.Family;
import org.junit.jupiter.api.Test;

/** Nodes keep their closest neighbours good, so that find replies (good nodes only) lead searches to them. */
class NeighbourhoodFreshnessTest {
    static final long SEED = 1;

    /**
     * OpenDHT keeps a search for its own id ({@code Dht::confirmNodes} starts one when there is
     * none), which re-syncs the nodes nearest to it every ten minutes, so they stay good
     * (heard within {@code NODE_EXPIRE_TIME}); find replies list only good nodes, so without
     * that, searches stop short of the closest nodes and puts land beside them. With bucket
     * refreshes alone, 100 quiet nodes knew on average 2.0 of their 8 nearest as good after
     * 30 minutes; with the neighbourhood maintenance (a find near our id each round, pings to
     * neighbours gone quiet) 5.8; with the lookup of our own id, run again in each maintenance
     * round that finds one of the 8 nearest not good, 7.6.
     */
    @Test
    void afterHalfAnHourOfQuietEachNodeStillKnowsMostOfItsNearestNeighboursAsGood() {
        SimulatedDht dht = new SimulatedDht(SEED, 10, 100, 0.0).grow(100);
        dht.clock.runFor(30 * 60_000);
        long now = dht.clock.now();
        int goodNeighbours = 0;
        for (NodeCore node : dht.nodes) {
            List<NodeCore> nearest = dht.closestTo(node.id()).subList(1, 9);
            Set<InfoHash> good = new HashSet<>();
            for (RemoteNode r : node.routingNodes(Family.IPV4)) {
                if (r.isGood(now)) {
                    good.add(r.id());
                }
            }
            goodNeighbours +=
                    (int) nearest.stream().filter(n -> good.contains(n.id())).count();
        }
        assertThat(goodNeighbours / (double) dht.nodes.size())
                .as("good nodes among each node's 8 nearest, on average")
                .isGreaterThanOrEqualTo(7.0);
    }
}
