package org.carillon.bench.throughput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.wire.DecodeResult;
import org.carillon.dht.wire.Message;
import org.carillon.dht.wire.Packet;
import org.carillon.dht.wire.WireCodec;

/**
 * An open-loop load generator for one storage node: several UDP client sockets on the loopback
 * send well-formed {@code get} and {@code put} requests at a fixed rate, whether or not earlier
 * ones were answered, and a receiver thread matches the replies by transaction id.
 *
 * <p>Requests carry the client flag ({@code s}), so the node does not put the clients in its
 * routing table: with no other node known it never finds a key "too far" and stores every put.
 * Each client has its own address (127.0.0.2, 127.0.0.3, … where the host allows, else its own
 * port on 127.0.0.1) and its own write token, which both nodes derive from the requester's
 * address and port; tokens come from get replies and are fetched again before every put step
 * (dhtnode's secret rotates every 15–45 minutes and the previous one stays valid).
 *
 * <p>Every datagram of a step is encoded before its clock starts, so the send loop only paces
 * and writes. Latency runs from just before the send call to the moment the receiver thread read
 * the reply; it includes both threads' scheduling delays, the same for both nodes.
 */
final class LoadGenerator implements AutoCloseable {
    /** Transaction ids of set-up requests (tokens, preload, checks) start here; measured ones below. */
    private static final long CONTROL_TIDS = 0x8000_0000L;

    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(2);
    private static final int CONTROL_ATTEMPTS = 3;
    private static final int CONTROL_BATCH = 64;
    private static final int PUT_SAMPLES_PER_STEP = 32;
    private static final int PUT_SAMPLES_MAX = 256;
    private static final int CLIENT_BUFFER = 4 << 20;

    private final String side;
    private final InetSocketAddress target;
    private final Workload workload;
    private final ProcessCpu nodeCpu;
    private final DoubleSupplier nodeGcMillis;
    private final ProcessCpu ownCpu = ProcessCpu.self();
    private final Duration drain;
    private final Client[] clients;
    private final Selector selector;
    private final Thread receiver;
    private final ConcurrentHashMap<Long, CompletableFuture<Message>> control = new ConcurrentHashMap<>();
    private final AtomicLong nextControlTid = new AtomicLong(CONTROL_TIDS);
    private final AtomicInteger undecodable = new AtomicInteger();
    private final AtomicInteger unmatched = new AtomicInteger();
    private final List<long[]> putSamples = new ArrayList<>();
    private volatile boolean running = true;
    private volatile Step current;
    private long nextTid = 1;

    private static final class Client {
        final DatagramChannel channel;
        final InfoHash id;
        volatile byte[] token;

        Client(DatagramChannel channel, InfoHash id) {
            this.channel = channel;
            this.id = id;
        }
    }

    /** The requests of one measured step and what came back for each. */
    private static final class Step {
        final Operation operation;
        final long firstTid;
        final int total;
        final AtomicLongArray sentAt;
        /** Nanoseconds to the reply; 0 while unanswered, -1 for an error reply. */
        final AtomicLongArray latency;

        final AtomicInteger answered = new AtomicInteger();
        final AtomicInteger errors = new AtomicInteger();
        final AtomicInteger emptyGets = new AtomicInteger();
        final ConcurrentHashMap<Integer, AtomicInteger> errorCodes = new ConcurrentHashMap<>();

        Step(Operation operation, long firstTid, int total) {
            this.operation = operation;
            this.firstTid = firstTid;
            this.total = total;
            this.sentAt = new AtomicLongArray(total);
            this.latency = new AtomicLongArray(total);
        }

        int handled() {
            return answered.get() + errors.get();
        }
    }

