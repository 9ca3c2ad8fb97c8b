package org.carillon.bench.loopback;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;

/**
 * The process that hosts a benchmark's Carillon nodes, apart from the driver so that their CPU
 * time and memory can be read from /proc on their own. Driven over stdin (see {@link
 * CarillonHost}); answers one line each:
 *
 * <pre>
 * start COUNT [127.0.0.1:P,...]  -> STARTED port...   (each new node bootstraps from the list and,
 *                                                      once there is one, from this host's first node)
 * known                          -> KNOWN n...        (IPv4 routing-table size of every node)
 * memory                         -> MEMORY heapBytes  (heap in use after a full GC)
 * quit                           -> BYE               (closes every node, then exits)
 * </pre>
 */
public final class CarillonNodeHost {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private CarillonNodeHost() {}

    public static void main(String[] args) throws IOException {
        List<DhtRunner> nodes = new ArrayList<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        System.out.println("READY " + ProcessHandle.current().pid());
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split("\\s+");
            try {
                switch (w[0]) {
                    case "start" ->
                        System.out.println("STARTED " + start(nodes, Integer.parseInt(w[1]), w.length > 2 ? w[2] : ""));
                    case "known" ->
                        System.out.println("KNOWN "
                                + nodes.stream()
                                        .map(n -> Integer.toString(n.metrics().routingNodes4()))
                                        .collect(Collectors.joining(" ")));
                    case "memory" -> System.out.println("MEMORY " + heapAfterGc());
                    case "quit" -> {
                        nodes.parallelStream().forEach(DhtRunner::close);
                        System.out.println("BYE");
                        return;
                    }
                    default -> System.out.println("ERROR unknown command " + w[0]);
                }
            } catch (IOException | RuntimeException e) {
                System.out.println("ERROR " + e.toString().replace('\n', ' '));
            }
        }
        nodes.forEach(DhtRunner::close);
    }

    private static String start(List<DhtRunner> nodes, int count, String bootstrapList) throws IOException {
        List<InetSocketAddress> bootstrap = new ArrayList<>();
        for (String b : bootstrapList.split(",")) {
            if (!b.isBlank()) {
                String[] hp = b.split(":");
                if (!hp[0].equals("127.0.0.1")) {
                    throw new IllegalArgumentException("loopback bootstrap only, not " + b);
                }
                bootstrap.add(new InetSocketAddress(LOOPBACK, Integer.parseInt(hp[1])));
            }
        }
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<InetSocketAddress> from = new ArrayList<>(bootstrap);
            if (!nodes.isEmpty()) {
                from.add(new InetSocketAddress(LOOPBACK, nodes.get(0).port()));
            }
            DhtRunner node = DhtRunner.start(DhtConfig.defaults()
                    .withPort(0)
                    .withBindAddresses(List.of(LOOPBACK))
                    .withBootstrap(from));
            nodes.add(node);
            ports.add(node.port());
        }
        return ports.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
