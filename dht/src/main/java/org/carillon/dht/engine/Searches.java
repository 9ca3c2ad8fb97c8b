package org.carillon.dht.engine;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.Value;
import org.carillon.dht.ValueListener;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.Message;
import org.carillon.dht.wire.NodeInfo;

/**
 * The client side of the node: one {@link Search} per key and family, the operations that
 * span both families, and the routing of listen pushes to the listen that asked for them.
 */
final class Searches {
    /** Searches left without operations are forgotten after this ({@code SEARCH_EXPIRE_TIME}). */
    static final long SEARCH_EXPIRE = 62 * 60_000L;
    /** How often searches with long-lived operations (listens, permanent puts) are stepped. */
    static final long TICK = 5_000;

    /** How long an operation started while the node joins waits for a first live node. */
    static final long JOIN_WAIT = 30_000;

    private record SearchKey(InfoHash key, Family family) {}

    private record Waiting(Runnable start, Runnable fail, long deadline) {}

    /** Which listen, search and node a socket id of ours belongs to. */
    private record Socket(ListenOp listen, Search search, SearchNode node) {}

    private final NodeCore core;
    private final RandomGenerator random;
    private final Map<SearchKey, Search> searches = new LinkedHashMap<>();
    /** The same searches by family, in key order, for {@link #heard}. */
    private final Map<Family, NavigableMap<InfoHash, Search>> byKey = new EnumMap<>(Family.class);

    private final Map<Long, Socket> sockets = new HashMap<>();
    private final Map<Long, ListenOp> listens = new LinkedHashMap<>();
    private final List<Waiting> waiting = new ArrayList<>();
    private long nextSocketId;
    private long nextListenToken = 1;

    Searches(NodeCore core, RandomGenerator random) {
        this.core = core;
        this.random = random;
        this.nextSocketId = random.nextLong(0x1_0000_0000L);
    }

    // ---------------------------------------------------------------- operations

    void get(GetOp g, InfoHash key) {
        List<Family> families = core.runningFamilies();
        if (families.isEmpty() && core.isJoining()) {
            waitForNetwork(() -> get(g, key), () -> {
                g.runOn(1);
                g.familyDone(false);
            });
            return;
        }
        g.runOn(Math.max(1, families.size()));
        if (!g.wantsRows()) {
            g.deliver(core.localValues(key, g.query()));
        }
        if (families.isEmpty()) {
            g.familyDone(false);
            return;
        }
        long now = core.now();
        for (Family f : families) {
            search(key, f, now).add(g, now);
        }
    }

    /**
     * Looks up the nodes closest to this node's own id on one family, unless such a lookup is
     * running: they answer us, so they become good in our table, and they hear of us. Returns
     * whether a lookup started.
     */
    boolean lookUpNeighbourhood(Family family) {
        long now = core.now();
        Search s = search(core.id(), family, now);
        if (s.isLookingUp()) {
            return false;
        }
        s.lookup(now);
        return true;
    }

    /** Announces a value; returns its id (a random one when it had none). */
    long put(InfoHash key, Value value, boolean permanent, Consumer<Boolean> onDone) {
        boolean freshId = value.id() == 0;
        Value v = freshId ? value.withId(Value.randomId(random)) : value;
        long now = core.now();
        Announce a = new Announce(key, v, freshId, permanent, now, core.lifetime(v.type()), onDone);
        announce(a);
        return v.id();
    }

    private void announce(Announce a) {
        List<Family> families = core.runningFamilies();
        if (families.isEmpty() && core.isJoining()) {
            waitForNetwork(() -> announce(a), () -> unannounced(a));
            return;
        }
        if (families.isEmpty()) {
            unannounced(a);
            return;
        }
        a.runOn(families.size());
        long now = core.now();
        for (Family f : families) {
            search(a.key(), f, now).add(a, now);
        }
    }

