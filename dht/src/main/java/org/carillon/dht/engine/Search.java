package org.carillon.dht.engine;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.Message.ErrorReply;
import org.carillon.dht.wire.Message.Find;
import org.carillon.dht.wire.Message.Get;
import org.carillon.dht.wire.Message.Listen;
import org.carillon.dht.wire.Message.Projection;
import org.carillon.dht.wire.Message.Put;
import org.carillon.dht.wire.Message.Refresh;
import org.carillon.dht.wire.Message.Reply;
import org.carillon.dht.wire.NodeInfo;

/**
 * The iterative search for one key on one address family (§12): up to 14 live nodes sorted by
 * distance, at most 4 of them asked at a time, gets completed when the 8 closest live nodes
 * answered, puts sent to the 8 closest synced nodes and listens to the 4 closest.
 */
final class Search {
    static final int SEARCH_NODES = 14;
    static final int TARGET_NODES = 8;
    static final int LISTEN_NODES = 4;
    /** Nodes with a get or find in flight at once (α). */
    static final int MAX_REQUESTED = 4;

    static final long LISTEN_RENEW = 20_000;
    static final long REANNOUNCE_MARGIN = 10_000;
    static final long REFILL_INTERVAL = 10 * 60_000L;
    static final int MAX_DROPPED = 4 * SEARCH_NODES;

    private final InfoHash key;
    private final Family family;
    private final Searches owner;
    private final List<SearchNode> nodes = new ArrayList<>();
    private final List<GetOp> gets = new ArrayList<>();
    private final Map<Long, Announce> announces = new LinkedHashMap<>();
    private final Set<Announce> stored = new HashSet<>();
    private final List<ListenOp> listens = new ArrayList<>();
    /**
     * Nodes trim() dropped lately, taken back with what they told us (token, answers, puts)
     * when listed again. A new search node would be asked again: a liar, listing fresh
     * made-up nodes beside the key at each answer, would then keep the closest live nodes
     * forever unanswered and unsynced, and no get or put would end.
     */
    private final Map<InfoHash, SearchNode> dropped = new LinkedHashMap<>();

    private long lastRefill = Long.MIN_VALUE / 2;
    private long lastUsed;
    /**
     * A lookup is running: finds to the closest nodes until the 8 closest live ones answered, with
     * no value operation (OpenDHT's search without callbacks, which {@code confirmNodes} runs for
     * the node's own id).
     */
    private boolean lookingUp;

    Search(InfoHash key, Family family, Searches owner, long now) {
        this.key = key;
        this.family = family;
        this.owner = owner;
        this.lastUsed = now;
    }

    InfoHash key() {
        return key;
    }

    Family family() {
        return family;
    }

    boolean hasWork() {
        return lookingUp || !gets.isEmpty() || !announces.isEmpty() || !listens.isEmpty();
    }

    boolean isLookingUp() {
        return lookingUp;
    }

    long lastUsed() {
        return lastUsed;
    }

    /**
     * Lookup steps it took to reach the closest node that answered: 1 when the routing table
     * already knew it, 0 when no node answered yet.
     */
    int closestHops(long now) {
        for (SearchNode n : nodes) {
            if (n.isSynced(now)) {
                return n.hops;
            }
        }
        return 0;
    }

    int nodeCount() {
        return nodes.size();
    }

    int syncedCount(long now) {
        return (int) nodes.stream().filter(n -> n.isSynced(now)).count();
    }

    int getCount() {
        return gets.size();
    }

    int announceCount() {
        return announces.size();
    }

    int listenCount() {
        return listens.size();
    }

    // ---------------------------------------------------------------- operations

    /**
     * Looks the key's closest nodes up afresh: the routing table's closest nodes join the
     * search, and those not synced are asked for their own closest, until the 8 closest live
     * nodes answered.
     */
    void lookup(long now) {
        lastUsed = now;
        lookingUp = true;
        refill(now);
        step(now);
    }

    void add(GetOp g, long now) {
        lastUsed = now;
        gets.add(g);
        step(now);
    }

