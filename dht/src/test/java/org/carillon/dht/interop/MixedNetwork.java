package org.carillon.dht.interop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.wire.Family;

/**
 * A mixed network on loopback: real dhtnode 2.4.12 processes and Carillon nodes, both address
 * families, optionally a python3-opendht node, plus one Carillon node that only has an IPv6
 * socket on {@code ::1}. Ports are chosen at run time; every peer process is stopped by PID.
 *
 * <p>Topology: dhtnode {@code D0} bootstraps nowhere, {@code Di} from {@code 127.0.0.1:D(i-1)}
 * and is then told {@code b [::1]:D(i-1)} on its console (dhtnode takes one {@code -b}). That
 * rarely links the dhtnodes over IPv6: dhtnode 2.4.12 pings its bootstrap nodes only while it
 * has no node at all ({@code Dht::bootstrap}), and the IPv4 bootstrap has usually begun. The
 * IPv6 side of the network therefore hangs on the Carillon nodes: {@code Ci} bootstraps from
 * {@code Di} and from {@code C(i-1)}, each on {@code 127.0.0.1} and {@code [::1]}. The IPv6-only
 * Carillon node knows nothing but {@code [::1]} of one dhtnode. The python node (IPv4 only)
 * bootstraps from {@code D0} and {@code C0}.
 */
final class MixedNetwork implements AutoCloseable {
    private final List<DhtnodeProcess> dhtnodes = new ArrayList<>();
    private final List<DhtRunner> carillons = new ArrayList<>();
    private DhtRunner ipv6Only;
    private PythonOpendhtNode python;

    private MixedNetwork() {}

    /**
     * Starts {@code dhtnodeCount} dhtnodes and {@code carillonCount} dual-stack Carillon nodes,
     * the IPv6-only Carillon node and, when {@code withPython}, a python3-opendht node; then waits
     * until the network has formed (see {@link #awaitFormed}). On any failure everything already
     * started is stopped.
     */
    static MixedNetwork start(int dhtnodeCount, int carillonCount, boolean withPython, Duration formTimeout) {
        InteropPeers.requireDhtnode();
        if (withPython) {
            InteropPeers.requirePythonOpendht();
        }
        MixedNetwork n = new MixedNetwork();
        try {
            for (int i = 0; i < dhtnodeCount; i++) {
                DhtnodeProcess.Options o = DhtnodeProcess.options().name("D" + i);
                if (i > 0) {
                    o.bootstrap(n.dhtnodes.get(i - 1).address());
                }
                DhtnodeProcess d = DhtnodeProcess.start(o);
                if (i > 0) {
                    d.ping(n.dhtnodes.get(i - 1).addressIpv6());
                }
                n.dhtnodes.add(d);
            }
            for (int i = 0; i < carillonCount; i++) {
                DhtnodeProcess d = n.dhtnodes.get(i % dhtnodeCount);
                List<InetSocketAddress> bootstrap = new ArrayList<>(List.of(d.address(), d.addressIpv6()));
                if (i > 0) {
                    bootstrap.add(Loopback.ipv4(n.carillons.get(i - 1).port()));
                    bootstrap.add(Loopback.ipv6(n.carillons.get(i - 1).port()));
                }
                n.carillons.add(startCarillon(List.of(Loopback.IPV4, Loopback.IPV6), bootstrap));
            }
            n.ipv6Only = startCarillon(
                    List.of(Loopback.IPV6),
                    List.of(n.dhtnodes.get(dhtnodeCount / 2).addressIpv6()));
            if (withPython) {
                n.python = PythonOpendhtNode.start(PythonOpendhtNode.options()
                        .name("P")
                        .bootstrap(n.dhtnodes.get(0).address())
                        .bootstrap(Loopback.ipv4(n.carillons.get(0).port())));
            }
            n.awaitFormed(formTimeout);
            return n;
        } catch (RuntimeException | Error e) {
            n.close();
            throw e;
        }
    }

