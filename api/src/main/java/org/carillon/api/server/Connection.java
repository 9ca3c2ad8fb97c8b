package org.carillon.api.server;

import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.carillon.api.rpc.RpcDispatcher;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's WebSocket: each text frame is one JSON-RPC frame, answered in order. Clients
 * take turns: after each frame the connection asks for the next one from a task queued on the
 * server's thread pool, behind the other connections' turns, so a client that floods holds a
 * thread for one frame at a time, not for as long as its data keeps coming (with more flooding
 * clients than threads, other clients would otherwise wait for the flood to end). A client
 * that stops reading (its answers pile up) is disconnected rather than buffered without end:
 * the answers not yet written are bounded in count (by Jetty) and in characters (here), since a
 * thousand answers of a megabyte each would otherwise be a gigabyte held for one idle client.
 * Public only because Jetty calls it reflectively.
 */
public final class Connection implements Session.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    /** Characters of answers and events waiting to be written, beyond which the client is cut off. */
    static final long MAX_QUEUED_CHARS = 8L * RpcDispatcher.MAX_FRAME_CHARS;

    private final RpcDispatcher rpc;
    private final Set<Connection> connections;
    private final Executor turns;
    private final AtomicLong queuedChars = new AtomicLong();
    private final AtomicBoolean cutOff = new AtomicBoolean();
    private volatile Session session;

    /** @param turns where each connection's next read waits its turn (the server's thread pool) */
    Connection(RpcDispatcher rpc, Set<Connection> connections, Executor turns) {
        this.rpc = rpc;
        this.connections = connections;
        this.turns = turns;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        connections.add(this);
        session.demand();
    }

    @Override
    public void onWebSocketText(String frame) {
        if (cutOff.get()) {
            return; // frames still buffered from a client being disconnected: not read further
        }
        try {
            rpc.handle(frame).ifPresent(this::send);
        } finally {
            nextTurn();
        }
    }

    private void nextTurn() {
        Session s = session;
        if (s == null || !s.isOpen() || cutOff.get()) {
            return;
        }
        try {
            turns.execute(s::demand);
        } catch (RejectedExecutionException e) {
            s.demand(); // the pool is stopping
        }
    }

    @Override
    public void onWebSocketBinary(java.nio.ByteBuffer payload, Callback callback) {
        callback.succeed();
        session.close(StatusCode.BAD_DATA, "JSON-RPC frames are text", Callback.NOOP);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        connections.remove(this);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        connections.remove(this);
        LOG.debug("API connection error: {}", cause.toString());
    }

    void send(String frame) {
        Session s = session;
        if (s == null || !s.isOpen() || cutOff.get()) {
            return;
        }
        long chars = frame.length();
        if (queuedChars.addAndGet(chars) > MAX_QUEUED_CHARS) {
            queuedChars.addAndGet(-chars);
            cutOff(s, queuedChars.get() + " characters of answers not read yet");
            return;
        }
        s.sendText(frame, Callback.from(() -> queuedChars.addAndGet(-chars), failure -> {
            queuedChars.addAndGet(-chars);
            cutOff(s, failure.toString());
        }));
    }

    /** Disconnects a client that does not keep up, once (every answer queued after fails too). */
    private void cutOff(Session s, String why) {
        if (cutOff.compareAndSet(false, true)) {
            LOG.info("closing an API connection that does not read its answers: {}", why);
            connections.remove(this);
            s.disconnect();
        }
    }
}
