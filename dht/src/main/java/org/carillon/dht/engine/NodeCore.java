package org.carillon.dht.engine;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.NodeMetrics;
import org.carillon.dht.Query;
import org.carillon.dht.RoutingEntry;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.Value;
import org.carillon.dht.ValueListener;
import org.carillon.dht.routing.RemoteNode;
import org.carillon.dht.routing.RoutingTable;
import org.carillon.dht.routing.RoutingTable.Confirm;
import org.carillon.dht.storage.RemoteListeners;
import org.carillon.dht.storage.Storage;
import org.carillon.dht.storage.TokenIssuer;
import org.carillon.dht.storage.ValueType;
import org.carillon.dht.storage.ValueTypes;
import org.carillon.dht.wire.DecodeResult;
import org.carillon.dht.wire.Family;
import org.carillon.dht.wire.Message;
import org.carillon.dht.wire.Message.ErrorReply;
import org.carillon.dht.wire.Message.Find;
import org.carillon.dht.wire.Message.Get;
import org.carillon.dht.wire.Message.Listen;
import org.carillon.dht.wire.Message.Ping;
import org.carillon.dht.wire.Message.Projection;
import org.carillon.dht.wire.Message.Put;
import org.carillon.dht.wire.Message.Refresh;
import org.carillon.dht.wire.Message.Reply;
import org.carillon.dht.wire.Message.Update;
import org.carillon.dht.wire.Message.UpdateIds;
import org.carillon.dht.wire.Message.ValueParts;
import org.carillon.dht.wire.NodeInfo;
import org.carillon.dht.wire.Packet;
import org.carillon.dht.wire.WireCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node: a single-threaded state machine that routes, stores and answers like an OpenDHT
 * 2.4.12 node. It sees time only through its {@link Scheduler} and the network only through
 * its {@link Transport}; every method must be called on the scheduler's thread.
 */
public final class NodeCore {
    private static final Logger LOG = LoggerFactory.getLogger(NodeCore.class);

    /** Nodes returned per family in find/get replies ({@code SEND_NODES}). */
    static final int SEND_NODES = 8;
    /** Nodes considered for the "too far" check ({@code SEARCH_NODES}). */
    static final int SEARCH_NODES = 14;

    static final long BOOTSTRAP_RETRY_MIN = 10_000;
    static final long BOOTSTRAP_RETRY_MAX = 24 * 3600_000L;
    static final long BUCKET_STALE = 10 * 60_000L;
    /** How soon after a first reply, or a new node near us, the neighbourhood is checked. */
    static final long NEIGHBOURHOOD_CHECK_DELAY = 1_000;
    /** Bound on blacklisted addresses (OpenDHT's set is unbounded). */
    static final int MAX_BLACKLIST = 4096;

    private record ExpiryTimer(long at, Scheduler.Cancellable timer) {}

    /** Settings of the core (the socket side lives in the runner). */
    public record Options(long network, boolean rateLimited, long storageLimit, String agent) {}

    /** Callbacks for a request this node sent. */
    public interface ResponseHandler {
        void onReply(Reply reply, InetSocketAddress from);

        default void onError(ErrorReply error, InetSocketAddress from) {}

        /** The first attempt went unanswered; the request is being retried. */
        default void onRetry() {}

        default void onExpired() {}
    }

    private final class Pending {
        final long tid;
        final InetSocketAddress to;
        final List<byte[]> datagrams;
        final String kind;
        final ResponseHandler handler;
        int attempts;
        Scheduler.Cancellable timer;

        Pending(long tid, InetSocketAddress to, List<byte[]> datagrams, String kind, ResponseHandler handler) {
            this.tid = tid;
            this.to = to;
            this.datagrams = datagrams;
            this.kind = kind;
            this.handler = handler;
        }
    }

    private final InfoHash id;
    private final Options options;
    private final Scheduler scheduler;
    private final Transport transport;
    private final RandomGenerator random;
    private final Map<Family, RoutingTable> tables = new EnumMap<>(Family.class);
    private final Storage storage;
    private final ValueTypes types;
    private final Searches searches;
    private final RemoteListeners listeners = new RemoteListeners();
    private final TokenIssuer tokens;
    private final RateLimiter rateLimiter = new RateLimiter();
    private final Reassembler reassembler = new Reassembler();
    private final Map<Long, Pending> pending = new HashMap<>();
    /** Requests in flight per address: a node already asked is not pinged again (OpenDHT's isPendingMessage). */
    private final Map<InetSocketAddress, Integer> awaiting = new HashMap<>();
    /** When the earliest value of each key with stored values expires, and the timer set for it. */
    private final Map<InfoHash, ExpiryTimer> expiryTimers = new HashMap<>();

