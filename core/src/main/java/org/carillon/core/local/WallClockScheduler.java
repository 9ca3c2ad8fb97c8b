package org.carillon.core.local;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.carillon.dht.engine.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Scheduler} of a running account: the wall clock and one daemon thread for its timers. */
public final class WallClockScheduler implements Scheduler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WallClockScheduler.class);

    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "carillon-account-timers");
        t.setDaemon(true);
        return t;
    });

    @Override
    public long now() {
        return System.currentTimeMillis();
    }

    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        var future = timers.schedule(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        LOG.error("a timer task failed: {}", e.toString(), e); // the next ones still run
                    }
                },
                Math.max(0, delayMillis),
                TimeUnit.MILLISECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() {
        timers.shutdownNow();
    }
}
