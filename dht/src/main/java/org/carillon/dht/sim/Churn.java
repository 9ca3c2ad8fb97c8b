package org.carillon.dht.sim;

import java.util.SplittableRandom;
import org.carillon.dht.engine.Scheduler;

/**
 * Nodes leaving and joining a {@link Simulation} at a steady rate: every departure is a Poisson
 * event at {@code fractionPerMinute} of the running nodes per minute; the node that left comes
 * back after {@code downtimeMillis}, either as a new node (new id, new address, one bootstrap
 * address) or, with saved tables, as itself with the routing table it had. The network's size
 * stays about the same, its membership keeps changing.
 */
public final class Churn {
    private final Simulation sim;
    private final double fractionPerMinute;
    private final long downtimeMillis;
    private final boolean savedTables;
    private final SplittableRandom random;
    private Scheduler.Cancellable next;
    private boolean running;
    private long departures;

    private Churn(Simulation sim, double fractionPerMinute, long downtimeMillis, boolean savedTables) {
        if (fractionPerMinute < 0 || downtimeMillis < 0) {
            throw new IllegalArgumentException("churn " + fractionPerMinute + "/min, downtime " + downtimeMillis);
        }
        this.sim = sim;
        this.fractionPerMinute = fractionPerMinute;
        this.downtimeMillis = downtimeMillis;
        this.savedTables = savedTables;
        this.random = sim.random().split();
    }

    /** Starts churning; a rate of 0 does nothing. */
    public static Churn start(Simulation sim, double fractionPerMinute, long downtimeMillis, boolean savedTables) {
        Churn c = new Churn(sim, fractionPerMinute, downtimeMillis, savedTables);
        if (fractionPerMinute > 0) {
            c.running = true;
            c.scheduleNext();
        }
        return c;
    }

    public void stop() {
        running = false;
        if (next != null) {
            next.cancel();
        }
    }

    /** Nodes that left so far. */
    public long departures() {
        return departures;
    }

    private void scheduleNext() {
        double perMilli = fractionPerMinute * Math.max(1, sim.runningCount()) / 60_000.0;
        long gap = Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) / perMilli));
        next = sim.clock().schedule(gap, this::depart);
    }

    private void depart() {
        if (!running) {
            return;
        }
        if (sim.runningCount() > 1) {
            int leaving = sim.randomLive();
            sim.stop(leaving);
            departures++;
            sim.clock().schedule(downtimeMillis, () -> {
                if (savedTables) {
                    sim.restart(leaving, true);
                } else {
                    sim.add();
                }
            });
        }
        scheduleNext();
    }
}
