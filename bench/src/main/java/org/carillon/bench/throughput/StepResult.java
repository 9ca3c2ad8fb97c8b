package org.carillon.bench.throughput;

import java.util.Map;

/**
 * What one node did at one offered rate of one operation.
 *
 * @param offeredPerSecond the rate asked of the load generator
 * @param sentPerSecond the rate it achieved (below the offered one when the generator could not
 *     keep up: a busy machine, not the node)
 * @param answered requests answered with a reply (gets: with the value)
 * @param errors requests answered with an error message, by code in {@code errorCodes}
 * @param lost requests not answered within the drain time after the step
 * @param latency50Ms median latency of the answered requests (send to reply received)
 * @param nodeCpuSeconds CPU the node process used during the step (NaN when unknown)
 * @param nodeGcMillis time the node's JVM spent in garbage collection during the step (NaN for
 *     dhtnode); collections during the step, not the pauses the step waited for
 * @param generatorCpuSeconds CPU the benchmark process used (load generator and receiver)
 * @param generatorGcMillis GC time of the benchmark JVM during the step
 * @param seconds wall time from the first send to the end of the drain
 */
record StepResult(
        String side,
        Operation operation,
        int offeredPerSecond,
        double sentPerSecond,
        int sent,
        int answered,
        int errors,
        int lost,
        int emptyGets,
        Map<Integer, Integer> errorCodes,
        double latency50Ms,
        double latency99Ms,
        double latencyMaxMs,
        double nodeCpuSeconds,
        double nodeGcMillis,
        double generatorCpuSeconds,
        double generatorGcMillis,
        double sendSeconds,
        double seconds) {

    double answeredPerSecond() {
        return sendSeconds > 0 ? answered / sendSeconds : 0;
    }

    double answeredFraction() {
        return sent == 0 ? 0 : answered / (double) sent;
    }

    double lossFraction() {
        return sent == 0 ? 0 : lost / (double) sent;
    }

    /** Node CPU microseconds per request it answered (replies and errors). */
    double nodeCpuPerRequestMicros() {
        int handled = answered + errors;
        return handled == 0 ? Double.NaN : nodeCpuSeconds * 1e6 / handled;
    }

    /** Share of one core the node used during the step. */
    double nodeCpuUtilisation() {
        return seconds > 0 ? nodeCpuSeconds / seconds : Double.NaN;
    }

    double generatorCpuUtilisation() {
        return seconds > 0 ? generatorCpuSeconds / seconds : Double.NaN;
    }

    /**
     * Whether the load generator sent at (nearly) the offered rate; when it did not, the machine
     * was too busy and the step says nothing about the node.
     */
    boolean generatorKeptUp() {
        return sentPerSecond >= offeredPerSecond * 0.95;
    }

    /**
     * Whether the node kept up: p99 within the limit and enough requests answered, at the offered
     * rate.
     */
    boolean sustained(double p99LimitMs, double minAnsweredFraction) {
        return sent > 0 && generatorKeptUp() && latency99Ms <= p99LimitMs && answeredFraction() >= minAnsweredFraction;
    }

    String errorCodesText() {
        StringBuilder b = new StringBuilder();
        errorCodes.forEach((code, n) ->
                b.append(b.length() == 0 ? "" : " ").append(code).append(':').append(n));
        return b.toString();
    }
}
