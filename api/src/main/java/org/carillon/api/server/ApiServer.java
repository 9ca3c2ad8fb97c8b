package org.carillon.api.server;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.carillon.api.rpc.RpcDispatcher;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's transport: JSON-RPC 2.0 text frames over a WebSocket at {@code /rpc}. A client
 * presents the daemon's token when it connects ({@code Authorization: Bearer <token>}, or
 * {@code ?token=} for browsers, which cannot set headers); without it the upgrade is refused
 * with 401 and no method runs. Events reach every connected client as notifications.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

    public static final String PATH = "/rpc";

    /** A connection with this many frames waiting to be written is a client that does not read: it is closed. */
    static final int MAX_QUEUED_FRAMES = 1024;

    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);

    private final Server server;
    private final ServerConnector connector;
    private final boolean tls;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

    private ApiServer(Server server, ServerConnector connector, boolean tls) {
        this.server = server;
        this.connector = connector;
        this.tls = tls;
    }

    /** Listens on {@code bind}, a loopback address, without TLS, and answers with {@code rpc}. */
    public static ApiServer start(InetSocketAddress bind, String token, RpcDispatcher rpc) throws Exception {
        return start(bind, token, rpc, null);
    }

    /**
     * Listens on {@code bind} and answers with {@code rpc}; with {@code certificate}, over TLS
     * ({@code wss://}). Without one only a loopback address is allowed: the token would cross the
     * network in clear.
     */
    public static ApiServer start(InetSocketAddress bind, String token, RpcDispatcher rpc, ApiCertificate certificate)
            throws Exception {
        if (certificate == null && !bind.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException(
                    "the API listens on " + bind.getAddress().getHostAddress()
                            + " only with TLS: a non-loopback address needs a certificate");
        }
        if (token == null || token.length() < 32) {
            throw new IllegalArgumentException("the API token must have at least 32 characters");
        }
        QueuedThreadPool threads = new QueuedThreadPool(32, 2);
        threads.setName("carillon-api");
        threads.setDaemon(true);
        Server server = new Server(threads);
        ServerConnector connector =
                certificate == null ? new ServerConnector(server) : tlsConnector(server, certificate);
        connector.setHost(bind.getAddress().getHostAddress());
        connector.setPort(bind.getPort());
        server.addConnector(connector);
        ApiServer api = new ApiServer(server, connector, certificate != null);
        byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        server.setHandler(WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(
                    RpcDispatcher.MAX_FRAME_CHARS * 4L); // UTF-8 bytes of the largest frame read
            container.setMaxBinaryMessageSize(1024);
            container.setIdleTimeout(IDLE_TIMEOUT);
            container.setMaxOutgoingFrames(MAX_QUEUED_FRAMES);
            container.addMapping(PATH, (request, response, callback) -> {
                if (!presents(request, expected)) {
                    LOG.info(
                            "refused an API connection from {}: missing or wrong token",
                            request.getConnectionMetaData().getRemoteSocketAddress());
                    Response.writeError(
                            request, response, callback, HttpStatus.UNAUTHORIZED_401, "missing or wrong token");
                    return null;
                }
                return new Connection(rpc, api.connections, threads);
            });
        }));
        server.start();
        LOG.info("API listening on {}", api.uri());
        return api;
    }

    /** Where clients connect (without the token). */
    public URI uri() {
        return URI.create(
                (tls ? "wss://" : "ws://") + hostForUri(connector.getHost()) + ":" + connector.getLocalPort() + PATH);
    }

    public int connectionCount() {
        return connections.size();
    }

    /** Sends {@code method(params)} as a notification to every connected client. */
    public void broadcast(String method, Object params) {
        String frame = RpcDispatcher.notification(method, params);
        for (Connection c : connections) {
            c.send(frame);
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    private static ServerConnector tlsConnector(Server server, ApiCertificate certificate) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(certificate.keyStore());
        ssl.setKeyStorePassword(new String(ApiCertificate.PASSWORD));
        HttpConfiguration http = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // clients reach a pinned certificate by whatever address they know
        http.addCustomizer(secure);
        return new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
    }

    private static boolean presents(ServerUpgradeRequest request, byte[] expected) {
        Optional<String> given = Optional.ofNullable(request.getHeaders().get("Authorization"))
                .filter(h -> h.startsWith("Bearer "))
                .map(h -> h.substring("Bearer ".length()).trim());
        if (given.isEmpty()) {
            Fields query = new Fields();
            String raw = request.getHttpURI().getQuery();
            if (raw != null) {
                org.eclipse.jetty.util.UrlEncoded.decodeUtf8To(raw, query);
            }
            given = Optional.ofNullable(query.getValue("token"));
        }
        return given.isPresent() && MessageDigest.isEqual(given.get().getBytes(StandardCharsets.UTF_8), expected);
    }

    private static String hostForUri(String host) {
        return host != null && host.contains(":") ? "[" + host + "]" : host;
    }
}
