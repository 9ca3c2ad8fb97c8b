package org.carillon.bench.loopback;

/**
 * What one operation gave: {@code latencyMs} is null when it failed or timed out. For a listen
 * the latency is the delivery delay (from the start of the put to the listener's callback).
 * {@code startNs} is when the operation started on CLOCK_MONOTONIC (Java's {@code
 * System.nanoTime()} on Linux, python's {@code time.monotonic_ns()}), comparable across the
 * processes of one machine.
 */
record OpResult(int index, OpKind kind, String key, boolean ok, Double latencyMs, long startNs) {}
