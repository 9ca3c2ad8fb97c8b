package org.carillon.bench.loopback;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs workloads on one network through two nodes of the driver's own: a writer (puts) and a
 * reader (gets, listens), so that what the reader finds came over the network.
 */
interface WorkloadDriver extends AutoCloseable {
    /** How operations are issued: at most {@code concurrency} in flight, each given up after {@code timeoutMs}. */
    record Settings(int concurrency, int timeoutMs, int listenLeadMs) {}

    /** UDP ports of the writer and the reader. */
    List<Integer> ports();

    /** IPv4 routing-table sizes of the writer and the reader. */
    List<Integer> knownNodes();

    /** The process whose CPU time is the driver's. */
    long pid();

    /**
     * Runs {@code ops} in order (see {@link Workload}), handing each result to {@code onResult} as
     * it finishes (from any thread); returns when all have finished. Each result's latency is
     * measured inside the driver.
     */
    void run(List<Operation> ops, Settings settings, Consumer<OpResult> onResult);

    /**
     * Makes the reader listen at each operation's key for its data; the returned map fills in,
     * by key, when (CLOCK_MONOTONIC ns) the data was delivered.
     */
    Map<String, Long> watch(List<Operation> ops);

    /** Ends the listens {@link #watch} made. */
    void stopWatching();

    @Override
    void close();
}