    private final Set<InetSocketAddress> blacklist = new LinkedHashSet<>();
    private final Counters in = new Counters();
    private final Counters out = new Counters();
    private final Counters drops = new Counters();
    private final List<InetSocketAddress> bootstrapNodes = new ArrayList<>();
    private final List<Scheduler.Cancellable> timers = new ArrayList<>();
    /** Families whose neighbourhood was looked up since the node started. */
    private final Set<Family> neighbourhoodLookedUp = EnumSet.noneOf(Family.class);
    /** The neighbourhood check brought forward by a first reply or a new close node, if one is due. */
    private Scheduler.Cancellable neighbourhoodCheck;

    private long nextTid;
    private long bootstrapDelay = BOOTSTRAP_RETRY_MIN;
    private boolean running;

    public NodeCore(
            InfoHash id,
            Options options,
            Scheduler scheduler,
            Transport transport,
            ValueTypes types,
            RandomGenerator random) {
        this.id = id;
        this.options = options;
        this.scheduler = scheduler;
        this.transport = transport;
        this.random = random;
        this.tokens = new TokenIssuer(random);
        this.types = types;
        this.searches = new Searches(this, random);
        this.storage = new Storage(types, options.storageLimit(), this::onValuesRemoved);
        long now = scheduler.now();
        for (Family f : Family.values()) {
            if (transport.supports(f)) {
                tables.put(f, new RoutingTable(id, now));
            }
        }
        nextTid = random.nextLong(0x1_0000_0000L);
    }

    public InfoHash id() {
        return id;
    }

    /** Arms maintenance and pings the bootstrap nodes. */
    public void start(List<InetSocketAddress> bootstrap) {
        running = true;
        bootstrapNodes.addAll(bootstrap);
        every(3_000 + random.nextLong(2_000), this::maintainBuckets);
        every(2 * 60_000 + random.nextLong(4 * 60_000), this::expiryPass);
        every(tokens.rotate(), this::rotateTokens);
        every(Searches.TICK, searches::tick);
        if (!bootstrapNodes.isEmpty()) {
            bootstrapStep();
        }
    }

    public void stop() {
        running = false;
        neighbourhoodCheck = null;
        searches.stop();
        timers.forEach(Scheduler.Cancellable::cancel);
        timers.clear();
        expiryTimers.values().forEach(t -> t.timer().cancel());
        expiryTimers.clear();
        pending.values().forEach(p -> {
            if (p.timer != null) {
                p.timer.cancel();
            }
        });
        pending.clear();
        awaiting.clear();
    }

    /** Adds a bootstrap address and pings it now. */
    public void bootstrap(InetSocketAddress address) {
        if (!bootstrapNodes.contains(address)) {
            bootstrapNodes.add(address);
        }
        ping(address);
    }

    /**
     * Offers a node known from elsewhere (a saved state file, a LAN announcement) to the routing
     * table as heard of, as OpenDHT's {@code insertNode}; a node new to the table is pinged so it
     * can become good. Unlike {@link #bootstrap} it is not retried when it does not answer.
     */
    public void insertNode(InfoHash nodeId, InetSocketAddress address) {
        InetSocketAddress a = unmapped(address);
        if (nodeId.equals(id) || nodeId.isZero() || isMartian(a) || blacklist.contains(a)) {
            return;
        }
        learn(nodeId, a, Confirm.HEARD_OF, scheduler.now());
    }

    public NodeMetrics metrics() {
        RoutingTable t4 = tables.get(Family.IPV4);
        RoutingTable t6 = tables.get(Family.IPV6);
        return new NodeMetrics(
                in.snapshot(),
                out.snapshot(),
                drops.snapshot(),
                storage.keyCount(),
                storage.valueCount(),
                storage.totalSize(),
                t4 == null ? 0 : t4.size(),
                t6 == null ? 0 : t6.size(),
                listeners.size());
    }

    /** Sizes of the state an attacker could try to grow, for tests that check it stays bounded. */
    Map<String, Integer> boundedStateSizes() {
        return Map.of(
                "partial-messages", reassembler.size(),
                "pending-requests", pending.size(),
                "blacklist", blacklist.size(),
                "rate-limited-sources", rateLimiter.trackedSources(),
                "remote-listeners", listeners.size(),
                "expiry-timers", expiryTimers.size());
    }

    /** Nodes of one family's routing table, for status output and tests. */
    public List<RemoteNode> routingNodes(Family family) {
        RoutingTable t = tables.get(family);
        return t == null ? List.of() : t.nodes();
    }

    /** One family's routing table as status output shows it, ages as of now. */
    public List<RoutingEntry> routingEntries(Family family) {
        long now = scheduler.now();
        return routingNodes(family).stream()
                .map(n -> {
                    RoutingEntry.State state = n.isGood(now)
                            ? RoutingEntry.State.GOOD
                            : n.isExpired() ? RoutingEntry.State.EXPIRED : RoutingEntry.State.DUBIOUS;
                    Optional<Duration> sinceReply =
                            n.hasReplied() ? Optional.of(Duration.ofMillis(now - n.lastReply())) : Optional.empty();
                    return new RoutingEntry(
                            n.id(), n.address(), state, state == RoutingEntry.State.GOOD && n.isIncoming(), sinceReply);
                })
                .toList();
    }

