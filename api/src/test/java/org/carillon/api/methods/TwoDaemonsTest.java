package org.carillon.api.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.carillon.api.client.ApiException;
import org.carillon.api.client.CarillonClient;
import org.carillon.api.model.AccountView;
import org.carillon.api.rpc.RpcError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two daemons ({@link TestDaemon}) in one JVM, driven only through the WebSocket API. */
class TwoDaemonsTest {
    static final Duration TIMEOUT = TestDaemon.TIMEOUT;

    @TempDir
    Path tmp;

    TestDaemons daemons;

    @BeforeEach
    void startSeed() throws IOException {
        daemons = new TestDaemons(tmp);
    }

    @AfterEach
    void stopAll() throws Exception {
        daemons.close();
    }

    TestDaemon daemon(String name) throws Exception {
        return daemons.daemon(name);
    }

    @Test
    void twoUsersBecomeContactsChatBothWaysAndKeepTheirHistoryAcrossARestart() throws Exception {
        TestDaemon a = daemon("alice");
        TestDaemon b = daemon("bob");
        String alice =
                a.call("accounts.create", Map.of("alias", "alice")).get("id").asText();
        String bob = b.call("accounts.create", Map.of("alias", "bob")).get("id").asText();
        a.awaitEvent(e -> e.startsWith("account.announced") && e.contains("\"ok\":true"));
        b.awaitEvent(e -> e.startsWith("account.announced") && e.contains("\"ok\":true"));

        a.call("contacts.add", Map.of("account", "alice", "contact", bob));
        b.awaitEvent(e -> e.startsWith("request.received") && e.contains(alice));
        assertThat(b.call("requests.list", Map.of("account", "bob"))
                        .get(0)
                        .get("from")
                        .asText())
                .isEqualTo(alice);
        b.call("requests.accept", Map.of("account", "bob", "from", alice));
        a.awaitEvent(e -> e.startsWith("contact.confirmed") && e.contains(bob));

        JsonNode hello = a.call("messages.send", Map.of("account", "alice", "contact", bob, "text", "hello bob"));
        assertThat(hello.get("status").asText()).isEqualTo("sending");
        String helloId = hello.get("id").asText();
        b.awaitEvent(e -> e.startsWith("message.received") && e.contains("hello bob"));
        a.awaitEvent(e -> e.startsWith("message.status") && e.contains(helloId) && e.contains("delivered"));
        b.call("messages.send", Map.of("account", "bob", "contact", alice, "text", "hi alice"));
        a.awaitEvent(e -> e.startsWith("message.received") && e.contains("hi alice"));
        JsonNode alicesConversations = a.call("conversations.list", Map.of("account", "alice"));
        assertThat(alicesConversations).hasSize(1);
        assertThat(alicesConversations.get(0).get("contact").get("id").asText()).isEqualTo(bob);
        assertThat(alicesConversations.get(0).get("last").get("text").asText()).isEqualTo("hi alice");
        assertThat(alicesConversations.get(0).get("unread").asInt()).isEqualTo(1);
        b.call("messages.markRead", Map.of("account", "bob", "contact", alice));
        a.awaitEvent(e -> e.startsWith("message.status") && e.contains(helloId) && e.contains("\"read\""));

        // bob's daemon stops and starts again on the same data directory
        b.close();
        daemons.stopped(b);
        TestDaemon b2 = daemon("bob");
        JsonNode history = b2.call("messages.history", Map.of("account", "bob", "contact", alice));
        assertThat(history).extracting(m -> m.get("text").asText()).containsExactly("hello bob", "hi alice");
        assertThat(history.get(0).get("status").asText()).isEqualTo("read");
        assertThat(b2.call("contacts.list", Map.of("account", "bob"))
                        .get(0)
                        .get("confirmed")
                        .asBoolean())
                .isTrue();
        JsonNode bobsConversations = b2.call("conversations.list", Map.of("account", "bob"));
        assertThat(bobsConversations).hasSize(1);
        assertThat(bobsConversations.get(0).get("last").get("text").asText()).isEqualTo("hi alice");
        assertThat(bobsConversations.get(0).get("unread").asInt())
                .as("bob read alice's message")
                .isZero();
        assertThat(b2.call("messages.search", Map.of("account", "bob", "words", "HEL")))
                .extracting(m -> m.get("text").asText())
                .containsExactly("hello bob");
    }

    @Test
    void theTypedClientFindsTheDaemonOfADataDirectory() throws Exception {
        assertThat(CarillonClient.find(tmp, TIMEOUT)).as("no daemon ran there").isEmpty();
        TestDaemon a = daemon("alice");
        Files.writeString(a.home.resolve(CarillonClient.ENDPOINT_FILE), a.server.uri() + "\n");
        try (CarillonClient client = CarillonClient.find(a.home, TIMEOUT).orElseThrow()) {
            AccountView alice = client.createAccount("alice");
            assertThat(client.accounts()).containsExactly(alice);
            assertThat(client.contacts("alice")).isEmpty();
            assertThatThrownBy(() -> client.send("alice", "b".repeat(40), "hi"))
                    .isInstanceOf(ApiException.class)
                    .hasMessageContaining("not a contact");
        }
        a.server.close();
        assertThat(CarillonClient.find(a.home, TIMEOUT))
                .as("its daemon is gone")
                .isEmpty();
    }

    @Test
    void badCallsGetErrorObjects() throws Exception {
        TestDaemon a = daemon("alice");
        assertThatThrownBy(() -> a.call("contacts.list", Map.of("account", "nobody")))
                .hasCauseInstanceOf(ApiException.class)
                .satisfies(e ->
                        assertThat(((ApiException) e.getCause()).error().code()).isEqualTo(RpcError.NOT_FOUND));
        a.call("accounts.create", Map.of("alias", "alice"));
        assertThatThrownBy(() -> a.call("messages.send", Map.of("account", "alice", "contact", "12", "text", "x")))
                .hasMessageContaining("'contact'");
        assertThatThrownBy(() ->
                        a.call("messages.send", Map.of("account", "alice", "contact", "a".repeat(40), "text", "x")))
                .satisfies(e ->
                        assertThat(((ApiException) e.getCause()).error().code()).isEqualTo(RpcError.REFUSED))
                .hasMessageContaining("not a contact");
        assertThatThrownBy(() -> a.call("accounts.create", Map.of("alias", "x".repeat(65))))
                .satisfies(e ->
                        assertThat(((ApiException) e.getCause()).error().code()).isEqualTo(-32602));
    }
}
