package org.carillon.api.server;

import java.util.Set;
import org.carillon.api.rpc.RpcDispatcher;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's WebSocket: each text frame is one JSON-RPC frame, answered in order. A client that
 * stops reading (its frames pile up) is disconnected rather than buffered without end. Public
 * only because Jetty calls it reflectively.
 */
public final class Connection implements Session.Listener.AutoDemanding {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    private final RpcDispatcher rpc;
    private final Set<Connection> connections;
    private volatile Session session;

    Connection(RpcDispatcher rpc, Set<Connection> connections) {
        this.rpc = rpc;
        this.connections = connections;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        connections.add(this);
    }

    @Override
    public void onWebSocketText(String frame) {
        rpc.handle(frame).ifPresent(this::send);
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
        if (s == null || !s.isOpen()) {
            return;
        }
        s.sendText(frame, Callback.from(() -> {}, failure -> {
            LOG.info("closing an API connection that does not keep up: {}", failure.toString());
            connections.remove(this);
            s.disconnect();
        }));
    }
}