    /** Whether a family has at least one good node. */
    public boolean isConnected(Family family) {
        RoutingTable t = tables.get(family);
        return t != null && t.goodCount(scheduler.now()) > 0;
    }

    // ---------------------------------------------------------------- operations

    /** Gets the values at {@code key} meeting {@code where}; {@code onDone} hears whether any node answered. */
    public void get(InfoHash key, Query where, Consumer<List<Value>> onValues, Consumer<Boolean> onDone) {
        searches.get(GetOp.values(where, onValues, onDone), key);
    }

    /** Runs a query with a select; rows of the selected fields reach {@code onRows}. */
    public void query(InfoHash key, Query query, Consumer<List<Map<Field, Object>>> onRows, Consumer<Boolean> onDone) {
        searches.get(GetOp.rows(query, onRows, onDone), key);
    }

    /** Announces a value (given a random id when it has none); returns its id. */
    public long put(InfoHash key, Value value, boolean permanent, Consumer<Boolean> onDone) {
        return searches.put(key, value, permanent, onDone);
    }

    /** Stops announcing a value (a permanent put is no longer refreshed). */
    public void cancelPut(InfoHash key, long valueId) {
        searches.cancelPut(key, valueId);
    }

    /** Starts a listen; returns its token. */
    public long listen(InfoHash key, Query where, ValueListener listener) {
        return searches.listen(key, where, listener);
    }

    /** Stops a listen; false when no listen has that token at that key. */
    public boolean cancelListen(InfoHash key, long token) {
        return searches.cancelListen(key, token);
    }

    public void registerType(ValueType type) {
        types.register(type);
    }

    public List<SearchStatus> searches() {
        return searches.status();
    }

    /** The values stored here for others, by key. */
    public Map<InfoHash, List<Value>> storedValues() {
        return storage.all();
    }

    // ---------------------------------------------------------------- inbound

    /** Handles one datagram. Never throws: whatever is wrong is dropped and counted. */
    public void onDatagram(byte[] data, InetSocketAddress from) {
        try {
            receive(data, from);
        } catch (RuntimeException e) {
            drops.add("internal-error");
            LOG.warn("dropped a datagram from {}: {}", from, e.toString(), e);
        }
    }

    private void receive(byte[] data, InetSocketAddress rawFrom) {
        InetSocketAddress from = unmapped(rawFrom);
        long now = scheduler.now();
        if (isMartian(from)) {
            drops.add("martian");
            return;
        }
        if (blacklist.contains(from)) {
            drops.add("blacklisted");
            return;
        }
        DecodeResult result = WireCodec.decode(data);
        if (result instanceof DecodeResult.Rejected r) {
            drops.add("decode:" + r.error().name().toLowerCase().replace('_', '-'));
            return;
        }
        Packet packet =
                result instanceof DecodeResult.Complete c ? c.packet() : ((DecodeResult.AwaitingParts) result).header();
        if (packet.network() != options.network()) {
            drops.add("wrong-network");
            return;
        }
        if (packet.message() instanceof ValueParts) {
            in.add("part");
            Reassembler.Outcome o = reassembler.accept(packet, from, now);
            if (o instanceof Reassembler.Unexpected) {
                if (options.rateLimited() && !rateLimiter.allow(from.getAddress(), now)) {
                    drops.add("rate-limited");
                } else {
                    drops.add("unexpected-part");
                }
            } else if (o instanceof Reassembler.Done d) {
                if (d.result() instanceof DecodeResult.Complete c) {
                    handle(c.packet(), from, now);
                } else {
                    drops.add("decode:bad-part");
                }
            }
            return;
        }
        if (result instanceof DecodeResult.AwaitingParts awaiting) {
            if (packet.message() instanceof Message.Request
                    && options.rateLimited()
                    && !rateLimiter.allow(from.getAddress(), now)) {
                drops.add("rate-limited");
                return;
            }
            if (!reassembler.expect(awaiting, from, now)) {
                drops.add("too-many-partial-messages");
            }
            return;
        }
        handle(packet, from, now);
    }

