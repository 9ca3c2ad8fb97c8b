package org.carillon.dht.engine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production scheduler: one thread that waits on the node's UDP sockets and its timers,
 * and runs every task and every received datagram in turn, so the core never sees two at once.
 */
public final class EventLoop implements Scheduler, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EventLoop.class);
    private static final int MAX_DATAGRAM = 64 * 1024;

    private record Timer(long at, long seq, Runnable run, boolean[] cancelled) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return at != o.at ? Long.compare(at, o.at) : Long.compare(seq, o.seq);
        }
    }

    private final Selector selector;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private BiConsumer<byte[], InetSocketAddress> receiver = (d, a) -> {};
    private volatile boolean running = true;
    private long seq;

    public EventLoop() throws IOException {
        selector = Selector.open();
    }

    /** Registers a bound channel; must be called before the loop thread starts. */
    public void register(DatagramChannel channel) throws IOException {
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ);
        channels.add(channel);
    }

    public void onDatagram(BiConsumer<byte[], InetSocketAddress> receiver) {
        this.receiver = receiver;
    }

    @Override
    public long now() {
        return System.currentTimeMillis();
    }

    /** Only from the loop thread (the core's thread). */
    @Override
    public Cancellable schedule(long delayMillis, Runnable task) {
        boolean[] cancelled = new boolean[1];
        timers.add(new Timer(now() + Math.max(0, delayMillis), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** From any thread: runs {@code task} on the loop thread soon. */
    public void post(Runnable task) {
        posted.add(task);
        selector.wakeup();
    }

    public void stop() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (running) {
                long timeout = 0;
                Timer next = timers.peek();
                if (next != null) {
                    timeout = Math.max(1, next.at - now());
                }
                if (posted.isEmpty()) {
                    selector.select(timeout);
                } else {
                    selector.selectNow();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    drain((DatagramChannel) key.channel());
                }
                selector.selectedKeys().clear();
                Runnable task;
                while ((task = posted.poll()) != null) {
                    runSafely(task);
                }
                long now = now();
                while (!timers.isEmpty() && timers.peek().at <= now) {
                    Timer t = timers.poll();
                    if (!t.cancelled[0]) {
                        runSafely(t.run);
                    }
                }
            }
        } catch (IOException | ClosedSelectorException e) {
            LOG.error("event loop stopped: {}", e.toString());
        } finally {
            for (DatagramChannel c : channels) {
                try {
                    c.close();
                } catch (IOException e) {
                    LOG.debug("closing {}: {}", c, e.toString());
                }
            }
            try {
                selector.close();
            } catch (IOException e) {
                LOG.debug("closing selector: {}", e.toString());
            }
        }
    }

    private void drain(DatagramChannel channel) {
        // Bounded per wake-up so timers and posted work still run under a flood.
        for (int i = 0; i < 1024; i++) {
            buffer.clear();
            InetSocketAddress from;
            try {
                from = (InetSocketAddress) channel.receive(buffer);
            } catch (IOException e) {
                LOG.debug("receive failed: {}", e.toString());
                return;
            }
            if (from == null) {
                return;
            }
            buffer.flip();
            byte[] data = new byte[buffer.remaining()];
            buffer.get(data);
            receiver.accept(data, from);
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("task failed on the event loop", e);
        }
    }
}
