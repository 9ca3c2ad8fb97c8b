package org.carillon.bench.messages;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.BooleanSupplier;
import org.carillon.core.account.AccountId;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageStatus;
import org.carillon.dht.InfoHash;
import org.junit.jupiter.api.Test;

/** The workload's definitions, on a scripted pair whose messages take known times. */
class MessageWorkloadTest {
    private static final AccountId PEER = AccountId.parse("ab".repeat(20));
    private static final MessageWorkload WORKLOAD = new MessageWorkload(
            4, 3, Duration.ofSeconds(5), 2, Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(60));

    /**
     * A pair in scripted time: a message is received {@code receiveMs} after it is sent (or after
     * the recipient comes back) and acknowledged {@code ackMs} after it is received; messages whose
     * index is in {@code lost} never arrive.
     */
    static final class ScriptedPair implements MessagingPair {
        private record Event(long at, Runnable action) {}

        private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
        private final List<Long> heldWhileOffline = new ArrayList<>();
        private final ArrivalLog sender = new ArrivalLog(this::nanos);
        private final ArrivalLog recipient = new ArrivalLog(this::nanos);
        private final long receiveMs;
        private final long ackMs;
        private final List<Integer> lost;
        private long nowMs;
        private long nextId = 1;
        private boolean online = true;

        ScriptedPair(long receiveMs, long ackMs, List<Integer> lost) {
            this.receiveMs = receiveMs;
            this.ackMs = ackMs;
            this.lost = lost;
        }

        @Override
        public long nanos() {
            return nowMs * 1_000_000L;
        }

        @Override
        public long send(String text) {
            long id = nextId++;
            if (lost.contains((int) id)) {
                return id;
            }
            if (online) {
                deliver(id, nowMs);
            } else {
                heldWhileOffline.add(id);
            }
            return id;
        }

        private void deliver(long id, long from) {
            events.add(new Event(from + receiveMs, () -> recipient.onMessage(incoming(id))));
            events.add(new Event(from + receiveMs + ackMs, () -> sender.onStatus(PEER, id, MessageStatus.DELIVERED)));
        }

        private static Message incoming(long id) {
            return new Message(
                    PEER, id, false, InfoHash.ZERO, "text/plain", "m", 0, 0, 0, MessageStatus.RECEIVED, 0, false);
        }

        @Override
        public boolean await(BooleanSupplier done, Duration timeout) {
            long end = nowMs + timeout.toMillis();
            while (!done.getAsBoolean()) {
                if (events.isEmpty() || events.peek().at > end) {
                    nowMs = end;
                    return done.getAsBoolean();
                }
                Event e = events.poll();
                nowMs = e.at;
                e.action.run();
            }
            return true;
        }

        @Override
        public ArrivalLog sender() {
            return sender;
        }

        @Override
        public ArrivalLog recipient() {
            return recipient;
        }

        @Override
        public void stopRecipient() {
            online = false;
        }

        @Override
        public void startRecipient() {
            online = true;
            heldWhileOffline.forEach(id -> deliver(id, nowMs));
            heldWhileOffline.clear();
        }

        @Override
        public void close() {}
    }

    @Test
    void latencyRunsFromSendToReceivedAndToAcknowledged() {
        MessageFigures f = WORKLOAD.run(new ScriptedPair(40, 25, List.of()), "test");

        assertThat(f.latency()).hasSize(4).allSatisfy(l -> {
            assertThat(l.receivedMs()).isEqualTo(40.0);
            assertThat(l.deliveredMs()).isEqualTo(65.0);
        });
        assertThat(f.received().at(50)).isEqualTo(40.0);
        assertThat(f.delivered().at(99)).isEqualTo(65.0);
        assertThat(f.latencySuccessRate()).isEqualTo(100.0);
    }

    @Test
    void burstRatesCountFromTheFirstSendToTheLastArrival() {
        MessageFigures f = WORKLOAD.run(new ScriptedPair(40, 25, List.of()), "test");

        assertThat(f.burst().count()).isEqualTo(3);
        assertThat(f.burst().received()).isEqualTo(3);
        // all three sent at the same scripted instant: the last is received 40 ms later
        assertThat(f.burst().receivedSeconds()).isEqualTo(0.040);
        assertThat(f.burst().receivedPerSecond()).isEqualTo(3 / 0.040);
        assertThat(f.burst().deliveredSeconds()).isEqualTo(0.065);
    }

    @Test
    void offlineDeliveryCountsFromTheRecipientsReturn() {
        MessageFigures f = WORKLOAD.run(new ScriptedPair(40, 25, List.of()), "test");

        assertThat(f.offline().count()).isEqualTo(2);
        assertThat(f.offline().offlineSeconds()).isEqualTo(10.0);
        assertThat(f.offline().receivedSeconds()).isEqualTo(0.040);
        assertThat(f.offline().deliveredSeconds()).isEqualTo(0.065);
        assertThat(f.notes()).isEmpty();
    }

    @Test
    void aMessageThatNeverArrivesIsMissingNotANumber() {
        // ids: 1-4 latency, 5-7 burst, 8-9 offline; lose one of each phase
        MessageFigures f = WORKLOAD.run(new ScriptedPair(40, 25, List.of(2, 6, 9)), "test");

        assertThat(f.latency().get(1).receivedMs()).isNull();
        assertThat(f.latency().get(1).deliveredMs()).isNull();
        assertThat(f.latencySuccessRate()).isEqualTo(75.0);
        assertThat(f.received().count()).isEqualTo(3);
        assertThat(f.burst().received()).isEqualTo(2);
        assertThat(f.burst().receivedSeconds()).isNull();
        assertThat(f.burst().receivedPerSecond()).isNaN();
        assertThat(f.offline().received()).isEqualTo(1);
        assertThat(f.offline().deliveredSeconds()).isNull();
        assertThat(f.notes()).singleElement().asString().contains("1 of 2 received");
    }
}