    private void handle(Packet packet, InetSocketAddress from, long now) {
        Message.FromNode m = (Message.FromNode) packet.message();
        if (m.sender().isZero() || m.sender().equals(id)) {
            drops.add("own-or-zero-id");
            return;
        }
        if (m instanceof Message.Request q) {
            in.add(q.name());
            if (options.rateLimited() && !rateLimiter.allow(from.getAddress(), now)) {
                drops.add("rate-limited");
                return;
            }
            RemoteNode node = learn(m.sender(), from, packet.client() ? null : Confirm.SENT_REQUEST, now);
            if (node != null) {
                node.heard(now, false, packet.client());
            }
            if (!packet.client()) {
                searches.heard(m.sender(), from);
            }
            answer(q, packet.tid(), from, now);
        } else {
            in.add(m instanceof ErrorReply ? "error" : "reply");
            Pending p = pending.get(packet.tid());
            if (p == null || !p.to.equals(from)) {
                drops.add("unmatched-reply");
                return;
            }
            pending.remove(packet.tid());
            settled(p);
            p.timer.cancel();
            RemoteNode node = learn(m.sender(), from, Confirm.REPLIED, now);
            if (node != null) {
                node.heard(now, true, packet.client());
                if (!neighbourhoodLookedUp.contains(Family.of(from.getAddress()))) {
                    checkNeighbourhoodSoon(); // connected: look our neighbourhood up
                }
            }
            if (!packet.client()) {
                searches.heard(m.sender(), from);
            }
            if (m instanceof Reply r) {
                if (("find".equals(p.kind) || "get".equals(p.kind)) && (r.token() == null || r.token().length == 0)) {
                    // A find/get reply without a token: OpenDHT ignores it and blacklists the node,
                    // which expires it; whoever asked hears of no answer rather than waiting forever.
                    blacklist(from);
                    if (node != null) {
                        node.markExpired();
                    }
                    p.handler.onExpired();
                    return;
                }
                learnNodes(r, from, now);
                p.handler.onReply(r, from);
            } else {
                ErrorReply e = (ErrorReply) m;
                if (e.code() == ErrorReply.UNAUTHORIZED && node != null) {
                    node.authError();
                }
                p.handler.onError(e, from);
            }
        }
    }

    private void answer(Message.Request q, long tid, InetSocketAddress from, long now) {
        if (q instanceof Ping) {
            reply(tid, from, Reply.simple(id, from.getAddress()));
        } else if (q instanceof Find f) {
            NodeLists n = closestNodes(f.target(), f.want(), from);
            reply(tid, from, new Reply(id, null, from.getAddress(), n.v4, n.v6, tokens.issue(from), List.of(), null));
        } else if (q instanceof Get g) {
            onGet(g, tid, from);
        } else if (q instanceof Put p) {
            onPut(p, tid, from, now);
        } else if (q instanceof Refresh r) {
            onRefresh(r, tid, from, now);
        } else if (q instanceof Listen l) {
            onListen(l, tid, from, now);
        } else if (q instanceof Update u) {
            searches.update(u.sender(), u.socketId(), u.values(), u.created(), u.token());
            reply(tid, from, Reply.simple(id, from.getAddress()));
        } else if (q instanceof UpdateIds u) {
            searches.updateIds(u.sender(), u.socketId(), u.kind(), u.valueIds(), u.token());
            reply(tid, from, Reply.simple(id, from.getAddress()));
        }
    }

    private void onGet(Get g, long tid, InetSocketAddress from) {
        if (g.key() == null) {
            error(tid, from, ErrorReply.NON_AUTHORITATIVE, "Get_values with no info_hash");
            return;
        }
        NodeLists n = closestNodes(g.key(), g.want(), from);
        Query q = g.query();
        List<Value> values = storage.get(g.key(), q);
        List<Value> whole = List.of();
        Projection projection = null;
        if (!values.isEmpty()) {
            if (q != null && !q.select().isEmpty()) {
                projection = project(values, q.select());
            } else {
                whole = values;
            }
        }
        reply(tid, from, new Reply(id, null, from.getAddress(), n.v4, n.v6, tokens.issue(from), whole, projection));
    }

    private void onPut(Put p, long tid, InetSocketAddress from, long now) {
        if (!tokens.accepts(p.token(), from)) {
            error(tid, from, ErrorReply.UNAUTHORIZED, "Put with wrong token");
            return;
        }
        if (p.key() == null) {
            error(tid, from, ErrorReply.NON_AUTHORITATIVE, "Put with no info_hash");
            return;
        }
        for (Value v : p.values()) {
            if (v.id() == 0) {
                error(tid, from, ErrorReply.NON_AUTHORITATIVE, "Put with invalid id");
                return;
            }
        }
        boolean tooFar = tooFar(p.key(), Family.of(from.getAddress()), now);
        for (Value v : p.values()) {
            if (!tooFar) {
                Long created = p.created() == null ? null : p.created() * 1000;
                Storage.Outcome outcome = storage.put(p.key(), v, created, from, now);
                if (outcome != Storage.Outcome.REJECTED) {
                    expireAt(p.key(), storage.expiration(p.key(), v.id()));
                }
                switch (outcome) {
                    case STORED, EDITED -> {
                        pushNew(p.key(), v, now);
                        searches.storedLocally(p.key(), List.of(v));
                    }
                    case REFRESHED -> pushIds(p.key(), UpdateIds.Kind.REFRESHED, List.of(v.id()));
                    case REJECTED -> drops.add("put-rejected-by-policy");
                }
            }
            // One acknowledgement per value, also when the policy refused it (as OpenDHT does).
            reply(tid, from, new Reply(id, v.id(), from.getAddress(), List.of(), List.of(), null, List.of(), null));
        }
    }

