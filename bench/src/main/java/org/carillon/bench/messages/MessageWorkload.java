package org.carillon.bench.messages;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.carillon.bench.messages.MessageFigures.Burst;
import org.carillon.bench.messages.MessageFigures.Latency;
import org.carillon.bench.messages.MessageFigures.Offline;
import org.carillon.bench.report.Progress;

/**
 * The three phases of the messages experiment on a {@link MessagingPair}; {@code
 * jamid_messages.py} runs the same phases with the same definitions on two jamid.
 *
 * @param messages messages sent one at a time for the latency figures
 * @param burst messages sent back to back for the throughput figures (0: phase skipped)
 * @param settle time passed before the burst and before the offline phase, so each phase starts
 *     with what the previous one left on the DHT expired (5 minutes for a message value) and the
 *     recipient's per-sender limit (MessagePolicy's burst per window) empty
 * @param offlineMessages messages sent while the recipient is offline (0: phase skipped), spread
 *     evenly over {@code offline}
 * @param messageTimeout how long one message of the latency phase may take
 * @param phaseTimeout how long the burst and the offline messages may take after the last send
 */
record MessageWorkload(
        int messages,
        int burst,
        Duration settle,
        int offlineMessages,
        Duration offline,
        Duration messageTimeout,
        Duration phaseTimeout) {

    MessageFigures run(MessagingPair pair, String label) {
        List<String> notes = new ArrayList<>();
        List<Latency> latency = latency(pair, label);
        note(pair, "after the latency phase", notes);
        Burst burst = null;
        if (this.burst > 0) {
            pair.pass(settle);
            note(pair, "before the burst", notes);
            burst = burst(pair, label);
            note(pair, "after the burst", notes);
        }
        Offline offline = null;
        if (offlineMessages > 0) {
            pair.pass(settle);
            offline = offline(pair, label, notes);
            note(pair, "after the offline phase", notes);
        }
        long refused = pair.recipient().refused();
        if (refused > 0) {
            notes.add("the recipient refused " + refused + " values (rate limit or other; see MessagePolicy)");
        }
        return new MessageFigures(latency, burst, offline, notes);
    }

    private static void note(MessagingPair pair, String when, List<String> notes) {
        pair.networkState().ifPresent(state -> notes.add(when + ": " + state));
    }

    private List<Latency> latency(MessagingPair pair, String label) {
        List<Latency> rows = new ArrayList<>();
        try (Progress progress = new Progress(label + ": latency (" + messages + " messages)", messages)) {
            for (int i = 0; i < messages; i++) {
                long t = pair.nanos();
                long id = pair.send("latency " + i);
                pair.await(
                        () -> pair.recipient().receivedAt(id) != null
                                && pair.sender().deliveredAt(id) != null,
                        messageTimeout);
                rows.add(new Latency(
                        i,
                        millis(pair.recipient().receivedAt(id), t),
                        millis(pair.sender().deliveredAt(id), t)));
                progress.step();
            }
        }
        return rows;
    }

    private Burst burst(MessagingPair pair, String label) {
        try (Progress progress = new Progress(label + ": throughput (" + burst + " messages at once)", 2)) {
            List<Long> ids = new ArrayList<>();
            long first = pair.nanos();
            for (int i = 0; i < burst; i++) {
                ids.add(pair.send("burst " + i));
            }
            double sendSeconds = (pair.nanos() - first) / 1e9;
            progress.step();
            pair.await(() -> pair.recipient().allReceived(ids) && pair.sender().allDelivered(ids), phaseTimeout);
            progress.step();
            List<Long> got =
                    ids.stream().map(id -> pair.recipient().receivedAt(id)).toList();
            List<Long> acked =
                    ids.stream().map(id -> pair.sender().deliveredAt(id)).toList();
            return new Burst(
                    burst, sendSeconds, count(got), count(acked), lastAfter(got, first), lastAfter(acked, first));
        }
    }

    private Offline offline(MessagingPair pair, String label, List<String> notes) {
        try (Progress progress = new Progress(
                label + ": offline (" + offlineMessages + " messages over " + offline.toSeconds() + " s)",
                offlineMessages + 1)) {
            pair.stopRecipient();
            List<Long> ids = new ArrayList<>();
            Duration slot = offline.dividedBy(offlineMessages);
            for (int i = 0; i < offlineMessages; i++) {
                ids.add(pair.send("offline " + i));
                pair.pass(slot);
                progress.step();
            }
            long back = pair.nanos();
            pair.startRecipient();
            pair.await(() -> pair.recipient().allReceived(ids) && pair.sender().allDelivered(ids), phaseTimeout);
            progress.step();
            List<Long> got =
                    ids.stream().map(id -> pair.recipient().receivedAt(id)).toList();
            List<Long> acked =
                    ids.stream().map(id -> pair.sender().deliveredAt(id)).toList();
            if (count(got) < offlineMessages || count(acked) < offlineMessages) {
                notes.add("offline phase: " + count(got) + " of " + offlineMessages + " received and " + count(acked)
                        + " acknowledged within " + phaseTimeout.toSeconds() + " s of the recipient's return");
            }
            return new Offline(
                    offlineMessages,
                    offline.toMillis() / 1000.0,
                    count(got),
                    count(acked),
                    lastAfter(got, back),
                    lastAfter(acked, back));
        }
    }

    private static Double millis(Long at, long from) {
        return at == null ? null : (at - from) / 1e6;
    }

    private static int count(List<Long> times) {
        return (int) times.stream().filter(t -> t != null).count();
    }

    /** Seconds from {@code from} to the latest of {@code times}, or null when one is missing. */
    private static Double lastAfter(List<Long> times, long from) {
        if (times.isEmpty() || times.contains(null)) {
            return null;
        }
        return (times.stream().mapToLong(Long::longValue).max().orElseThrow() - from) / 1e9;
    }
}
