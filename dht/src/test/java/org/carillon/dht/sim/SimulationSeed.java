package org.carillon.dht.sim;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The seed of a simulation test class: fixed, so every run is the same, or chosen with
 * {@code -Dsim.seed=N} to explore others. A failing test names its seed, so the failure can be
 * replayed exactly.
 */
public final class SimulationSeed implements TestExecutionExceptionHandler {
    private final long seed;

    public SimulationSeed(long fixed) {
        this.seed = Long.getLong("sim.seed", fixed);
    }

    public long get() {
        return seed;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        AssertionError named = new AssertionError(
                failure.getMessage() + "\n[simulation seed " + seed + ": replay with -Dsim.seed=" + seed + "]",
                failure);
        named.setStackTrace(failure.getStackTrace());
        throw named;
    }
}
