package org.carillon.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import javax.net.ssl.SSLContext;
import org.carillon.api.rpc.RpcDispatcher;
import org.carillon.api.rpc.RpcError;

/**
 * A connection to a daemon's API (the JDK's WebSocket client): calls return futures of their
 * result, errors fail them with {@link ApiException}, and notifications (events) go to the
 * listeners subscribed. Thread-safe.
 */
public final class ApiClient implements AutoCloseable {
    private final WebSocket socket;
    private final Map<Long, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<BiConsumer<String, JsonNode>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    private ApiClient(WebSocket.Builder builder, URI uri, Duration timeout) throws IOException {
        Receiver receiver = new Receiver();
        try {
            this.socket =
                    builder.connectTimeout(timeout).buildAsync(uri, receiver).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException h) {
                int status = h.getResponse().statusCode();
                throw new IOException(
                        status == 401
                                ? "the daemon refused the token (401): is it this daemon's token file?"
                                : "the daemon refused the connection (HTTP " + status + ")",
                        h);
            }
            throw new IOException(
                    "cannot connect to " + uri + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Connects with the token (sent as {@code Authorization: Bearer}). */
    public static ApiClient connect(URI uri, String token, Duration timeout) throws IOException {
        return connect(HttpClient.newBuilder().connectTimeout(timeout).build(), uri, token, timeout);
    }

    /**
     * Connects to a {@code wss://} API trusting what {@code tls} trusts: for a daemon's
     * self-signed certificate, a context whose trust store holds that certificate.
     */
    public static ApiClient connect(URI uri, String token, Duration timeout, SSLContext tls) throws IOException {
        return connect(
                HttpClient.newBuilder().connectTimeout(timeout).sslContext(tls).build(), uri, token, timeout);
    }

    private static ApiClient connect(HttpClient http, URI uri, String token, Duration timeout) throws IOException {
        return new ApiClient(http.newWebSocketBuilder().header("Authorization", "Bearer " + token), uri, timeout);
    }

    /** Hears every notification the daemon pushes: its method (the event's name) and params. */
    public void subscribe(BiConsumer<String, JsonNode> listener) {
        listeners.add(listener);
    }

    /** Calls {@code method} with named {@code params} (a record, a map, or null). */
    public CompletableFuture<JsonNode> call(String method, Object params) {
        long id = ids.incrementAndGet();
        ObjectNode request = RpcDispatcher.json().createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("method", method);
        if (params != null) {
            request.set("params", RpcDispatcher.json().valueToTree(params));
        }
        request.put("id", id);
        String frame = request.toString();
        if (frame.length() > RpcDispatcher.MAX_FRAME_CHARS) {
            // the daemon would answer with a null id (it does not read such a frame), matching no call
            return CompletableFuture.failedFuture(new ApiException(RpcError.of(
                    RpcError.TOO_LARGE,
                    "a call of " + frame.length() + " characters is over the API's " + RpcDispatcher.MAX_FRAME_CHARS)));
        }
        if (closed.isDone()) {
            return CompletableFuture.failedFuture(new IOException("the connection to the daemon is closed"));
        }
        CompletableFuture<JsonNode> result = new CompletableFuture<>();
        waiting.put(id, result);
        try {
            synchronized (socket) { // the JDK's WebSocket takes one send at a time
                socket.sendText(frame, true).join();
            }
        } catch (CompletionException e) {
            // the daemon went away between the check and the send: the caller hears it as a failed call
            waiting.remove(id);
            result.completeExceptionally(new IOException(
                    "the connection to the daemon failed: " + e.getCause().getMessage(), e.getCause()));
        }
        return result;
    }

    public CompletableFuture<Void> closedFuture() {
        return closed;
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        socket.abort();
        fail(new IOException("the client closed the connection"));
    }

    private void fail(Throwable why) {
        closed.complete(null);
        waiting.values().forEach(f -> f.completeExceptionally(why));
        waiting.clear();
    }

    private void onFrame(String frame) {
        JsonNode message;
        try {
            message = RpcDispatcher.json().readTree(frame);
        } catch (IOException e) {
            return; // a daemon only sends JSON; nothing to answer to anyway
        }
        if (message.isArray()) {
            message.forEach(this::onMessage);
        } else {
            onMessage(message);
        }
    }

    private void onMessage(JsonNode message) {
        JsonNode method = message.get("method");
        if (method != null && method.isTextual()) {
            listeners.forEach(l -> l.accept(method.textValue(), message.path("params")));
            return;
        }
        JsonNode id = message.get("id");
        CompletableFuture<JsonNode> f = id == null || !id.canConvertToLong() ? null : waiting.remove(id.longValue());
        if (f == null) {
            return;
        }
        JsonNode error = message.get("error");
        if (error != null) {
            f.completeExceptionally(new ApiException(RpcDispatcher.json().convertValue(error, RpcError.class)));
        } else {
            f.complete(message.path("result"));
        }
    }

    private final class Receiver implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                onFrame(frame);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            fail(new IOException("the daemon closed the connection (" + statusCode + " " + reason + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            fail(new IOException("the connection to the daemon failed: " + error.getMessage(), error));
        }
    }
}