    /**
     * Makes sure the values under {@code key} leave storage no later than {@code at} (ms; -1:
     * nothing to do). One timer per key, set for its earliest expiration, like OpenDHT's
     * per-value {@code expireStorage} job: a value must not be served, nor its listeners left
     * uninformed, past its lifetime. A refresh only moves expirations later, so the timer then
     * fires early, finds nothing due and is set again for the next expiration.
     */
    private void expireAt(InfoHash key, long at) {
        ExpiryTimer current = expiryTimers.get(key);
        if (at < 0 || (current != null && current.at() <= at)) {
            return;
        }
        if (current != null) {
            current.timer().cancel();
        }
        long delay = Math.max(0, at - scheduler.now());
        expiryTimers.put(key, new ExpiryTimer(at, scheduler.schedule(delay, () -> expiryDue(key))));
    }

    private void expiryDue(InfoHash key) {
        expiryTimers.remove(key);
        storage.expire(key, scheduler.now());
        expireAt(key, storage.nextExpiration(key));
    }

    private void onRefresh(Refresh r, long tid, InetSocketAddress from, long now) {
        if (!tokens.accepts(r.token(), from)) {
            error(tid, from, ErrorReply.UNAUTHORIZED, "Put with wrong token");
            return;
        }
        if (!storage.hasKey(r.key())) {
            error(tid, from, ErrorReply.NOT_FOUND, "Access operation for unknown storage");
            return;
        }
        if (storage.refresh(r.key(), r.valueId(), now)) {
            pushIds(r.key(), UpdateIds.Kind.REFRESHED, List.of(r.valueId()));
        }
        reply(tid, from, new Reply(id, r.valueId(), from.getAddress(), List.of(), List.of(), null, List.of(), null));
    }

    private void onListen(Listen l, long tid, InetSocketAddress from, long now) {
        if (l.key() == null) {
            error(tid, from, ErrorReply.NON_AUTHORITATIVE, "Listen with no info_hash");
            return;
        }
        if (!tokens.accepts(l.token(), from)) {
            error(tid, from, ErrorReply.UNAUTHORIZED, "Listen with wrong token");
            return;
        }
        boolean fresh = listeners.register(l.key(), l.sender(), l.socketId(), from, l.query(), now);
        reply(tid, from, Reply.simple(id, from.getAddress()));
        if (fresh) {
            List<Value> current = storage.get(l.key(), l.query());
            if (!current.isEmpty()) {
                sendUpdate(
                        l.key(), new RemoteListeners.Listener(l.sender(), l.socketId(), from, l.query(), now), current);
            }
        }
    }

    private Projection project(List<Value> values, List<Field> select) {
        TreeSet<Field> fields = new TreeSet<>((a, b) -> Integer.compare(a.code(), b.code()));
        fields.addAll(select);
        List<List<Object>> rows = new ArrayList<>(values.size());
        for (Value v : values) {
            List<Object> row = new ArrayList<>(fields.size());
            for (Field f : fields) {
                row.add(
                        switch (f) {
                            case ID -> v.id();
                            case VALUE_TYPE -> (long) v.type();
                            case SEQ_NUM -> (long) v.seq();
                            case USER_TYPE -> v.userType();
                            case OWNER_PK -> v.owner() != null ? v.owner() : new byte[InfoHash.SIZE];
                        });
            }
            rows.add(row);
        }
        return new Projection(new ArrayList<>(fields), rows);
    }

    /** §9.2 step 2: with 8+ good nodes closer to the key than we are, we do not store. */
    private boolean tooFar(InfoHash key, Family family, long now) {
        RoutingTable t = tables.get(family);
        if (t == null) {
            return false;
        }
        List<RemoteNode> closest = t.closestGood(key, SEARCH_NODES, now);
        return closest.size() >= RoutingTable.K
                && key.xorCompare(closest.get(closest.size() - 1).id(), id) < 0;
    }

    // ---------------------------------------------------------------- listeners

    private void pushNew(InfoHash key, Value v, long now) {
        for (RemoteListeners.Listener l : listeners.of(key)) {
            if (l.query() == null || l.query().matches(v)) {
                sendUpdate(key, l, List.of(v));
            }
        }
    }

    private void sendUpdate(InfoHash key, RemoteListeners.Listener l, List<Value> values) {
        long now = scheduler.now();
        long created = Long.MAX_VALUE;
        for (Value v : values) {
            long c = storage.created(key, v.id());
            if (c >= 0) {
                created = Math.min(created, c);
            }
        }
        Long c = created < now - 1000 ? created / 1000 : null;
        send(l.address(), new Update(id, 1, key, l.socketId(), values, c, tokens.issue(l.address())), null);
    }

    private void pushIds(InfoHash key, UpdateIds.Kind kind, List<Long> ids) {
        for (RemoteListeners.Listener l : listeners.of(key)) {
            send(l.address(), new UpdateIds(id, l.socketId(), tokens.issue(l.address()), kind, ids), null);
        }
    }

