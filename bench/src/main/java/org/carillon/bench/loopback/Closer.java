package org.carillon.bench.loopback;

import java.util.ArrayDeque;
import java.util.Deque;

/** Closes what was added to it, last first; a failing close is reported and does not stop the others. */
final class Closer implements AutoCloseable {
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    <T extends AutoCloseable> T add(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void close() {
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                System.err.println("[bench] close of " + r + " failed: " + e);
            }
        }
    }
}