    private static DhtRunner startCarillon(List<java.net.InetAddress> bind, List<InetSocketAddress> bootstrap) {
        bootstrap.forEach(Loopback::requireLoopback);
        try {
            return DhtRunner.start(
                    DhtConfig.defaults().withPort(0).withBindAddresses(bind).withBootstrap(bootstrap));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until every Carillon node has good nodes in each family it has a socket for and
     * knows at least half of the network in its IPv4 table, and every dhtnode (and the python
     * node) lists at least one Carillon node in its routing table: searches started after this reach the closest nodes of any key.
     */
    void awaitFormed(Duration timeout) {
        int others = dhtnodes.size() + carillons.size() - 1;
        for (DhtRunner c : carillons) {
            await(
                    "Carillon " + c.nodeId() + " connected on both families, knowing half the network",
                    () -> c.isConnected(Family.IPV4)
                            && c.isConnected(Family.IPV6)
                            && c.metrics().routingNodes4() >= others / 2,
                    () -> c.metrics().toString(),
                    timeout);
        }
        await("the IPv6-only Carillon node connected", () -> ipv6Only.isConnected(Family.IPV6), () -> "", timeout);
        List<InfoHash> carillonIds = carillons.stream().map(DhtRunner::nodeId).toList();
        for (DhtnodeProcess d : dhtnodes) {
            await(
                    d + " knows a Carillon node",
                    () -> d.routingTableNodeIds().stream().anyMatch(carillonIds::contains),
                    () -> d.output().tail(),
                    timeout);
        }
        if (python != null) {
            await(
                    python + " knows a Carillon node",
                    () -> python.routingTableNodeIds().stream().anyMatch(carillonIds::contains),
                    () -> python.output().tail(),
                    timeout);
        }
    }

    List<DhtnodeProcess> dhtnodes() {
        return dhtnodes;
    }

    DhtnodeProcess dhtnode(int i) {
        return dhtnodes.get(i);
    }

    List<DhtRunner> carillons() {
        return carillons;
    }

    DhtRunner carillon(int i) {
        return carillons.get(i);
    }

    /**
     * The dual-stack Carillon node whose id is farthest from {@code key}: not one of the key's
     * storage nodes, so what it hears about the key comes over the network.
     */
    DhtRunner carillonFarFrom(InfoHash key) {
        return carillonsFarFrom(key, 1).get(0);
    }

    /**
     * The {@code count} dual-stack Carillon nodes farthest from {@code key}, farthest first: for
     * {@code count} up to 3, none is among the key's 8 closest nodes unless those are all
     * Carillon nodes.
     */
    List<DhtRunner> carillonsFarFrom(InfoHash key, int count) {
        return carillons.stream()
                .sorted((a, b) -> key.xorCompare(b.nodeId(), a.nodeId()))
                .limit(count)
                .toList();
    }

    /** The Carillon node bound to {@code ::1} only. */
    DhtRunner ipv6Only() {
        return ipv6Only;
    }

    PythonOpendhtNode python() {
        if (python == null) {
            throw new IllegalStateException("this network was started without a python node");
        }
        return python;
    }

    /** Log files of the peer processes, for failure messages. */
    String logFiles() {
        StringBuilder sb = new StringBuilder();
        dhtnodes.forEach(d -> sb.append(d).append(": ").append(d.logFile()).append('\n'));
        if (python != null) {
            sb.append(python).append(": ").append(python.logFile()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Stops everything, in parallel (a dhtnode may need its full grace period and a SIGKILL):
     * Carillon nodes first so no peer waits on a vanished one while it shuts down.
     */
    @Override
    public void close() {
        List<AutoCloseable> first = new ArrayList<>(carillons);
        if (ipv6Only != null) {
            first.add(ipv6Only);
        }
        closeAll(first);
        List<AutoCloseable> peers = new ArrayList<>(dhtnodes);
        if (python != null) {
            peers.add(python);
        }
        closeAll(peers);
    }

    private static void closeAll(List<AutoCloseable> all) {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(all.size(), 8)));
        try {
            List<Future<?>> done = new ArrayList<>();
            for (AutoCloseable c : all) {
                done.add(pool.submit(() -> {
                    try {
                        c.close();
                    } catch (Exception e) {
                        System.err.println("[interop] close of " + c + " failed: " + e);
                    }
                }));
            }
            for (Future<?> f : done) {
                try {
                    f.get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    System.err.println("[interop] close did not finish: " + e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Polls {@code condition} every 200 ms until it holds; fails with {@code detail} after {@code timeout}. */
    static void await(String what, BooleanSupplier condition, Supplier<String> detail, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout.toMillis() + " ms\n" + detail.get());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
