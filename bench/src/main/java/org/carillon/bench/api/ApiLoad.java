package org.carillon.bench.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.carillon.api.client.ApiClient;

/**
 * A closed loop of calls: over each connection, {@code inFlight} callers each make one call,
 * wait for its answer and make the next, for a while. What it measures: every round trip (call
 * sent → answer read) and the calls answered per second.
 */
final class ApiLoad {
    /** One window's outcome. */
    record Result(
            String method,
            int connections,
            int inFlight,
            long calls,
            long errors,
            double seconds,
            double[] latenciesMs) {
        double callsPerSecond() {
            return calls / seconds;
        }
    }

    private ApiLoad() {}

    static Result run(
            String method, Object params, List<ApiClient> clients, int inFlightPerConnection, Duration duration)
            throws Exception {
        int callers = clients.size() * inFlightPerConnection;
        List<List<Double>> samples = new ArrayList<>();
        AtomicLong errors = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                ApiClient client = clients.get(i % clients.size());
                List<Double> mine = new ArrayList<>();
                samples.add(mine);
                done.add(pool.submit(() -> {
                    for (long n = 0; n < 100_000_000L && System.nanoTime() < end; n++) {
                        long t = System.nanoTime();
                        try {
                            client.call(method, params).get(30, TimeUnit.SECONDS);
                            mine.add((System.nanoTime() - t) / 1e6);
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(duration.toSeconds() + 60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double[] all = samples.stream()
                .flatMap(List::stream)
                .mapToDouble(Double::doubleValue)
                .toArray();
        return new Result(method, clients.size(), inFlightPerConnection, all.length, errors.get(), seconds, all);
    }
}