    /** No network: the put fails, but a permanent one stays, to be announced once nodes appear. */
    private void unannounced(Announce a) {
        a.runOn(1);
        a.familyDone(false);
        if (a.permanent()) {
            long now = core.now();
            for (Family f : core.families()) {
                search(a.key(), f, now).add(a, now);
            }
        }
    }

    /**
     * While the node is still joining (its bootstrap or saved nodes not answered yet), an
     * operation waits for the first live node rather than failing at once, as OpenDHT's
     * runner holds operations back while connecting; it fails after {@link #JOIN_WAIT}.
     */
    private void waitForNetwork(Runnable start, Runnable fail) {
        waiting.add(new Waiting(start, fail, core.now() + JOIN_WAIT));
    }

    private void startWaiting() {
        if (waiting.isEmpty() || core.runningFamilies().isEmpty()) {
            return;
        }
        List<Waiting> ready = new ArrayList<>(waiting);
        waiting.clear();
        ready.forEach(w -> w.start().run());
    }

    private void failWaiting(long now) {
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (now >= w.deadline() || !core.isJoining()) {
                it.remove();
                w.fail().run();
            }
        }
    }

    void cancelPut(InfoHash key, long valueId) {
        for (Family f : Family.values()) {
            Search s = searches.get(new SearchKey(key, f));
            if (s != null) {
                s.cancelAnnounce(valueId);
            }
        }
    }

    long listen(InfoHash key, Query where, ValueListener listener) {
        long token = nextListenToken++;
        ListenOp l = new ListenOp(token, key, where, listener);
        listens.put(token, l);
        long now = core.now();
        l.add(Source.LOCAL, core.localValues(key, where), v -> Long.MAX_VALUE);
        for (Family f : core.families()) {
            search(key, f, now).add(l, now);
        }
        return token;
    }

    boolean cancelListen(InfoHash key, long token) {
        ListenOp l = listens.get(token);
        if (l == null || !l.key().equals(key)) {
            return false;
        }
        listens.remove(token);
        l.cancel();
        for (Family f : Family.values()) {
            Search s = searches.get(new SearchKey(key, f));
            if (s != null) {
                s.remove(l);
            }
        }
        return true;
    }

    List<SearchStatus> status() {
        long now = core.now();
        List<SearchStatus> out = new ArrayList<>();
        for (Search s : searches.values()) {
            out.add(new SearchStatus(
                    s.key(),
                    s.family(),
                    s.nodeCount(),
                    s.syncedCount(now),
                    !s.hasWork(),
                    s.getCount(),
                    s.announceCount(),
                    s.listenCount(),
                    s.closestHops(now)));
        }
        return out;
    }

    /** The node stops: whatever waits for an answer fails now. */
    void stop() {
        List<Waiting> left = new ArrayList<>(waiting);
        waiting.clear();
        left.forEach(w -> w.fail().run());
        searches.values().forEach(Search::abandon);
    }

    private Search search(InfoHash key, Family family, long now) {
        return searches.computeIfAbsent(new SearchKey(key, family), k -> {
            Search s = new Search(key, family, this, now);
            byKey.computeIfAbsent(family, f -> new TreeMap<>()).put(key, s);
            return s;
        });
    }

    // ---------------------------------------------------------------- events from the node

    /** Every few seconds: renew listens, refresh permanent puts, expire caches and old searches. */
    long tick() {
        long now = core.now();
        startWaiting();
        failWaiting(now);
        for (ListenOp l : listens.values()) {
            l.expire(now);
        }
        for (Iterator<Search> it = searches.values().iterator(); it.hasNext(); ) {
            Search s = it.next();
            if (s.hasWork()) {
                s.step(now);
            } else if (now - s.lastUsed() > SEARCH_EXPIRE) {
                it.remove();
                byKey.get(s.family()).remove(s.key());
            }
        }
        return TICK;
    }

    /**
     * A node sent us a message: searches it is close to take it. As OpenDHT's {@code
     * trySearchInsert}, the searches are tried in key order outwards from the node's id, each
     * way until one with work turns the node down: a node that is not among a search's closest
     * is hardly among the closest of searches for keys farther from it. Offering it to every
     * search cost a writer with thousands of recent puts most of its time.
     */
    void heard(InfoHash id, InetSocketAddress address) {
        startWaiting();
        NavigableMap<InfoHash, Search> ordered = byKey.get(Family.of(address.getAddress()));
        if (ordered == null) {
            return;
        }
        List<Search> took = new ArrayList<>();
        offerWhileTaken(ordered.tailMap(id, true).values(), id, address, took);
        offerWhileTaken(ordered.headMap(id, false).descendingMap().values(), id, address, took);
        long now = core.now();
        took.forEach(s -> s.step(now));
    }

    private static void offerWhileTaken(
            Collection<Search> searches, InfoHash id, InetSocketAddress address, List<Search> took) {
        for (Search s : searches) {
            if (!s.hasWork()) {
                continue;
            }
            if (!s.offer(id, address, true, 1)) {
                return;
            }
            took.add(s);
        }
    }

    /** A storage node pushed values for one of our listens. */
    void update(InfoHash sender, long socketId, List<Value> values, Long created, byte[] token) {
        Socket s = sockets.get(socketId);
        if (s == null || !s.node.id.equals(sender)) {
            core.countDrop("update-for-unknown-listen");
            return;
        }
        s.node.takeToken(token);
        long now = core.now();
        long since = created == null ? now : Math.min(created * 1000, now);
        s.listen.add(s.node, values, v -> since + core.lifetime(v.type()));
    }

    void updateIds(InfoHash sender, long socketId, Message.UpdateIds.Kind kind, List<Long> ids, byte[] token) {
        Socket s = sockets.get(socketId);
        if (s == null || !s.node.id.equals(sender)) {
            core.countDrop("update-for-unknown-listen");
            return;
        }
        s.node.takeToken(token);
        if (kind == Message.UpdateIds.Kind.REFRESHED) {
            long now = core.now();
            s.listen.refresh(s.node, ids, v -> now + core.lifetime(v.type()));
        } else {
            s.listen.remove(s.node, ids);
        }
    }

    /** This node stored, edited or refreshed a value under {@code key}: its own listens see it. */
    void storedLocally(InfoHash key, List<Value> values) {
        for (ListenOp l : listensOn(key)) {
            l.add(Source.LOCAL, values, v -> Long.MAX_VALUE);
        }
    }

    void removedLocally(InfoHash key, List<Long> ids) {
        for (ListenOp l : listensOn(key)) {
            l.remove(Source.LOCAL, ids);
        }
    }

    private List<ListenOp> listensOn(InfoHash key) {
        List<ListenOp> out = new ArrayList<>();
        for (ListenOp l : listens.values()) {
            if (l.key().equals(key)) {
                out.add(l);
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- for searches

    /** Where the values this node itself stores come from, as a listen source. */
    private enum Source {
        LOCAL
    }

    InfoHash selfId() {
        return core.id();
    }

    long now() {
        return core.now();
    }

    void send(InetSocketAddress to, Message.Request request, NodeCore.ResponseHandler handler) {
        core.send(to, request, handler);
    }

    List<NodeInfo> closestLive(Family family, InfoHash key, int count) {
        return core.closestLive(family, key, count);
    }

    /** What a find asks for to hear of both families' nodes (nothing special on a single-family node). */
    List<Long> bothFamilies() {
        return core.wantBoth();
    }

    InetSocketAddress usableAddress(NodeInfo info, InetSocketAddress from) {
        return core.usableAddress(info, from);
    }

    long newSocket(ListenOp listen, Search search, SearchNode node) {
        long sid;
        do {
            sid = nextSocketId;
            nextSocketId = (nextSocketId + 1) & 0xffff_ffffL;
        } while (sockets.containsKey(sid));
        sockets.put(sid, new Socket(listen, search, node));
        return sid;
    }

    void forgetSocket(long socketId) {
        sockets.remove(socketId);
    }

    int socketCount() {
        return sockets.size();
    }
}
