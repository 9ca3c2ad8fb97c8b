package org.carillon.dht.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.InfoHash;
import org.carillon.dht.ListenHandle;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.interop.DhtnodeConsole.ConsoleValue;
import org.carillon.dht.interop.DhtnodeConsole.ListenEvent;
import org.carillon.dht.interop.PythonOpendhtNode.PeerValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Values of type 5 (ICE candidates, one-minute lifetime in 2.4.12) in the mixed network of
 * {@link MixedNetworkIT}: a permanent put from Carillon is refreshed before it expires and
 * outlives its lifetime on every kind of node, while plain puts of the same type expire, and
 * listeners of all three implementations are told so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ShortLivedValuesIT {
    private static final int ICE = 5;
    private static final long LIFETIME_MS = 60_000;
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** How much later than the first put a second family's put may refresh the value (seen: 20 ms to 8 s). */
    private static final long SECOND_PUT_MARGIN_MS = 20_000;

    /**
     * How long past one lifetime after we asked for its put an OpenDHT writer may still hold its
     * own value: the request crosses the pipe to the python process before Dht::put stores it, and
     * the expiry job then runs on the writer's scheduler at the expiration time (milliseconds each).
     */
    private static final long WRITER_EXPIRY_SLACK_MS = 1_000;

    private MixedNetwork net;

    @BeforeAll
    void startNetwork() {
        net = MixedNetwork.start(MixedNetworkIT.DHTNODES, MixedNetworkIT.CARILLONS, true, Duration.ofSeconds(60));
    }

    @AfterAll
    void stopNetwork() {
        if (net != null) {
            net.close();
        }
    }

    @Test
    void permanentPutOutlivesItsTypeLifetimeWhilePlainPutsExpireForEveryListener() throws Exception {
        // A dhtnode's own id as the key: it is then one of the nodes the Carillon listener listens
        // at, so one of the refresh pushes checked below comes from a dhtnode. With a fixed key,
        // the closest nodes were Carillon's in about one run in twenty (node ids are random).
        InfoHash key = net.dhtnode(3).nodeId();
        try {
            checkLifetimes(key);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + diagnostics(key), e);
        }
    }

    /** Which Carillon nodes store what under the key and how their searches stand; where the peers log. */
    private String diagnostics(InfoHash key) {
        StringBuilder sb = new StringBuilder("--- state at failure, key " + key + " ---\n");
        for (int i = 0; i < net.carillons().size(); i++) {
            DhtRunner c = net.carillon(i);
            sb.append("C")
                    .append(i)
                    .append(' ')
                    .append(c.nodeId())
                    .append(" stores ")
                    .append(c.storedValues().getOrDefault(key, List.of()))
                    .append(" searches ")
                    .append(c.searches().stream()
                            .filter(s -> s.key().equals(key))
                            .toList())
                    .append('\n');
        }
        return sb.append(net.logFiles()).toString();
    }

    private void checkLifetimes(InfoHash key) throws Exception {
        DhtRunner listening = net.carillonFarFrom(key);
        DhtRunner permanentWriter = net.carillon(7);
        DhtnodeProcess dhtnodeListening = net.dhtnode(6);
        PythonOpendhtNode py = net.python();

        RecordingListener carillonListener = new RecordingListener();
        int mark = dhtnodeListening.mark();
        dhtnodeListening.listen(key);
        try (ListenHandle h = listening.listen(key, Query.ALL, carillonListener);
                PythonOpendhtNode.Listen pyListener = py.listen(key)) {
            MixedNetworkIT.awaitListening(listening, key);

            long start = System.nanoTime();
            long permanent = permanentWriter
                    .put(key, MixedNetworkIT.text("permanent_ice", ICE), true)
                    .get(20, TimeUnit.SECONDS);
            long transientPutAt = System.nanoTime();
            long transientId = net.carillon(8)
                    .put(key, MixedNetworkIT.text("transient_ice", ICE))
                    .get(20, TimeUnit.SECONDS);
            byte[] pyData = "python_ice".getBytes(StandardCharsets.UTF_8);
            long pythonPutAt = System.nanoTime();
            long fromPython = py.putValue(key.toString(), pyData, ICE, "", WAIT).valueId();
            long putsDone = elapsedMs(start);
            assertThat(putsDone)
                    .as("the puts took a small part of the lifetime")
                    .isLessThan(15_000);

            // All three values reach all three listeners.
            for (long id : List.of(permanent, transientId, fromPython)) {
                carillonListener.awaitNew(id, WAIT);
                dhtnodeListening.awaitListenEvent(mark, e -> !e.expired() && has(e, id), WAIT);
            }
            pyListener.awaitValue("permanent_ice".getBytes(StandardCharsets.UTF_8), WAIT);
            pyListener.awaitValue("transient_ice".getBytes(StandardCharsets.UTF_8), WAIT);

            // The permanent put is refreshed about 10 s before the value would expire. (Other
            // refreshes are normal: the second family's search, or a node that joins the targets,
            // finds the value stored already at a dual-stack node and refreshes it instead of a
            // put; so only refreshes in the last 20 s of the lifetime are looked at.)
            long refreshedAt = awaitRefreshSent(permanentWriter, start, LIFETIME_MS - 20_000);
            System.out.println("[interop] permanent type-5 put refreshed " + refreshedAt + " ms after the put");
            assertThat(refreshedAt).isBetween(LIFETIME_MS - 20_000, LIFETIME_MS);

            // The plain puts expire for every listener, a minute after they were put. A minute
            // after they were stored, to be exact: a dual-stack writer puts on each family, and
            // when both families probe a node before either put lands there, the second put is
            // a refresh, a new life from then (Dht::onAnnounce -> storageRefresh).
            Duration expiryWait = Duration.ofMillis(LIFETIME_MS + 40_000);
            long carillonSawExpiry =
                    (carillonListener.awaitExpired(transientId, expiryWait).atNanos() - transientPutAt) / 1_000_000;
            carillonListener.awaitExpired(fromPython, expiryWait);
            ListenEvent dhtnodeSawExpiry =
                    dhtnodeListening.awaitListenEvent(mark, e -> e.expired() && has(e, transientId), expiryWait);
            dhtnodeListening.awaitListenEvent(mark, e -> e.expired() && has(e, fromPython), expiryWait);
            pyListener.awaitEvent(e -> e.expired() && e.value().id() == transientId, expiryWait);
            System.out.println("[interop] plain type-5 put reported expired to the Carillon listener "
                    + carillonSawExpiry + " ms after the put");
            assertThat(carillonSawExpiry)
                    .as("ms from the plain put to its expiry at the Carillon listener")
                    .isBetween(LIFETIME_MS - 1_000, LIFETIME_MS + SECOND_PUT_MARGIN_MS);
            assertThat(dhtnodeSawExpiry.values()).extracting(ConsoleValue::id).doesNotContain(permanent);

            // Past the lifetime the plain values leave storage everywhere, the permanent one stays.
            DhtnodeProcess reader = net.dhtnode(3);
            long goneAt = awaitOnlyValueLeft(reader, key, permanent, start);
            System.out.println("[interop] plain type-5 values gone from a dhtnode get " + goneAt
                    + " ms after the puts began; the permanent one still there");
            // The python node's get also answers from its own storage (Dht::get -> getLocal), where
            // Dht::put stored its value with the exact put time and an expiry job one lifetime
            // later. The storing nodes got the creation time in whole seconds (the put's "c" is a
            // time_t), so they drop the value up to a second earlier: what the dhtnode get and the
            // expiry pushes showed. Ask python only once its own copy's lifetime is over.
            sleepUntil(pythonPutAt, LIFETIME_MS + WRITER_EXPIRY_SLACK_MS);
            assertThat(py.get(key.toString(), WAIT))
                    .as("python get after %d ms", elapsedMs(start))
                    .extracting(PeerValue::id)
                    .containsExactly(permanent);
            assertThat(net.carillon(0).get(key).get(20, TimeUnit.SECONDS))
                    .as("Carillon get after %d ms", elapsedMs(start))
                    .extracting(Value::id)
                    .containsExactly(permanent);
            assertThat(elapsedMs(start)).isGreaterThan(LIFETIME_MS);
            assertThat(carillonListener.reportedExpired(permanent)).isFalse();
            assertThat(dhtnodeListening.listenEvents(mark))
                    .filteredOn(ListenEvent::expired)
                    .allSatisfy(e -> assertThat(has(e, permanent)).isFalse());
            assertThat(pyListener.events())
                    .noneMatch(e -> e.expired() && e.value().id() == permanent);

            // The listener stores nothing under the key itself: what it was told came in pushes,
            // the refresh and expiry pushes (also) from dhtnodes.
            assertThat(listening.storedValues()).doesNotContainKey(key);
            assertThat(dhtnodeLogsMention(listening, "sending \\d+ refreshed values"))
                    .as("a dhtnode pushed a refresh to the Carillon listener")
                    .isTrue();
            assertThat(dhtnodeLogsMention(listening, "sending \\d+ expired values"))
                    .as("a dhtnode pushed an expiry to the Carillon listener")
                    .isTrue();
        }
    }

    /**
     * Polls dhtnode {@code reader}'s get (every 2 s) until {@code permanent} is the only value at
     * the key; returns when (ms after {@code start}). Fails at once if the permanent value is
     * missing, and if the others are still served {@link #SECOND_PUT_MARGIN_MS} after a lifetime.
     */
    private static long awaitOnlyValueLeft(DhtnodeProcess reader, InfoHash key, long permanent, long start) {
        long deadline = LIFETIME_MS + SECOND_PUT_MARGIN_MS + 5_000;
        while (true) {
            List<Long> ids = reader.get(key.toString(), WAIT).values().stream()
                    .map(ConsoleValue::id)
                    .toList();
            long at = elapsedMs(start);
            assertThat(ids).as("dhtnode get after %d ms", at).contains(permanent);
            if (ids.size() == 1) {
                return at;
            }
            assertThat(at)
                    .as("plain values still served after %d ms: %s", at, ids)
                    .isLessThan(deadline);
            sleep(2_000);
        }
    }

    /**
     * Polls the writer's outgoing {@code refresh} count from {@code fromMs} after {@code start};
     * returns when (ms after {@code start}) it first rose.
     */
    private static long awaitRefreshSent(DhtRunner writer, long start, long fromMs) {
        sleepUntil(start, fromMs);
        long before = writer.metrics().packetsOut().getOrDefault("refresh", 0L);
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(LIFETIME_MS + 10_000);
        while (writer.metrics().packetsOut().getOrDefault("refresh", 0L) == before) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no refresh sent within " + (LIFETIME_MS + 10_000) + " ms: "
                        + writer.metrics().packetsOut());
            }
            sleep(250);
        }
        return elapsedMs(start);
    }

    private boolean dhtnodeLogsMention(DhtRunner listener, String what) {
        Pattern p = Pattern.compile("\\[node " + listener.nodeId() + " \\S+\\] " + what);
        return net.dhtnodes().stream()
                .anyMatch(d ->
                        d.output().all().stream().anyMatch(l -> p.matcher(l).find()));
    }

    private static boolean has(ListenEvent e, long id) {
        return e.values().stream().anyMatch(v -> v.id() == id);
    }

    private static long elapsedMs(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void sleepUntil(long start, long ms) {
        long left = ms - elapsedMs(start);
        if (left > 0) {
            sleep(left);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