    private void onValuesRemoved(InfoHash key, List<Long> ids) {
        pushIds(key, UpdateIds.Kind.EXPIRED, ids);
        searches.removedLocally(key, ids);
    }

    // ---------------------------------------------------------------- routing

    private record NodeLists(List<NodeInfo> v4, List<NodeInfo> v6) {}

    private NodeLists closestNodes(InfoHash target, List<Long> want, InetSocketAddress from) {
        Set<Family> families = new LinkedHashSet<>();
        for (long w : want) {
            Family f = Family.ofWireCode(w);
            if (f != null) {
                families.add(f);
            }
        }
        if (families.isEmpty()) {
            families.add(Family.of(from.getAddress()));
        }
        long now = scheduler.now();
        List<NodeInfo> v4 = families.contains(Family.IPV4) ? closestInfos(Family.IPV4, target, now) : List.of();
        List<NodeInfo> v6 = families.contains(Family.IPV6) ? closestInfos(Family.IPV6, target, now) : List.of();
        return new NodeLists(v4, v6);
    }

    private List<NodeInfo> closestInfos(Family family, InfoHash target, long now) {
        RoutingTable t = tables.get(family);
        if (t == null) {
            return List.of();
        }
        List<NodeInfo> infos = new ArrayList<>();
        for (RemoteNode n : t.closestGood(target, SEND_NODES, now)) {
            infos.add(new NodeInfo(n.id(), n.address()));
        }
        return infos;
    }

    /** Offers a node to its family's table; pings the dubious node the table points at. */
    private RemoteNode learn(InfoHash nodeId, InetSocketAddress address, Confirm confirm, long now) {
        RoutingTable t = tables.get(Family.of(address.getAddress()));
        if (t == null || confirm == null) {
            return t == null ? null : t.find(nodeId);
        }
        RemoteNode existing = t.find(nodeId);
        if (existing != null && confirm == Confirm.HEARD_OF) {
            return existing;
        }
        RoutingTable.Insertion ins = t.insert(new RemoteNode(nodeId, address), confirm, now, awaiting::containsKey);
        if (ins.toPing() != null) {
            ping(ins.toPing().address());
        }
        RemoteNode stored = t.find(nodeId);
        if (existing == null && stored != null) {
            if (confirm == Confirm.HEARD_OF && !awaiting.containsKey(address)) {
                ping(address); // a node we only heard of: ask it directly so it can become good
            }
            if (t.closestLive(id, RoutingTable.K).contains(stored)) {
                checkNeighbourhoodSoon(); // a new neighbour: confirm it, and learn its neighbours
            }
        }
        return stored;
    }

    private void learnNodes(Reply r, InetSocketAddress from, long now) {
        for (NodeInfo n : sentNodes(r.nodes4())) {
            learnNode(n, from, now);
        }
        for (NodeInfo n : sentNodes(r.nodes6())) {
            learnNode(n, from, now);
        }
    }

    /**
     * The entries of a reply's node list worth reading: a node sends at most {@link #SEND_NODES}
     * per family, so more is not a real answer; reading thousands would have this node ping,
     * and its searches chase, every one of them.
     */
    static List<NodeInfo> sentNodes(List<NodeInfo> nodes) {
        return nodes.size() > SEND_NODES ? nodes.subList(0, SEND_NODES) : nodes;
    }

    private void learnNode(NodeInfo n, InetSocketAddress from, long now) {
        InetSocketAddress a = usableAddress(n, from);
        if (a != null) {
            learn(n.id(), a, Confirm.HEARD_OF, now);
        }
    }

    /** Where to reach a node another node told us of, or null when it must not be contacted. */
    InetSocketAddress usableAddress(NodeInfo n, InetSocketAddress from) {
        if (n.id().equals(id) || n.id().isZero()) {
            return null;
        }
        InetSocketAddress a = n.address();
        // A peer on loopback reports its neighbours as loopback: use the address we see it at.
        if (a.getAddress().isLoopbackAddress() && Family.of(a.getAddress()) == Family.of(from.getAddress())) {
            a = new InetSocketAddress(from.getAddress(), a.getPort());
        }
        return isMartian(a) || blacklist.contains(a) ? null : a;
    }

    // ---------------------------------------------------------------- for searches

    long now() {
        return scheduler.now();
    }

    /** Families with a socket ({@code families}) and with live nodes to ask ({@code runningFamilies}). */
    List<Family> families() {
        return new ArrayList<>(tables.keySet());
    }

    /** Still hoping to join: running, with bootstrap nodes to retry or requests awaiting an answer. */
    boolean isJoining() {
        return running && (!bootstrapNodes.isEmpty() || !pending.isEmpty());
    }

    List<Family> runningFamilies() {
        long now = scheduler.now();
        List<Family> out = new ArrayList<>();
        tables.forEach((f, t) -> {
            if (t.goodCount(now) + t.dubiousCount(now) > 0) {
                out.add(f);
            }
        });
        return out;
    }

