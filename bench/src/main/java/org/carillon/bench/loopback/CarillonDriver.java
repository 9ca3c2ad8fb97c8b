package org.carillon.bench.loopback;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Query;
import org.carillon.dht.Value;

/** The Carillon-side driver: a writer and a reader {@link DhtRunner} in the benchmark's own JVM. */
final class CarillonDriver implements WorkloadDriver {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final DhtRunner writer;
    private final DhtRunner reader;
    private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(1, r -> {
        Thread t = new Thread(r, "carillon-driver-timers");
        t.setDaemon(true);
        return t;
    });
    /** Listens of the running workload. */
    private final List<ListenHandle> listens = new ArrayList<>();
    /** Listens made by {@link #watch}. */
    private final List<ListenHandle> watches = new ArrayList<>();

    private CarillonDriver(DhtRunner writer, DhtRunner reader) {
        this.writer = writer;
        this.reader = reader;
    }

    /** Starts the two nodes on 127.0.0.1, bootstrapping from the given loopback ports. */
    static CarillonDriver start(List<Integer> bootstrapPorts) {
        List<InetSocketAddress> from = bootstrapPorts.stream()
                .map(p -> new InetSocketAddress(LOOPBACK, p))
                .toList();
        DhtConfig config = DhtConfig.defaults()
                .withPort(0)
                .withBindAddresses(List.of(LOOPBACK))
                .withBootstrap(from);
        try {
            DhtRunner w = DhtRunner.start(config);
            try {
                return new CarillonDriver(w, DhtRunner.start(config));
            } catch (IOException | RuntimeException e) {
                w.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<Integer> ports() {
        return List.of(writer.port(), reader.port());
    }

    @Override
    public List<Integer> knownNodes() {
        return List.of(writer.metrics().routingNodes4(), reader.metrics().routingNodes4());
    }

    @Override
    public long pid() {
        return ProcessHandle.current().pid();
    }

    private final class Running {
        final Operation op;
        final AtomicBoolean finished = new AtomicBoolean();
        volatile long start;
        volatile long putStart;

        Running(Operation op) {
            this.op = op;
        }
    }

    @Override
    public void run(List<Operation> ops, Settings settings, Consumer<OpResult> onResult) {
        Semaphore slots = new Semaphore(settings.concurrency());
        CountDownLatch all = new CountDownLatch(ops.size());
        Map<String, CompletableFuture<Void>> putDone = new ConcurrentHashMap<>();
        ops.stream().filter(o -> o.kind() == OpKind.PUT).forEach(o -> putDone.put(o.key(), new CompletableFuture<>()));
        try {
            for (Operation op : ops) {
                CompletableFuture<Void> put = putDone.get(op.key());
                if (op.kind() != OpKind.PUT && op.kind() != OpKind.LISTEN && put != null) {
                    try {
                        put.get(settings.timeoutMs(), TimeUnit.MILLISECONDS);
                    } catch (Exception e) {
                        // the get still runs and fails or succeeds on its own
                    }
                }
                slots.acquire();
                Running r = new Running(op);
                Consumer<Boolean> finish = ok -> {
                    long end = System.nanoTime();
                    if (r.finished.compareAndSet(false, true)) {
                        long begin = op.kind() == OpKind.LISTEN ? r.putStart : r.start;
                        Double latency = ok && begin != 0 ? (end - begin) / 1e6 : null;
                        onResult.accept(new OpResult(op.index(), op.kind(), op.key(), ok, latency, r.start));
                        if (op.kind() == OpKind.PUT) {
                            putDone.get(op.key()).complete(null);
                        }
                        slots.release();
                        all.countDown();
                    }
                };
                timers.schedule(() -> finish.accept(false), settings.timeoutMs(), TimeUnit.MILLISECONDS);
                r.start = System.nanoTime();
                start(r, finish, settings.listenLeadMs());
            }
            if (!all.await(settings.timeoutMs() + 60_000L, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Carillon driver: operations did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            closeListens();
        }
    }

    private void start(Running r, Consumer<Boolean> finish, int leadMs) {
        Operation op = r.op;
        InfoHash key = InfoHash.fromHex(op.key());
        switch (op.kind()) {
            case PUT ->
                writer.put(key, Value.of(0, 0, op.data()), false).whenComplete((id, e) -> finish.accept(e == null));
            case GET, MISS -> {
                AtomicBoolean found = new AtomicBoolean();
                reader.get(key, Query.ALL, values -> {
                            if (values.stream().anyMatch(v -> Arrays.equals(v.data(), op.data()))) {
                                found.set(true);
                            }
                        })
                        .whenComplete((values, e) ->
                                finish.accept(e == null && (op.kind() == OpKind.GET ? found.get() : values.isEmpty())));
            }
            case LISTEN -> {
                ListenHandle h = reader.listen(key, Query.ALL, (values, expired) -> {
                    if (!expired && values.stream().anyMatch(v -> Arrays.equals(v.data(), op.data()))) {
                        finish.accept(true);
                    }
                });
                synchronized (listens) {
                    listens.add(h);
                }
                timers.schedule(
                        () -> {
                            r.putStart = System.nanoTime();
                            writer.put(key, Value.of(0, 0, op.data()), false);
                        },
                        leadMs,
                        TimeUnit.MILLISECONDS);
            }
            default -> throw new IllegalArgumentException(op.kind().toString());
        }
    }

    @Override
    public Map<String, Long> watch(List<Operation> ops) {
        Map<String, Long> delivered = new ConcurrentHashMap<>();
        for (Operation op : ops) {
            ListenHandle h = reader.listen(InfoHash.fromHex(op.key()), Query.ALL, (values, expired) -> {
                long now = System.nanoTime();
                if (!expired && values.stream().anyMatch(v -> Arrays.equals(v.data(), op.data()))) {
                    delivered.putIfAbsent(op.key(), now);
                }
            });
            synchronized (watches) {
                watches.add(h);
            }
        }
        return delivered;
    }

    private void closeListens() {
        synchronized (listens) {
            listens.forEach(ListenHandle::close);
            listens.clear();
        }
    }

    @Override
    public void stopWatching() {
        synchronized (watches) {
            watches.forEach(ListenHandle::close);
            watches.clear();
        }
    }

    @Override
    public void close() {
        closeListens();
        stopWatching();
        timers.shutdownNow();
        writer.close();
        reader.close();
    }
}