    /** Announces a value; a new version of a value replaces the old one everywhere. */
    void add(Announce a, long now) {
        lastUsed = now;
        Announce previous = announces.put(a.value().id(), a);
        if (previous != null) {
            stored.remove(previous);
            forEachNode(n -> n.puts.remove(a.value().id()));
        }
        step(now);
    }

    void cancelAnnounce(long valueId) {
        Announce a = announces.remove(valueId);
        if (a != null) {
            stored.remove(a);
            forEachNode(n -> n.puts.remove(valueId));
        }
    }

    void add(ListenOp l, long now) {
        lastUsed = now;
        listens.add(l);
        step(now);
    }

    void remove(ListenOp l) {
        listens.remove(l);
        for (SearchNode n : nodes) {
            SearchNode.ListenProgress p = n.listens.remove(l);
            if (p != null) {
                owner.forgetSocket(p.socketId);
            }
        }
    }

    /** The node stops: gets and puts in flight fail. */
    void abandon() {
        new ArrayList<>(gets).forEach(g -> g.familyDone(false));
        gets.clear();
        announces.values().forEach(a -> a.familyDone(false));
        announces.clear();
        stored.clear();
    }

    // ---------------------------------------------------------------- nodes

    /**
     * Offers a node; it is taken when it is among the 14 closest live ones.
     *
     * @param heard the node itself just sent us something, so it is alive
     * @param hops 1 for a node from the routing table or one that contacted us, one more than
     *     the referrer's for a node learned from a reply
     */
    boolean offer(InfoHash id, InetSocketAddress address, boolean heard, int hops) {
        if (id.equals(owner.selfId())) {
            return false;
        }
        int liveBefore = 0;
        int pos = 0;
        for (; pos < nodes.size(); pos++) {
            SearchNode n = nodes.get(pos);
            if (n.id.equals(id)) {
                if (heard && n.address.equals(address) && n.expired) {
                    n.answered();
                    return true;
                }
                return false;
            }
            if (key.xorCompare(n.id, id) > 0) {
                break;
            }
            if (!n.isBad()) {
                liveBefore++;
            }
        }
        if (liveBefore >= SEARCH_NODES) {
            return false;
        }
        for (int i = pos; i < nodes.size(); i++) {
            if (nodes.get(i).id.equals(id)) {
                return false;
            }
        }
        SearchNode back = dropped.remove(id);
        SearchNode node = back != null && back.address.equals(address) ? back : new SearchNode(id, address, hops);
        if (heard) {
            node.answered();
        }
        nodes.add(pos, node);
        trim();
        return true;
    }

    /** Every node of the search, dropped ones included: what an operation forgets, they forget too. */
    private void forEachNode(Consumer<SearchNode> action) {
        nodes.forEach(action);
        dropped.values().forEach(action);
    }

    /**
     * Keeps 14 nodes: dead ones go first (those with no request left in flight before those
     * still being retried), then the farthest. A live node never makes room for a dead one, or
     * made-up ids listed by liars, all unreachable and retried, would push every real node out
     * of the search (OpenDHT keeps 14 live nodes whatever the number of bad ones).
     */
    private void trim() {
        while (nodes.size() > SEARCH_NODES) {
            int victim = nodes.size() - 1;
            int deadInFlight = -1;
            for (int i = nodes.size() - 1; i >= 0; i--) {
                SearchNode n = nodes.get(i);
                if (n.isBad() && n.searching == 0) {
                    victim = i;
                    deadInFlight = -1;
                    break;
                }
                if (n.isBad() && deadInFlight < 0) {
                    deadInFlight = i;
                }
            }
            if (deadInFlight >= 0) {
                victim = deadInFlight;
            }
            SearchNode gone = nodes.remove(victim);
            gone.listens.values().forEach(p -> owner.forgetSocket(p.socketId));
            gone.listens.clear();
            dropped.put(gone.id, gone);
            if (dropped.size() > MAX_DROPPED) {
                dropped.remove(dropped.keySet().iterator().next());
            }
        }
    }

    private void refill(long now) {
        lastRefill = now;
        for (NodeInfo n : owner.closestLive(family, key, SEARCH_NODES)) {
            offer(n.id(), n.address(), false, 1);
        }
    }