    List<NodeInfo> closestLive(Family family, InfoHash key, int count) {
        RoutingTable t = tables.get(family);
        if (t == null) {
            return List.of();
        }
        return t.closestLive(key, count).stream()
                .map(n -> new NodeInfo(n.id(), n.address()))
                .toList();
    }

    /** Values this node stores under {@code key}: a get or listen includes them. */
    List<Value> localValues(InfoHash key, Query where) {
        return storage.get(key, where);
    }

    /** How long values of a type live (ms). */
    long lifetime(int type) {
        return types.get(type).expiration().toMillis();
    }

    void countDrop(String reason) {
        drops.add(reason);
    }

    private void blacklist(InetSocketAddress a) {
        if (blacklist.size() >= MAX_BLACKLIST) {
            blacklist.remove(blacklist.iterator().next());
        }
        blacklist.add(a);
        drops.add("blacklisted");
    }

    // ---------------------------------------------------------------- outbound

    /** Sends a request, retried up to 3 times; the handler hears of a reply, an error or expiry. */
    public void send(InetSocketAddress to, Message.Request request, ResponseHandler handler) {
        long tid = nextTid;
        nextTid = (nextTid + 1) & 0xffff_ffffL;
        List<byte[]> datagrams = WireCodec.encode(new Packet(tid, options.network(), options.agent(), false, request));
        Pending p = new Pending(tid, to, datagrams, request.name(), handler == null ? (r, f) -> {} : handler);
        Pending previous = pending.put(tid, p);
        if (previous != null) {
            previous.timer.cancel();
            settled(previous);
        }
        awaiting.merge(to, 1, Integer::sum);
        attempt(p);
    }

    private void attempt(Pending p) {
        p.attempts++;
        out.add(p.kind);
        for (byte[] d : p.datagrams) {
            transport.send(d, p.to);
        }
        long wait = (1000L << (p.attempts - 1)) + random.nextLong(250L * p.attempts + 1);
        p.timer = scheduler.schedule(wait, () -> {
            if (pending.get(p.tid) != p) {
                return;
            }
            if (p.attempts < 3) {
                if (p.attempts == 1) {
                    p.handler.onRetry();
                }
                if (pending.get(p.tid) == p) {
                    attempt(p);
                }
                return;
            }
            pending.remove(p.tid);
            settled(p);
            RemoteNode node = nodeAt(p.to);
            if (node != null) {
                node.markExpired();
            }
            p.handler.onExpired();
        });
    }

    private void settled(Pending p) {
        awaiting.computeIfPresent(p.to, (a, n) -> n > 1 ? n - 1 : null);
    }

    private RemoteNode nodeAt(InetSocketAddress a) {
        RoutingTable t = tables.get(Family.of(a.getAddress()));
        if (t == null) {
            return null;
        }
        for (RemoteNode n : t.nodes()) {
            if (n.address().equals(a)) {
                return n;
            }
        }
        return null;
    }

    private void ping(InetSocketAddress to) {
        if (transport.supports(Family.of(to.getAddress()))) {
            send(to, new Ping(id), null);
        }
    }

    private void reply(long tid, InetSocketAddress to, Message message) {
        out.add(message instanceof ErrorReply ? "error" : "reply");
        for (byte[] d : WireCodec.encode(new Packet(tid, options.network(), options.agent(), false, message))) {
            transport.send(d, to);
        }
    }

    private void error(long tid, InetSocketAddress to, int code, String text) {
        reply(tid, to, new ErrorReply(id, code, text));
    }

    // ---------------------------------------------------------------- maintenance

    private void every(long firstDelay, java.util.function.LongSupplier task) {
        Scheduler.Cancellable[] slot = new Scheduler.Cancellable[1];
        Runnable[] run = new Runnable[1];
        run[0] = () -> {
            timers.remove(slot[0]);
            if (!running) {
                return;
            }
            long next = task.getAsLong();
            slot[0] = scheduler.schedule(next, run[0]);
            timers.add(slot[0]);
        };
        slot[0] = scheduler.schedule(firstDelay, run[0]);
        timers.add(slot[0]);
    }

    /**
     * §8.4: refresh stale buckets with a find for a random id in them, and ask one node near
     * our own id about its neighbourhood every time (OpenDHT's neighbourhood maintenance), so
     * the nodes closest to us keep answering and stay good even in a quiet network (find
     * replies list only good nodes); our dubious nearest neighbours are pinged. Returns the
     * next delay.
     */
    private long maintainBuckets() {
        long now = scheduler.now();
        confirmNeighbourhood();
        boolean sent = false;
        for (Map.Entry<Family, RoutingTable> e : tables.entrySet()) {
            RoutingTable t = e.getValue();
            for (InfoHash target : t.staleBucketTargets(now, BUCKET_STALE, random)) {
                RemoteNode n = t.someNodeNear(target, random, now);
                if (n != null) {
                    send(n.address(), new Find(id, target, wantBoth()), null);
                    sent = true;
                }
            }
            for (RemoteNode n : t.closestLive(id, RoutingTable.K)) {
                if (!n.isGood(now) && n.hasReplied()) {
                    ping(n.address()); // a neighbour gone quiet: its answer makes it good again
                }
            }
            RemoteNode neighbour = t.someNodeNear(id, random, now);
            if (neighbour != null) {
                send(neighbour.address(), new Find(id, id.withBit(159, random.nextBoolean()), wantBoth()), null);
                if (t.size() < RoutingTable.K * 2) {
                    sent = true; // few nodes yet: keep looking often
                }
            }
        }
        return sent ? 5_000 + random.nextLong(20_000) : 60_000 + random.nextLong(120_000);
    }

