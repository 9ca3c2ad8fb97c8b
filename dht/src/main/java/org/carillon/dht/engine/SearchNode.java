package org.carillon.dht.engine;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.carillon.dht.InfoHash;

/** What one search knows of one node near its key: token, freshness, and each operation's progress there. */
final class SearchNode {
    /** A token younger than this makes the node synced ({@code NODE_EXPIRE_TIME}). */
    static final long SYNC_TIME = 10 * 60_000L;

    /** Progress of one get at this node: the first request, then one page per value id. */
    static final class GetProgress {
        int pagesPending;
        boolean answered;

        boolean done() {
            return answered && pagesPending == 0;
        }
    }

    /** Where one announced value stands at this node. */
    static final class PutProgress {
        boolean pending;
        /** When the node last acknowledged the put or refresh; -1 before. */
        long ackedAt = -1;
        /** A put probes (get id+seq) before it puts, refreshes or, when the node has it, skips the node. */
        boolean probed;

        boolean hasIt;
    }

    /** One listen registered at this node. */
    static final class ListenProgress {
        final long socketId;
        boolean pending;
        long renewedAt = Long.MIN_VALUE / 2;

        ListenProgress(long socketId) {
            this.socketId = socketId;
        }
    }

    final InfoHash id;
    final InetSocketAddress address;
    /** Lookup steps from this node's own table to this one (see {@link Search#closestHops}). */
    final int hops;

    byte[] token;
    long lastSync = Long.MIN_VALUE / 2;
    /** Gets and finds in flight (the α limit counts nodes with one). */
    int searching;
    /** One request timed out: asked no more until it answers (OpenDHT's "candidate"). */
    boolean candidate;
    /** A request expired after every retry, or too many auth errors. */
    boolean expired;

    int authErrors;
    final Map<GetOp, GetProgress> gets = new HashMap<>();
    final Map<Long, PutProgress> puts = new HashMap<>();
    final Map<ListenOp, ListenProgress> listens = new HashMap<>();

    SearchNode(InfoHash id, InetSocketAddress address, int hops) {
        this.id = id;
        this.address = address;
        this.hops = hops;
    }

    /** Keeps a token the node gave us if we can send it back (1 to 64 bytes); true when kept. */
    boolean takeToken(byte[] given) {
        if (given == null || given.length == 0 || given.length > 64) {
            return false;
        }
        token = given;
        return true;
    }

    boolean isBad() {
        return expired || candidate;
    }

    boolean isSynced(long now) {
        return !isBad() && token != null && now - lastSync < SYNC_TIME;
    }

    /** The node answered something: it is alive. */
    void answered() {
        candidate = false;
        expired = false;
    }

    /** It refused our token: forget it, so the next step asks for a new one. */
    void tokenRefused() {
        token = null;
        lastSync = Long.MIN_VALUE / 2;
        if (++authErrors > 3) {
            expired = true;
        }
    }

    @Override
    public String toString() {
        return id + " " + address;
    }
}