    /** The first {@code count} live nodes, closest first. */
    private List<SearchNode> firstLive(int count) {
        List<SearchNode> out = new ArrayList<>(count);
        for (SearchNode n : nodes) {
            if (!n.isBad()) {
                out.add(n);
                if (out.size() == count) {
                    break;
                }
            }
        }
        return out;
    }

    /** Synced when the 8 closest live nodes (or all, if fewer) gave a token recently. */
    boolean isSynced(long now) {
        List<SearchNode> first = firstLive(TARGET_NODES);
        return !first.isEmpty() && first.stream().allMatch(n -> n.isSynced(now));
    }

    // ---------------------------------------------------------------- the step

    /** Moves every operation as far as it can go now; called on every event of this search. */
    void step(long now) {
        if (!hasWork()) {
            return;
        }
        announces.values().removeIf(a -> {
            if (a.isOver(now)) {
                stored.remove(a);
                forEachNode(n -> n.puts.remove(a.value().id()));
                // Not stored before its value's end: this family failed (nothing if already reported).
                a.familyDone(false);
                return true;
            }
            return false;
        });
        List<SearchNode> live = firstLive(TARGET_NODES);
        if (live.isEmpty() || (live.size() < TARGET_NODES && now - lastRefill >= REFILL_INTERVAL)) {
            refill(now);
            live = firstLive(TARGET_NODES);
        }
        if (live.isEmpty()) {
            if (nodes.stream().noneMatch(n -> n.searching > 0)) {
                giveUp();
            }
            return;
        }
        completeGets(live);
        sendSearchRequests(live, now);
        if (isSynced(now)) {
            lookingUp = false;
            for (Announce a : new ArrayList<>(announces.values())) {
                // a plain value stored everywhere has nothing left to do until it expires; many
                // of them at one key (a busy inbox) made every step of the search slower
                if (a.permanent() || !stored.contains(a)) {
                    announce(a, live, now);
                }
            }
            for (ListenOp l : listens) {
                listen(l, firstLive(LISTEN_NODES), now);
            }
        }
    }

    /** No live node left to ask: gets and puts fail on this family; permanent puts and listens wait. */
    private void giveUp() {
        lookingUp = false;
        List<GetOp> failed = new ArrayList<>(gets);
        gets.clear();
        failed.forEach(g -> g.familyDone(false));
        for (Announce a : new ArrayList<>(announces.values())) {
            if (!stored.contains(a)) {
                a.familyDone(false);
                if (!a.permanent()) {
                    announces.remove(a.value().id());
                }
            }
        }
    }

    private void completeGets(List<SearchNode> live) {
        for (GetOp g : new ArrayList<>(gets)) {
            boolean done = g.isFinished();
            if (!done) {
                done = true;
                for (SearchNode n : live) {
                    SearchNode.GetProgress p = n.gets.get(g);
                    done &= p != null && p.done();
                }
                if (done) {
                    g.familyDone(true);
                }
            }
            if (done) {
                gets.remove(g);
                forEachNode(n -> n.gets.remove(g));
            }
        }
    }

    private void sendSearchRequests(List<SearchNode> live, long now) {
        int inFlight =
                (int) nodes.stream().filter(n -> !n.isBad() && n.searching > 0).count();
        boolean needSync = lookingUp || !announces.isEmpty() || !listens.isEmpty();
        for (SearchNode n : live) {
            if (inFlight >= MAX_REQUESTED) {
                return;
            }
            if (n.searching > 0) {
                continue;
            }
            GetOp g = gets.stream()
                    .filter(op -> !n.gets.containsKey(op))
                    .findFirst()
                    .orElse(null);
            if (g != null) {
                sendGet(n, g);
                inFlight++;
            } else if (needSync && !n.isSynced(now)) {
                sendFind(n);
                inFlight++;
            }
        }
    }

    // ---------------------------------------------------------------- get / find

