package org.carillon.dht;

import org.carillon.dht.wire.Family;

/**
 * What a search is doing, as dhtnode's {@code ls} shows it.
 *
 * @param nodes candidate nodes held (at most 14)
 * @param synced nodes that gave a token within the last 10 minutes
 * @param gets gets still running
 * @param puts values being announced (permanent ones stay until cancelled)
 * @param listens listens attached to the search
 * @param closestHops lookup steps it took to reach the closest node that answered (1: this node's
 *     routing table knew it; 0: none answered yet)
 */
public record SearchStatus(
        InfoHash key,
        Family family,
        int nodes,
        int synced,
        boolean done,
        int gets,
        int puts,
        int listens,
        int closestHops) {}
