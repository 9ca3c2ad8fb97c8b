package org.carillon.dht.routing;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;
import org.carillon.dht.InfoHash;

/**
 * One family's Kademlia routing table as OpenDHT keeps it (§8.3): an ordered list of buckets
 * of at most {@link #K} nodes, split when the bucket holding our own id is full.
 */
public final class RoutingTable {
    public static final int K = 8;

    /** How the node came to be known, OpenDHT's {@code confirm} levels. */
    public enum Confirm {
        HEARD_OF,
        SENT_REQUEST,
        REPLIED
    }

    /** What insertion asks the caller to do: ping a dubious node to see if it is still alive. */
    public record Insertion(RemoteNode node, RemoteNode toPing) {}

    static final class Bucket {
        final InfoHash first;
        final List<RemoteNode> nodes = new ArrayList<>(K);
        RemoteNode cached;
        long lastChanged;

        Bucket(InfoHash first, long lastChanged) {
            this.first = first;
            this.lastChanged = lastChanged;
        }
    }

    private final InfoHash self;
    private final List<Bucket> buckets = new ArrayList<>();

    public RoutingTable(InfoHash self, long now) {
        this.self = self;
        buckets.add(new Bucket(InfoHash.ZERO, Long.MIN_VALUE / 2));
    }

    /**
     * Offers a node to the table. Returns the node as stored (an existing entry is updated in
     * place) and, when the bucket is full of live-looking nodes, a dubious one to ping.
     */
    public Insertion insert(RemoteNode candidate, Confirm confirm, long now) {
        return insert(candidate, confirm, now, a -> false);
    }

    /**
     * As {@link #insert(RemoteNode, Confirm, long)}, but the dubious node to ping is the first
     * one not {@code awaitingReply}, as in OpenDHT: a node already asked is given time to answer,
     * instead of being pinged again for every node a reply mentions.
     */
    public Insertion insert(
            RemoteNode candidate,
            Confirm confirm,
            long now,
            java.util.function.Predicate<InetSocketAddress> awaitingReply) {
        if (candidate.id().equals(self)) {
            return new Insertion(candidate, null);
        }
        while (true) {
            int index = bucketIndex(candidate.id());
            Bucket b = buckets.get(index);
            for (RemoteNode n : b.nodes) {
                if (n.id().equals(candidate.id())) {
                    if (confirm != Confirm.HEARD_OF || n.isExpired()) {
                        n.setAddress(candidate.address());
                    }
                    if (confirm == Confirm.REPLIED) {
                        b.lastChanged = now;
                    }
                    return new Insertion(n, null);
                }
            }
            if (b.nodes.size() < K) {
                b.nodes.add(candidate);
                touch(b, confirm, now);
                return new Insertion(candidate, null);
            }
            for (int i = 0; i < b.nodes.size(); i++) {
                if (b.nodes.get(i).isExpired()) {
                    b.nodes.set(i, candidate);
                    touch(b, confirm, now);
                    return new Insertion(candidate, null);
                }
            }
            boolean anyDubious = false;
            RemoteNode dubious = null;
            for (RemoteNode n : b.nodes) {
                if (!n.isGood(now)) {
                    anyDubious = true;
                    if (!awaitingReply.test(n.address())) {
                        dubious = n;
                        break;
                    }
                }
            }
            boolean holdsSelf = bucketIndex(self) == index;
            if (holdsSelf && (!anyDubious || buckets.size() == 1) && depth(index) < InfoHash.SIZE * 8 - 1) {
                split(index, now);
                continue;
            }
            if (confirm != Confirm.HEARD_OF || b.cached == null) {
                b.cached = candidate;
            }
            return new Insertion(b.cached == candidate ? candidate : b.cached, dubious);
        }
    }

    /** A bucket counts as fresh only when one of its nodes answered us (OpenDHT's bucket time). */
    private static void touch(Bucket b, Confirm confirm, long now) {
        if (confirm == Confirm.REPLIED) {
            b.lastChanged = now;
        }
    }

    /** Looks a node up by id. */
    public RemoteNode find(InfoHash id) {
        for (RemoteNode n : buckets.get(bucketIndex(id)).nodes) {
            if (n.id().equals(id)) {
                return n;
            }
        }
        return null;
    }

    /** The {@code count} good nodes closest to {@code target} by XOR distance. */
    public List<RemoteNode> closestGood(InfoHash target, int count, long now) {
        List<RemoteNode> good = new ArrayList<>();
        for (Bucket b : buckets) {
            for (RemoteNode n : b.nodes) {
                if (n.isGood(now) && !n.isClient()) {
                    good.add(n);
                }
            }
        }
        good.sort(Comparator.comparing(RemoteNode::id, target::xorCompare));
        return good.size() > count ? new ArrayList<>(good.subList(0, count)) : good;
    }