    private void sendFind(SearchNode n) {
        n.searching++;
        // A lookup of our own id asks for both families, as OpenDHT's neighbourhood maintenance
        // does (our id is the same in both tables): the other family's nodes near us join that
        // table, which a node with one family's bootstrap only would otherwise hardly learn.
        List<Long> want = lookingUp ? owner.bothFamilies() : List.of();
        owner.send(n.address, new Find(owner.selfId(), key, want), new Handler(n) {
            @Override
            void replied(Reply r, InetSocketAddress from, long now) {
                n.searching--;
                synced(n, r, from, now);
            }

            @Override
            void failed(boolean expired) {
                n.searching--;
            }
        });
    }

    private void sendGet(SearchNode n, GetOp g) {
        SearchNode.GetProgress p = new SearchNode.GetProgress();
        n.gets.put(g, p);
        n.searching++;
        Query q = g.wantsRows()
                ? g.query()
                : new Query(List.of(Field.ID), g.query().where());
        owner.send(n.address, new Get(owner.selfId(), key, q, List.of()), new Handler(n) {
            @Override
            void replied(Reply r, InetSocketAddress from, long now) {
                n.searching--;
                synced(n, r, from, now);
                p.answered = true;
                if (g.wantsRows()) {
                    g.deliverRows(rows(r, g.query().select()));
                } else if (r.projection() != null) {
                    fetchPages(n, g, p, r.projection());
                } else {
                    g.deliver(r.values()); // an old peer answering with whole values
                }
            }

            @Override
            void failed(boolean expired) {
                n.searching--;
                if (expired) {
                    n.gets.remove(g);
                } else {
                    p.answered = true; // an error is an answer: the node has nothing for us
                }
            }
        });
    }

    /**
     * Second step of a paginated get: one {@code WHERE id=…} get per listed id, from this node
     * whatever other nodes were asked or answered (as OpenDHT's {@code paginate}): another node
     * may never serve the id, or serve a forgery under it.
     */
    private void fetchPages(SearchNode n, GetOp g, SearchNode.GetProgress p, Projection ids) {
        int idColumn = ids.fields().indexOf(Field.ID);
        if (idColumn < 0) {
            return;
        }
        for (List<Object> row : ids.rows()) {
            if (!(row.get(idColumn) instanceof Long id)) {
                continue;
            }
            p.pagesPending++;
            Query page = new Query(List.of(), List.of(Query.Condition.id(id)));
            owner.send(n.address, new Get(owner.selfId(), key, page, List.of()), new Handler(n) {
                @Override
                void replied(Reply r, InetSocketAddress from, long now) {
                    synced(n, r, from, now);
                    g.deliver(r.values());
                    p.pagesPending--;
                }

                @Override
                void failed(boolean expired) {
                    p.pagesPending--;
                }
            });
        }
    }

