package org.carillon.bench.messages;

import java.util.List;
import java.util.Objects;
import org.carillon.bench.report.Percentiles;

/**
 * What one side (Carillon on loopback, Carillon simulated, jamid on loopback) measured. A figure
 * that could not be measured (a message that never arrived) is null, never a made-up number.
 *
 * @param latency one row per message sent one at a time
 * @param burst the messages sent back to back, or null when the phase was not run
 * @param offline the messages sent while the recipient was offline, or null when not run
 * @param notes what the side reported beyond numbers (a finding, a reason a figure is missing)
 */
record MessageFigures(List<Latency> latency, Burst burst, Offline offline, List<String> notes) {
    MessageFigures {
        latency = List.copyOf(latency);
        notes = List.copyOf(notes);
    }

    /** Send to received, and send to acknowledged (Carillon's DELIVERED, jamid's SENT), in ms. */
    record Latency(int index, Double receivedMs, Double deliveredMs) {}

    /**
     * {@code count} messages sent back to back: how long the sends took, how many arrived and
     * were acknowledged, and (when all did) the time from the first send to the last of each.
     */
    record Burst(
            int count,
            double sendSeconds,
            int received,
            int delivered,
            Double receivedSeconds,
            Double deliveredSeconds) {
        double receivedPerSecond() {
            return receivedSeconds == null ? Double.NaN : count / receivedSeconds;
        }

        double deliveredPerSecond() {
            return deliveredSeconds == null ? Double.NaN : count / deliveredSeconds;
        }
    }

    /**
     * {@code count} messages sent while the recipient was offline for {@code offlineSeconds};
     * the time from its return until the last was received and acknowledged (when all were).
     */
    record Offline(
            int count,
            double offlineSeconds,
            int received,
            int delivered,
            Double receivedSeconds,
            Double deliveredSeconds) {}

    Percentiles received() {
        return Percentiles.of(latency.stream()
                .map(Latency::receivedMs)
                .filter(Objects::nonNull)
                .toList());
    }

    Percentiles delivered() {
        return Percentiles.of(latency.stream()
                .map(Latency::deliveredMs)
                .filter(Objects::nonNull)
                .toList());
    }

    /** Share of the one-at-a-time messages that were both received and acknowledged, in %. */
    double latencySuccessRate() {
        if (latency.isEmpty()) {
            return Double.NaN;
        }
        long ok = latency.stream()
                .filter(l -> l.receivedMs() != null && l.deliveredMs() != null)
                .count();
        return 100.0 * ok / latency.size();
    }
}