    /**
     * The {@code count} nodes closest to {@code target} that are not known to be dead, good or
     * not: what a search starts from (OpenDHT's {@code getCachedNodes}). A node that only sent
     * us requests is among them: it may hold the key's values, and no other node lists it
     * before someone asked it something.
     */
    public List<RemoteNode> closestLive(InfoHash target, int count) {
        List<RemoteNode> live = new ArrayList<>();
        for (Bucket b : buckets) {
            for (RemoteNode n : b.nodes) {
                if (!n.isExpired() && !n.isClient()) {
                    live.add(n);
                }
            }
        }
        live.sort(Comparator.comparing(RemoteNode::id, target::xorCompare));
        return live.size() > count ? new ArrayList<>(live.subList(0, count)) : live;
    }

    /** Drops expired nodes; returns the cached candidates of buckets that lost one, to ping. */
    public List<RemoteNode> removeExpired() {
        List<RemoteNode> toPing = new ArrayList<>();
        for (Bucket b : buckets) {
            if (b.nodes.removeIf(RemoteNode::isExpired) && b.cached != null) {
                toPing.add(b.cached);
                b.cached = null;
            }
        }
        return toPing;
    }

    /** Buckets that heard no reply for {@code age} ms (or are empty): random targets inside them. */
    public List<InfoHash> staleBucketTargets(long now, long age, RandomGenerator random) {
        List<InfoHash> targets = new ArrayList<>();
        for (int i = 0; i < buckets.size(); i++) {
            Bucket b = buckets.get(i);
            if (b.nodes.isEmpty() || now - b.lastChanged > age) {
                targets.add(randomIdIn(i, random));
            }
        }
        return targets;
    }

    /** A node of the bucket that covers {@code id}, or of a neighbour, to ask about it. */
    public RemoteNode someNodeNear(InfoHash id, RandomGenerator random, long now) {
        int index = bucketIndex(id);
        for (int d = 0; d < buckets.size(); d++) {
            for (int i : new int[] {index - d, index + d}) {
                if (i < 0 || i >= buckets.size()) {
                    continue;
                }
                List<RemoteNode> live = buckets.get(i).nodes.stream()
                        .filter(n -> !n.isExpired())
                        .toList();
                if (!live.isEmpty()) {
                    return live.get(random.nextInt(live.size()));
                }
            }
        }
        return null;
    }

    public List<RemoteNode> nodes() {
        List<RemoteNode> all = new ArrayList<>();
        buckets.forEach(b -> all.addAll(b.nodes));
        return all;
    }

    public int size() {
        int n = 0;
        for (Bucket b : buckets) {
            n += b.nodes.size();
        }
        return n;
    }

    public int bucketCount() {
        return buckets.size();
    }

    public long goodCount(long now) {
        return nodes().stream().filter(n -> n.isGood(now)).count();
    }

    public long dubiousCount(long now) {
        return nodes().stream().filter(n -> !n.isGood(now) && !n.isExpired()).count();
    }

    int bucketIndex(InfoHash id) {
        int lo = 0;
        int hi = buckets.size() - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (buckets.get(mid).first.compareTo(id) <= 0) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** 1 + the larger of the last set bits of the bucket's bounds, as OpenDHT's {@code depth}. */
    int depth(int index) {
        int a = lowBit(buckets.get(index).first);
        int b = index + 1 < buckets.size() ? lowBit(buckets.get(index + 1).first) : -1;
        return 1 + Math.max(a, b);
    }

    private static int lowBit(InfoHash h) {
        for (int i = InfoHash.SIZE * 8 - 1; i >= 0; i--) {
            if (h.bit(i)) {
                return i;
            }
        }
        return -1;
    }

    private void split(int index, long now) {
        Bucket b = buckets.get(index);
        Bucket upper = new Bucket(b.first.withBit(depth(index), true), now);
        buckets.add(index + 1, upper);
        List<RemoteNode> old = new ArrayList<>(b.nodes);
        b.nodes.clear();
        for (RemoteNode n : old) {
            buckets.get(bucketIndex(n.id())).nodes.add(n);
        }
        if (b.cached != null && bucketIndex(b.cached.id()) == index + 1) {
            upper.cached = b.cached;
            b.cached = null;
        }
    }

    private InfoHash randomIdIn(int index, RandomGenerator random) {
        int depth = depth(index);
        InfoHash r = InfoHash.random(random);
        InfoHash first = buckets.get(index).first;
        for (int bit = 0; bit < Math.min(depth, InfoHash.SIZE * 8); bit++) {
            r = r.withBit(bit, first.bit(bit));
        }
        return r;
    }
}