    /**
     * @param node the node under test: its address, its process's CPU time and GC time
     * @param drain how long to wait for late replies after the last send of a step
     */
    LoadGenerator(NodeUnderTest node, Workload workload, int clientCount, Duration drain) {
        this.side = node.side();
        this.target = node.address();
        this.workload = workload;
        this.nodeCpu = ProcessCpu.of(node.pid());
        this.nodeGcMillis = node::gcMillis;
        this.drain = drain;
        try {
            this.selector = Selector.open();
            this.clients = new Client[clientCount];
            for (int i = 0; i < clientCount; i++) {
                DatagramChannel ch = openClientSocket(i);
                clients[i] = new Client(ch, workload.clientId(i));
                ch.register(selector, SelectionKey.OP_READ, clients[i]);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot open the load generator's sockets: " + e.getMessage(), e);
        }
        this.receiver = new Thread(this::receive, "load-receiver-" + side);
        this.receiver.setDaemon(true);
        this.receiver.start();
    }

    private static DatagramChannel openClientSocket(int index) throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, CLIENT_BUFFER);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, CLIENT_BUFFER);
            try {
                ch.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (2 + index)}), 0));
            } catch (IOException e) {
                ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            }
            ch.configureBlocking(false);
            return ch;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Gets every client a write token, stores the value of each get key and checks that the node
     * answers gets with those values. Throws if the node does not.
     */
    void prepare() {
        refreshTokens();
        List<Call> preload = new ArrayList<>();
        for (int k = 0; k < workload.getKeys(); k++) {
            Client c = clients[k % clients.length];
            preload.add(new Call(
                    c, new Message.Put(c.id, workload.getKey(k), List.of(workload.getValue(k)), null, c.token)));
        }
        List<Message> stored = callAll(preload);
        for (int k = 0; k < stored.size(); k++) {
            if (!(stored.get(k) instanceof Message.Reply)) {
                throw new IllegalStateException(
                        side + " refused the preload put of get key " + k + ": " + describe(stored.get(k)));
            }
        }
        List<Call> checks = new ArrayList<>();
        int checked = Math.min(workload.getKeys(), 64);
        for (int k = 0; k < checked; k++) {
            Client c = clients[k % clients.length];
            checks.add(new Call(c, new Message.Get(c.id, workload.getKey(k), null, List.of())));
        }
        List<Message> got = callAll(checks);
        for (int k = 0; k < checked; k++) {
            long id = workload.getValue(k).id();
            if (!(got.get(k) instanceof Message.Reply r) || r.values().stream().noneMatch(v -> v.id() == id)) {
                throw new IllegalStateException(
                        side + " does not return the value stored on get key " + k + ": " + describe(got.get(k)));
            }
        }
    }

    /** Asks every client's token again (a get), as a client does before putting. */
    void refreshTokens() {
        List<Call> calls = new ArrayList<>();
        for (Client c : clients) {
            calls.add(new Call(c, new Message.Get(c.id, workload.getKey(0), null, List.of())));
        }
        List<Message> replies = callAll(calls);
        for (int i = 0; i < clients.length; i++) {
            if (!(replies.get(i) instanceof Message.Reply r) || r.token() == null || r.token().length == 0) {
                throw new IllegalStateException(
                        side + " gave client " + i + " no write token: " + describe(replies.get(i)));
            }
            clients[i].token = r.token();
        }
    }

    /**
     * Sends {@code rate} requests a second for {@code seconds}, open loop, then waits up to the
     * drain time for the last replies.
     */
    StepResult run(Operation op, int stepIndex, int rate, double seconds) {
        if (op == Operation.PUT) {
            refreshTokens();
        }
        int total = Math.max(1, (int) Math.round(rate * seconds));
        SplittableRandom random = workload.step(op, stepIndex);
        byte[][] datagrams = new byte[total][];
        int[] putKeyOf = op == Operation.PUT ? new int[total] : null;
        long[] valueIdOf = op == Operation.PUT ? new long[total] : null;
        long firstTid = nextTid;
        for (int i = 0; i < total; i++) {
            Client c = clients[i % clients.length];
            Message m;
            if (op == Operation.GET) {
                m = new Message.Get(c.id, workload.getKey(random.nextInt(workload.getKeys())), null, List.of());
            } else {
                int k = random.nextInt(workload.putKeys());
                Value v = workload.value(random);
                putKeyOf[i] = k;
                valueIdOf[i] = v.id();
                m = new Message.Put(c.id, workload.putKey(k), List.of(v), null, c.token);
            }
            datagrams[i] = encodeOne(new Packet(firstTid + i, 0, Packet.DEFAULT_AGENT, true, m));
        }
        nextTid += total;
        Step step = new Step(op, firstTid, total);

        double nodeGc0 = nodeGcMillis.getAsDouble();
        double ownGc0 = ownGcMillis();
        double nodeCpu0 = nodeCpu.seconds();
        double ownCpu0 = ownCpu.seconds();
        current = step;
        int unsent = 0;
        long start = System.nanoTime();
        int i = 0;
        while (i < total) {
            long due = Math.min(total, (long) ((System.nanoTime() - start) * (rate / 1e9)) + 1);
            while (i < due) {
                if (!send(step, i, clients[i % clients.length], datagrams[i])) {
                    unsent++;
                }
                i++;
            }
            if (i < total) {
                long wait = start + (long) (i * (1e9 / rate)) - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
        }
        long sendEnd = System.nanoTime();
        int sent = total - unsent;
        long drainUntil = sendEnd + drain.toNanos();
        while (step.handled() < sent && System.nanoTime() < drainUntil) {
            LockSupport.parkNanos(2_000_000);
        }
        long end = System.nanoTime();
        current = null;
        double nodeCpuUsed = nodeCpu.seconds() - nodeCpu0;
        double ownCpuUsed = ownCpu.seconds() - ownCpu0;
        double ownGcUsed = ownGcMillis() - ownGc0;
        double nodeGcUsed = nodeGcMillis.getAsDouble() - nodeGc0;

        long[] latencies = new long[total];
        int n = 0;
        for (int k = 0; k < total; k++) {
            long l = step.latency.get(k);
            if (l > 0) {
                latencies[n++] = l;
            }
        }
        Arrays.sort(latencies, 0, n);
        if (op == Operation.PUT) {
            samplePuts(step, random, putKeyOf, valueIdOf);
        }
        int answered = step.answered.get();
        int errors = step.errors.get();
        Map<Integer, Integer> codes = new TreeMap<>();
        step.errorCodes.forEach((code, count) -> codes.put(code, count.get()));
        // the first send is at 0 and the last one due at (total - 1) / rate
        double sendSeconds = Math.max((sendEnd - start) / 1e9, Math.max(1, total - 1) / (double) rate);
        return new StepResult(
                side,
                op,
                rate,
                sent / sendSeconds,
                sent,
                answered,
                errors,
                Math.max(0, sent - answered - errors),
                step.emptyGets.get(),
                codes,
                percentileMs(latencies, n, 0.50),
                percentileMs(latencies, n, 0.99),
                n == 0 ? Double.NaN : latencies[n - 1] / 1e6,
                nodeCpuUsed,
                nodeGcUsed,
                ownCpuUsed,
                ownGcUsed,
                sendSeconds,
                (end - start) / 1e9);
    }

    private boolean send(Step step, int i, Client c, byte[] datagram) {
        ByteBuffer b = ByteBuffer.wrap(datagram);
        step.sentAt.setRelease(i, System.nanoTime());
        try {
            for (int attempt = 0; attempt < 100; attempt++) {
                if (c.channel.send(b, target) > 0) {
                    return true;
                }
                // the socket's send buffer is full: give the kernel a moment
                LockSupport.parkNanos(10_000);
            }
        } catch (IOException e) {
            // counted as not sent below
        }
        step.sentAt.set(i, 0);
        return false;
    }

    /**
     * Waits (at most {@code limit}) until the node's process is nearly idle, so a step does not
     * start while this node, or the other one on the same cores, still works off an earlier
     * overload.
     */
    void settle(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            double before = nodeCpu.seconds();
            LockSupport.parkNanos(200_000_000);
            double used = nodeCpu.seconds() - before;
            if (Double.isNaN(used) || used <= 0.02) {
                return;
            }
        }
    }

    /** Remembers a few acknowledged puts of the step, to check later that the node kept them. */
    private void samplePuts(Step step, SplittableRandom random, int[] putKeyOf, long[] valueIdOf) {
        for (int s = 0; s < PUT_SAMPLES_PER_STEP && putSamples.size() < PUT_SAMPLES_MAX; s++) {
            int i = random.nextInt(step.total);
            if (step.latency.get(i) > 0) {
                putSamples.add(new long[] {putKeyOf[i], valueIdOf[i]});
            }
        }
    }

    /**
     * Of the sampled acknowledged puts, the fraction the node returns on a get for that value's
     * id (NaN when no put was sampled): a node that acknowledges puts it drops would show here.
     */
    double storedFraction() {
        if (putSamples.isEmpty()) {
            return Double.NaN;
        }
        List<Call> calls = new ArrayList<>();
        for (int s = 0; s < putSamples.size(); s++) {
            Client c = clients[s % clients.length];
            long id = putSamples.get(s)[1];
            Query byId = new Query(List.of(), List.of(Query.Condition.id(id)));
            calls.add(new Call(
                    c, new Message.Get(c.id, workload.putKey((int) putSamples.get(s)[0]), byId, List.of())));
        }
        List<Message> replies = callAll(calls);
        int found = 0;
        for (int s = 0; s < replies.size(); s++) {
            long id = putSamples.get(s)[1];
            if (replies.get(s) instanceof Message.Reply r && r.values().stream().anyMatch(v -> v.id() == id)) {
                found++;
            }
        }
        return found / (double) putSamples.size();
    }

    /** Where the client sockets send from, e.g. {@code 127.0.0.2:40001}. */
    List<String> clientAddresses() {
        List<String> addresses = new ArrayList<>();
        for (Client c : clients) {
            try {
                addresses.add(String.valueOf(c.channel.getLocalAddress()).replaceFirst("^/", ""));
            } catch (IOException e) {
                addresses.add("?");
            }
        }
        return addresses;
    }

    /** Datagrams that did not decode, and replies matching no request (late ones included). */
    int undecodable() {
        return undecodable.get();
    }

    int unmatched() {
        return unmatched.get();
    }

    /** GC time of this JVM: its pauses stall the receiver thread and lengthen measured latencies. */
    private static double ownGcMillis() {
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ms += Math.max(0, gc.getCollectionTime());
        }
        return ms;
    }

    private static double percentileMs(long[] sorted, int n, double q) {
        if (n == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * n) - 1;
        return sorted[Math.max(0, Math.min(n - 1, rank))] / 1e6;
    }

    private static byte[] encodeOne(Packet packet) {
        List<byte[]> datagrams = WireCodec.encode(packet);
        if (datagrams.size() != 1) {
            throw new IllegalStateException("a request must fit one datagram: " + packet.message());
        }
        return datagrams.get(0);
    }

    private record Call(Client client, Message.Request request) {}

    /** Sends set-up requests in batches, each retried, and returns the answers in order. */
    private List<Message> callAll(List<Call> calls) {
        List<Message> answers = new ArrayList<>(calls.size());
        for (int from = 0; from < calls.size(); from += CONTROL_BATCH) {
            List<Call> batch = calls.subList(from, Math.min(calls.size(), from + CONTROL_BATCH));
            Message[] got = new Message[batch.size()];
            for (int attempt = 0; attempt < CONTROL_ATTEMPTS; attempt++) {
                List<Integer> pending = new ArrayList<>();
                List<CompletableFuture<Message>> futures = new ArrayList<>();
                for (int k = 0; k < batch.size(); k++) {
                    if (got[k] == null) {
                        pending.add(k);
                        futures.add(sendControl(batch.get(k)));
                    }
                }
                if (pending.isEmpty()) {
                    break;
                }
                long deadline = System.nanoTime() + CONTROL_TIMEOUT.toNanos();
                for (int p = 0; p < pending.size(); p++) {
                    try {
                        got[pending.get(p)] =
                                futures.get(p).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException e) {
                        // retried in the next attempt
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted", e);
                    } catch (ExecutionException e) {
                        throw new IllegalStateException(e.getCause());
                    }
                }
            }
            for (int k = 0; k < got.length; k++) {
                if (got[k] == null) {
                    throw new IllegalStateException(side + " at " + target + " did not answer a "
                            + batch.get(k).request().name() + " in " + CONTROL_ATTEMPTS + " attempts");
                }
                answers.add(got[k]);
            }
        }
        return answers;
    }

    private CompletableFuture<Message> sendControl(Call call) {
        long tid = nextControlTid.getAndIncrement();
        CompletableFuture<Message> answer = new CompletableFuture<>();
        control.put(tid, answer);
        byte[] datagram = encodeOne(new Packet(tid, 0, Packet.DEFAULT_AGENT, true, call.request()));
        try {
            call.client().channel.send(ByteBuffer.wrap(datagram), target);
        } catch (IOException e) {
            // unanswered: retried
        }
        return answer.whenComplete((m, e) -> control.remove(tid));
    }

    private void receive() {
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        while (running) {
            try {
                selector.select(50);
            } catch (IOException e) {
                return;
            }
            for (SelectionKey key : selector.selectedKeys()) {
                Client c = (Client) key.attachment();
                for (int n = 0; n < 4096; n++) {
                    buffer.clear();
                    try {
                        if (c.channel.receive(buffer) == null) {
                            break;
                        }
                    } catch (IOException e) {
                        break;
                    }
                    long now = System.nanoTime();
                    buffer.flip();
                    byte[] data = new byte[buffer.remaining()];
                    buffer.get(data);
                    onDatagram(c, data, now);
                }
            }
            selector.selectedKeys().clear();
        }
    }

    private void onDatagram(Client c, byte[] data, long now) {
        DecodeResult result = WireCodec.decode(data);
        Packet packet;
        if (result instanceof DecodeResult.Complete complete) {
            packet = complete.packet();
        } else if (result instanceof DecodeResult.AwaitingParts awaiting) {
            packet = awaiting.header();
        } else {
            undecodable.incrementAndGet();
            return;
        }
        Message m = packet.message();
        if (m instanceof Message.Reply r && r.token() != null && r.token().length > 0) {
            c.token = r.token();
        }
        long tid = packet.tid();
        if (tid >= CONTROL_TIDS) {
            CompletableFuture<Message> answer = control.get(tid);
            if (answer != null) {
                answer.complete(m);
            } else {
                unmatched.incrementAndGet();
            }
            return;
        }
        Step step = current;
        long index = step == null ? -1 : tid - step.firstTid;
        if (index < 0 || index >= step.total) {
            unmatched.incrementAndGet();
            return;
        }
        int i = (int) index;
        long sent = step.sentAt.getAcquire(i);
        if (sent == 0) {
            unmatched.incrementAndGet();
            return;
        }
        if (m instanceof Message.ErrorReply e) {
            if (step.latency.compareAndSet(i, 0, -1)) {
                step.errors.incrementAndGet();
                step.errorCodes
                        .computeIfAbsent(e.code(), k -> new AtomicInteger())
                        .incrementAndGet();
            }
        } else if (m instanceof Message.Reply r) {
            if (step.latency.compareAndSet(i, 0, Math.max(1, now - sent))) {
                step.answered.incrementAndGet();
                if (step.operation == Operation.GET
                        && r.values().isEmpty()
                        && !(result instanceof DecodeResult.AwaitingParts)) {
                    step.emptyGets.incrementAndGet();
                }
            }
        } else {
            unmatched.incrementAndGet();
        }
    }

    private static String describe(Message m) {
        if (m instanceof Message.ErrorReply e) {
            return "error " + e.code() + " \"" + e.text() + "\"";
        }
        return m == null ? "no answer" : m.getClass().getSimpleName();
    }

    @Override
    public void close() {
        running = false;
        if (selector != null) {
            selector.wakeup();
        }
        if (receiver != null) {
            try {
                receiver.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (clients != null) {
            for (Client c : clients) {
                if (c != null) {
                    try {
                        c.channel.close();
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
            }
        }
        if (selector != null) {
            try {
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
