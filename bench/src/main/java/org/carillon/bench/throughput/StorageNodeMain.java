package org.carillon.bench.throughput;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;

/**
 * The Carillon side of the storage throughput experiment, run in a JVM of its own like dhtnode
 * runs in its process: one {@link DhtRunner} on 127.0.0.1 with what {@code dhtnode -U} turns off
 * turned off (request rate limits; the storage cap raised out of reach), until "quit" or the end
 * of stdin. Prints {@code carillon storage node <id> port <port>} once it answers.
 */
public final class StorageNodeMain {
    static final String READY = "carillon storage node ([0-9a-f]{40}) port (\\d+)";

    /** The answer to {@code gc}: milliseconds the JVM stood still for garbage collection so far, and pauses. */
    static final String GC_TIME = "gc-time (\\d+) ms (\\d+) collections";

    /** {@code dhtnode -U} sets no storage limit at all; this is more than any run stores. */
    private static final long STORAGE_LIMIT = 1L << 40;

    private StorageNodeMain() {}

    public static void main(String[] args) throws Exception {
        DhtConfig config = DhtConfig.defaults()
                .withBindAddresses(List.of(InetAddress.getByName("127.0.0.1")))
                .withPort(0)
                .withRateLimited(false)
                .withStorageLimit(STORAGE_LIMIT);
        try (DhtRunner node = DhtRunner.start(config)) {
            System.out.println("carillon storage node " + node.nodeId() + " port " + node.port());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.strip().equals("quit")) {
                // the node answers on its own threads; this one only reports GC time when asked
                if (line.strip().equals("gc")) {
                    long ms = 0;
                    long count = 0;
                    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                        if (stopsTheNode(gc.getName())) {
                            ms += Math.max(0, gc.getCollectionTime());
                            count += Math.max(0, gc.getCollectionCount());
                        }
                    }
                    System.out.println("gc-time " + ms + " ms " + count + " collections");
                    System.out.flush();
                }
            }
        }
    }

    /**
     * Whether a collector's time is time the node stood still: Shenandoah's and ZGC's "… Cycles"
     * beans count their concurrent cycles, which run beside the node (their "… Pauses" beans
     * count the pauses); every other collector's time is pause time.
     */
    static boolean stopsTheNode(String collectorName) {
        return !collectorName.endsWith(" Cycles");
    }
}