    /**
     * Runs {@link #confirmNeighbourhood} in a second, once however many events ask for it in
     * between (OpenDHT brings its {@code confirmNodes} forward to a second after the first node
     * of a table).
     */
    private void checkNeighbourhoodSoon() {
        if (!running || neighbourhoodCheck != null) {
            return;
        }
        Scheduler.Cancellable[] slot = new Scheduler.Cancellable[1];
        slot[0] = scheduler.schedule(NEIGHBOURHOOD_CHECK_DELAY, () -> {
            timers.remove(slot[0]);
            neighbourhoodCheck = null;
            if (running) {
                confirmNeighbourhood();
            }
        });
        neighbourhoodCheck = slot[0];
        timers.add(slot[0]);
    }

    /**
     * OpenDHT's {@code confirmNodes}: a connected family whose neighbourhood was never looked up,
     * or whose 8 nodes nearest to us include one that never answered us (a node that joined
     * next to us and only sent us requests), gets a search for our own id. The nodes it asks
     * answer, so they become good here and are listed in our find replies; they hear of us,
     * and the nodes they list near us join our table. Without it a freshly formed network
     * lists only part of each neighbourhood, and a put and a later get of the same key end on
     * different nodes.
     */
    private void confirmNeighbourhood() {
        long now = scheduler.now();
        tables.forEach((family, t) -> {
            if (t.goodCount(now) == 0) {
                return;
            }
            boolean unconfirmed = t.closestLive(id, RoutingTable.K).stream().anyMatch(n -> !n.isGood(now));
            if ((!neighbourhoodLookedUp.contains(family) || unconfirmed) && searches.lookUpNeighbourhood(family)) {
                neighbourhoodLookedUp.add(family);
            }
        });
    }

    List<Long> wantBoth() {
        return tables.size() == 2 ? List.of(2L, 10L) : List.of();
    }

    private long expiryPass() {
        long now = scheduler.now();
        for (RoutingTable t : tables.values()) {
            for (RemoteNode cached : t.removeExpired()) {
                ping(cached.address());
            }
        }
        storage.expire(now);
        listeners.expire(now);
        return 2 * 60_000 + random.nextLong(4 * 60_000);
    }

    private long rotateTokens() {
        return tokens.rotate();
    }

    private void bootstrapStep() {
        if (!running) {
            return;
        }
        long now = scheduler.now();
        boolean disconnected =
                tables.values().stream().allMatch(t -> t.goodCount(now) == 0 && t.dubiousCount(now) == 0);
        if (disconnected) {
            LOG.info("bootstrapping from {}", bootstrapNodes);
            bootstrapNodes.forEach(this::ping);
        }
        long delay = bootstrapDelay;
        bootstrapDelay = Math.min(bootstrapDelay * 2, BOOTSTRAP_RETRY_MAX);
        timers.add(scheduler.schedule(delay, this::bootstrapStep));
    }

    // ---------------------------------------------------------------- addresses

    private static InetSocketAddress unmapped(InetSocketAddress a) {
        if (a.getAddress() instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            if (mapped && b[10] == (byte) 0xff && b[11] == (byte) 0xff) {
                try {
                    return new InetSocketAddress(
                            InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)), a.getPort());
                } catch (java.net.UnknownHostException e) {
                    return a;
                }
            }
        }
        return a;
    }

    /** §8.6: addresses never accepted as sources or node-list entries. */
    static boolean isMartian(InetSocketAddress a) {
        if (a.getPort() == 0 || a.getAddress() == null) {
            return true;
        }
        byte[] b = a.getAddress().getAddress();
        if (a.getAddress() instanceof Inet4Address) {
            int first = b[0] & 0xff;
            return first == 0 || first >= 224;
        }
        int first = b[0] & 0xff;
        if (first == 0xff || (first == 0xfe && (b[1] & 0xc0) == 0x80)) {
            return true;
        }
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        boolean unspecified = zeroPrefix
                && b[10] == 0
                && b[11] == 0
                && java.util.Arrays.equals(java.util.Arrays.copyOfRange(b, 12, 16), new byte[4]);
        boolean mapped = zeroPrefix && b[10] == (byte) 0xff && b[11] == (byte) 0xff;
        return unspecified || mapped;
    }
}