    private static List<Map<Field, Object>> rows(Reply r, List<Field> select) {
        List<Map<Field, Object>> out = new ArrayList<>();
        if (r.projection() != null) {
            Projection p = r.projection();
            for (List<Object> row : p.rows()) {
                Map<Field, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < p.fields().size() && i < row.size(); i++) {
                    m.put(p.fields().get(i), row.get(i));
                }
                out.add(m);
            }
        } else {
            for (Value v : r.values()) {
                Map<Field, Object> m = new LinkedHashMap<>();
                for (Field f : select) {
                    m.put(f, fieldOf(v, f));
                }
                out.add(m);
            }
        }
        return out;
    }

    private static Object fieldOf(Value v, Field f) {
        return switch (f) {
            case ID -> v.id();
            case VALUE_TYPE -> (long) v.type();
            case SEQ_NUM -> (long) v.seq();
            case USER_TYPE -> v.userType();
            case OWNER_PK -> v.owner() != null ? v.owner() : new byte[InfoHash.SIZE];
        };
    }

    /**
     * A find/get reply: the node's token, and the nodes it knows closer to the key. A token too
     * long to send back makes the node useless to this search, as no token does in OpenDHT
     * (which blacklists the node): it is skipped, or the search would ask it again at once,
     * forever, and wait for it to sync before putting.
     */
    private void synced(SearchNode n, Reply r, InetSocketAddress from, long now) {
        if (n.takeToken(r.token())) {
            n.lastSync = now;
        } else {
            n.expired = true;
        }
        for (NodeInfo info : NodeCore.sentNodes(family == Family.IPV4 ? r.nodes4() : r.nodes6())) {
            InetSocketAddress a = owner.usableAddress(info, from);
            if (a != null) {
                offer(info.id(), a, false, n.hops + 1);
            }
        }
    }

    // ---------------------------------------------------------------- put

    private void announce(Announce a, List<SearchNode> targets, long now) {
        long id = a.value().id();
        boolean everywhere = true;
        for (SearchNode n : targets) {
            SearchNode.PutProgress p = n.puts.computeIfAbsent(id, i -> new SearchNode.PutProgress());
            if (p.pending) {
                everywhere &= p.ackedAt >= 0;
                continue;
            }
            // A value with a fresh id is on no node yet: put it at once, as OpenDHT does for
            // non-permanent puts. A dual-stack storage node is a target of both families'
            // searches, and a second put of the value would count as a refresh and keep it a
            // whole lifetime longer: the announce tracks by node id what was sent where.
            if (!p.probed && a.putsWithoutProbe()) {
                Announce.AtNode at = a.at(n.id);
                if (at == Announce.AtNode.SENDING) {
                    everywhere = false; // the other family's put is in flight
                    continue;
                }
                p.probed = true;
                p.hasIt = at == Announce.AtNode.STORED;
            }
            if (!p.probed) {
                sendProbe(n, a, p);
            } else if (p.ackedAt < 0) {
                if (!p.hasIt) {
                    sendPut(n, a, p, now);
                } else if (a.permanent()) {
                    sendRefresh(n, a, p);
                } else {
                    p.ackedAt = now; // it has the value: nothing to send
                }
            } else if (a.permanent() && now >= p.ackedAt + a.lifetime() - REANNOUNCE_MARGIN) {
                sendRefresh(n, a, p);
            }
            everywhere &= p.ackedAt >= 0;
        }
        if (everywhere && stored.add(a)) {
            a.familyDone(true);
        }
    }

    private void sendPut(SearchNode n, Announce a, SearchNode.PutProgress p, long now) {
        p.pending = true;
        a.at(n.id, Announce.AtNode.SENDING);
        Long created = !a.permanent() && a.created() / 1000 < now / 1000 ? a.created() / 1000 : null;
        owner.send(n.address, new Put(owner.selfId(), key, List.of(a.value()), created, n.token), new PutHandler(n, p) {
            @Override
            void replied(Reply r, InetSocketAddress from, long now) {
                p.pending = false;
                p.ackedAt = now;
                p.hasIt = true;
                a.at(n.id, Announce.AtNode.STORED);
            }

            @Override
            void failed(boolean expired) {
                super.failed(expired);
                a.at(n.id, Announce.AtNode.UNSENT);
            }

            @Override
            void refused(ErrorReply e) {
                super.refused(e);
                a.at(n.id, progress.hasIt ? Announce.AtNode.STORED : Announce.AtNode.UNSENT);
            }
        });
    }

    /** A put first asks whether the node has the value already (id and seq). */
    private void sendProbe(SearchNode n, Announce a, SearchNode.PutProgress p) {
        p.pending = true;
        Value v = a.value();
        Query probe = new Query(List.of(Field.ID, Field.SEQ_NUM), List.of(Query.Condition.id(v.id())));
        owner.send(n.address, new Get(owner.selfId(), key, probe, List.of()), new PutHandler(n, p) {
            @Override
            void replied(Reply r, InetSocketAddress from, long now) {
                synced(n, r, from, now);
                p.pending = false;
                p.probed = true;
                p.hasIt = false;
                for (Map<Field, Object> row : rows(r, probe.select())) {
                    if (Long.valueOf(v.id()).equals(row.get(Field.ID))
                            && row.get(Field.SEQ_NUM) instanceof Long seq
                            && seq >= v.seq()) {
                        p.hasIt = true;
                    }
                }
            }
        });
    }

    private void sendRefresh(SearchNode n, Announce a, SearchNode.PutProgress p) {
        p.pending = true;
        owner.send(n.address, new Refresh(owner.selfId(), key, a.value().id(), n.token), new PutHandler(n, p) {
            @Override
            void replied(Reply r, InetSocketAddress from, long now) {
                p.pending = false;
                p.ackedAt = now;
            }

            @Override
            void refused(ErrorReply e) {
                super.refused(e);
                if (e.code() == ErrorReply.NOT_FOUND) {
                    p.hasIt = false; // the node lost it: the next step puts it again
                    p.ackedAt = -1;
                }
            }
        });
    }

    // ---------------------------------------------------------------- listen

    private void listen(ListenOp l, List<SearchNode> targets, long now) {
        for (SearchNode n : targets) {
            SearchNode.ListenProgress p = n.listens.get(l);
            if (p == null) {
                p = new SearchNode.ListenProgress(owner.newSocket(l, this, n));
                n.listens.put(l, p);
            }
            if (p.pending || now - p.renewedAt < LISTEN_RENEW) {
                continue;
            }
            SearchNode.ListenProgress progress = p;
            progress.pending = true;
            Query where = l.where().isEmpty() ? null : l.where();
            owner.send(n.address, new Listen(owner.selfId(), 1, key, n.token, p.socketId, where), new Handler(n) {
                @Override
                void replied(Reply r, InetSocketAddress from, long now) {
                    progress.pending = false;
                    progress.renewedAt = now;
                    n.takeToken(r.token()); // OpenDHT ≥ 3.7 sends a fresh token here
                }

                @Override
                void failed(boolean expired) {
                    progress.pending = false;
                }
            });
        }
    }

    // ---------------------------------------------------------------- responses

    /**
     * Updates the node's state on every outcome, runs the subclass's part, then steps the search.
     * A reply sent by another node than the one asked (a liar listed a made-up id at someone
     * else's address) is no answer: the asked node is taken as unreachable, as in OpenDHT, where
     * such a reply matches no request of that node and the request expires.
     */
    private abstract class Handler implements NodeCore.ResponseHandler {
        final SearchNode node;

        Handler(SearchNode node) {
            this.node = node;
        }

        abstract void replied(Reply r, InetSocketAddress from, long now);

        /** The request failed: an error reply ({@code expired} false) or no answer at all. */
        void failed(boolean expired) {}

        void refused(ErrorReply e) {}

        @Override
        public final void onReply(Reply reply, InetSocketAddress from) {
            if (!reply.sender().equals(node.id)) {
                onExpired();
                return;
            }
            long now = owner.now();
            node.answered();
            replied(reply, from, now);
            step(now);
        }

        @Override
        public final void onError(ErrorReply error, InetSocketAddress from) {
            if (!error.sender().equals(node.id)) {
                onExpired();
                return;
            }
            node.answered();
            if (error.code() == ErrorReply.UNAUTHORIZED) {
                node.tokenRefused();
            }
            failed(false);
            refused(error);
            step(owner.now());
        }

        @Override
        public final void onRetry() {
            node.candidate = true;
            step(owner.now());
        }

        @Override
        public final void onExpired() {
            node.expired = true;
            failed(true);
            step(owner.now());
        }
    }

    /** A put, probe or refresh: any failure leaves the value to be sent again at a later step. */
    private abstract class PutHandler extends Handler {
        final SearchNode.PutProgress progress;

        PutHandler(SearchNode node, SearchNode.PutProgress progress) {
            super(node);
            this.progress = progress;
        }

        @Override
        void failed(boolean expired) {
            progress.pending = false;
            progress.probed = progress.probed && !expired;
        }

        /** A node that refuses for any reason but the token has decided: it is not asked again. */
        @Override
        void refused(ErrorReply e) {
            if (e.code() != ErrorReply.UNAUTHORIZED && e.code() != ErrorReply.NOT_FOUND) {
                progress.ackedAt = owner.now();
                progress.probed = true;
                progress.hasIt = true;
            }
        }
    }

    @Override
    public String toString() {
        return key + " " + family + " (" + nodes.size() + " nodes)";
    }
}
