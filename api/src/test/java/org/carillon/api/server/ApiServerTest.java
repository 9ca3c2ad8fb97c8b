package org.carillon.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.carillon.api.client.ApiClient;
import org.carillon.api.client.ApiException;
import org.carillon.api.rpc.Method;
import org.carillon.api.rpc.RpcDispatcher;
import org.carillon.api.rpc.RpcError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiServerTest {
    static final String TOKEN = "0123456789abcdef0123456789abcdef0123456789abcdef";
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    final AtomicInteger calls = new AtomicInteger();
    ApiServer server;

    @BeforeEach
    void start() throws Exception {
        RpcDispatcher rpc = new RpcDispatcher(
                List.of(new Method(
                        "echo",
                        "says it back",
                        List.of(Method.Param.required("text", "", Method.string())),
                        Method.string(),
                        p -> {
                            String text = p.string("text");
                            calls.incrementAndGet();
                            return text;
                        })),
                () -> Map.of());
        server = ApiServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), TOKEN, rpc);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void aClientWithTheTokenCallsAndHearsEvents() throws Exception {
        try (ApiClient client = ApiClient.connect(server.uri(), TOKEN, TIMEOUT)) {
            assertThat(client.call("echo", Map.of("text", "hi"))
                            .get(10, TimeUnit.SECONDS)
                            .asText())
                    .isEqualTo("hi");
            assertThatThrownBy(() -> client.call("echo", Map.of()).join())
                    .hasCauseInstanceOf(ApiException.class)
                    .hasMessageContaining("missing parameter");
            List<String> heard = new CopyOnWriteArrayList<>();
            client.subscribe((method, params) -> heard.add(method + " " + params));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (server.connectionCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            server.broadcast("message.received", Map.of("id", "1f"));
            while (heard.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(heard).containsExactly("message.received {\"id\":\"1f\"}");
        }
    }

    @Test
    void whenTheServerStopsTheClientHearsItAndLaterCallsFailWithAnIoException() throws Exception {
        try (ApiClient client = ApiClient.connect(server.uri(), TOKEN, TIMEOUT)) {
            assertThat(client.call("echo", Map.of("text", "hi"))
                            .get(10, TimeUnit.SECONDS)
                            .asText())
                    .isEqualTo("hi");
            server.close();
            client.closedFuture().get(10, TimeUnit.SECONDS);
            var again = client.call("echo", Map.of("text", "again")); // a failed future, not an exception here
            assertThatThrownBy(() -> again.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IOException.class)
                    .hasMessageContaining("closed");
        }
    }

    @Test
    void withoutTheRightTokenNothingRuns() {
        assertThatThrownBy(() -> ApiClient.connect(server.uri(), "wrong".repeat(10), TIMEOUT))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("401");
        assertThatThrownBy(() -> HttpClient.newHttpClient()
                        .newWebSocketBuilder()
                        .buildAsync(server.uri(), new WebSocket.Listener() {})
                        .join())
                .rootCause()
                .hasMessageContaining("401");
        assertThat(calls).hasValue(0);
    }

    @Test
    void browsersGiveTheTokenInTheQuery() throws Exception {
        AtomicInteger answers = new AtomicInteger();
        WebSocket ws = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(URI.create(server.uri() + "?token=" + TOKEN), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        answers.incrementAndGet();
                        w.request(1);
                        return null;
                    }
                })
                .join();
        ws.sendText("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{\"text\":\"x\"},\"id\":1}", true)
                .join();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (answers.get() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(answers).hasValue(1);
        ws.abort();
    }

    @Test
    void garbageGetsErrorObjectsAndTheServerKeepsServing() throws Exception {
        List<JsonNode> answers = new CopyOnWriteArrayList<>();
        WebSocket ws = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Authorization", "Bearer " + TOKEN)
                .buildAsync(server.uri(), new WebSocket.Listener() {
                    final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                answers.add(RpcDispatcher.json().readTree(partial.toString()));
                            } catch (IOException e) {
                                throw new AssertionError(e);
                            }
                            partial.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                })
                .join();
        String[] garbage = {
            "",
            "{",
            "null",
            "[]",
            "[1,2]",
            "{\"jsonrpc\":\"2.0\"}",
            "\"text\"",
            "{\"method\":\"echo\",\"id\":1}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":2}",
            "{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":{\"text\":5},\"id\":3}"
        };
        int sent = 0;
        for (int i = 0; i < 200; i++) {
            for (String g : garbage) {
                ws.sendText(g, true).join();
                sent++;
            }
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (answers.size() < sent && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(answers).hasSize(sent);
        assertThat(answers).allSatisfy(a -> {
            JsonNode errors =
                    a.isArray() ? a : RpcDispatcher.json().createArrayNode().add(a);
            errors.forEach(e -> assertThat(e.at("/error/code").asInt()).isLessThan(-31999));
        });
        assertThat(answers.stream().filter(a -> a.at("/error/code").asInt() == RpcError.METHOD_NOT_FOUND))
                .hasSize(200);
        try (ApiClient client = ApiClient.connect(server.uri(), TOKEN, TIMEOUT)) {
            assertThat(client.call("echo", Map.of("text", "still here"))
                            .get(10, TimeUnit.SECONDS)
                            .asText())
                    .isEqualTo("still here");
        }
        assertThat(calls).hasValue(1);
        ws.abort();
    }
}
