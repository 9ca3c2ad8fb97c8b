package org.carillon.api.client;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.carillon.api.model.AccountView;
import org.carillon.api.model.ContactView;
import org.carillon.api.model.MessageView;
import org.carillon.api.model.RequestView;
import org.carillon.api.rpc.RpcDispatcher;
import org.carillon.api.server.ApiToken;

/**
 * The daemon's API as Java calls: typed results, {@link ApiException} for error objects,
 * {@link IOException} when the daemon cannot be reached. {@link #find} connects to the daemon of
 * a data directory, if one runs.
 */
public final class CarillonClient implements AutoCloseable {
    /** What a daemon writes in its data directory for clients: where its API listens. */
    public static final String ENDPOINT_FILE = "api.uri";

    private final ApiClient api;
    private final Duration timeout;

    private CarillonClient(ApiClient api, Duration timeout) {
        this.api = api;
        this.timeout = timeout;
    }

    public static CarillonClient connect(URI uri, String token, Duration timeout) throws IOException {
        return new CarillonClient(ApiClient.connect(uri, token, timeout), timeout);
    }

    /** The running daemon of {@code dataDirectory}; empty when none runs there. */
    public static Optional<CarillonClient> find(Path dataDirectory, Duration timeout) throws IOException {
        String uri;
        try {
            uri = Files.readString(dataDirectory.resolve(ENDPOINT_FILE)).strip();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(connect(URI.create(uri), ApiToken.read(dataDirectory), timeout));
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("cannot connect")) {
                return Optional.empty(); // a daemon that died without removing its file
            }
            throw e;
        }
    }

    /** Hears the daemon's events: each one's name and params. */
    public void onEvent(String name, Consumer<JsonNode> listener) {
        api.subscribe((event, params) -> {
            if (event.equals(name)) {
                listener.accept(params);
            }
        });
    }

    /** Completes when the connection ends: the daemon stopped (or this client was closed). */
    public CompletableFuture<Void> closed() {
        return api.closedFuture();
    }

    public List<AccountView> accounts() throws IOException {
        return call("accounts.list", Map.of(), new TypeReference<>() {});
    }

    public AccountView createAccount(String alias) throws IOException {
        return call("accounts.create", Map.of("alias", alias), new TypeReference<>() {});
    }

    /** With {@code device} as this device's name. */
    public AccountView createAccount(String alias, String device) throws IOException {
        return call("accounts.create", Map.of("alias", alias, "device", device), new TypeReference<>() {});
    }

    public List<ContactView> contacts(String account) throws IOException {
        return call("contacts.list", Map.of("account", account), new TypeReference<>() {});
    }

    /** With {@code removed}, the former contacts too (their conversations stay). */
    public List<ContactView> contacts(String account, boolean removed) throws IOException {
        return call("contacts.list", Map.of("account", account, "removed", removed), new TypeReference<>() {});
    }

    public void addContact(String account, String contact) throws IOException {
        call("contacts.add", Map.of("account", account, "contact", contact), new TypeReference<JsonNode>() {});
    }

    public List<RequestView> requests(String account) throws IOException {
        return call("requests.list", Map.of("account", account), new TypeReference<>() {});
    }

    public void accept(String account, String from) throws IOException {
        call("requests.accept", Map.of("account", account, "from", from), new TypeReference<JsonNode>() {});
    }

    public MessageView send(String account, String contact, String text) throws IOException {
        return call(
                "messages.send",
                Map.of("account", account, "contact", contact, "text", text),
                new TypeReference<>() {});
    }

    /** {@code conversations.list}: each conversation's contact, newest message (or null) and unread count, latest first. */
    public List<JsonNode> conversations(String account) throws IOException {
        return call("conversations.list", Map.of("account", account), new TypeReference<>() {});
    }

    /** A page of history in send order: the newest {@code limit}, or those before {@code before}. */
    public List<MessageView> history(String account, String contact, Optional<String> before, int limit)
            throws IOException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("account", account);
        params.put("contact", contact);
        before.ifPresent(b -> params.put("before", b));
        params.put("limit", limit);
        return call("messages.history", params, new TypeReference<>() {});
    }

    public void markRead(String account, String contact) throws IOException {
        call("messages.markRead", Map.of("account", account, "contact", contact), new TypeReference<JsonNode>() {});
    }

    /**
     * {@code accounts.details}: id, alias, device (name), online, announced, deviceId (this
     * device's short id, while online), devices ({id, name, revoked} each).
     */
    public JsonNode accountDetails(String account) throws IOException {
        return call("accounts.details", Map.of("account", account), new TypeReference<>() {});
    }

    /** Sends a trust request with {@code vcard} (the daemon's default vCard when empty). */
    public void addContact(String account, String contact, Optional<String> vcard) throws IOException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("account", account);
        params.put("contact", contact);
        vcard.ifPresent(v -> params.put("vcard", v));
        call("contacts.add", params, new TypeReference<JsonNode>() {});
    }

    public void removeContact(String account, String contact) throws IOException {
        call("contacts.remove", Map.of("account", account, "contact", contact), new TypeReference<JsonNode>() {});
    }

    public void block(String account, String contact) throws IOException {
        call("contacts.block", Map.of("account", account, "contact", contact), new TypeReference<JsonNode>() {});
    }

    public void unblock(String account, String contact) throws IOException {
        call("contacts.unblock", Map.of("account", account, "contact", contact), new TypeReference<JsonNode>() {});
    }

    public void decline(String account, String from) throws IOException {
        call("requests.decline", Map.of("account", account, "from", from), new TypeReference<JsonNode>() {});
    }

    /** Each active contact's account id with the ids of its devices online now. */
    public Map<String, List<String>> presence(String account) throws IOException {
        return call("presence.list", Map.of("account", account), new TypeReference<>() {});
    }

    /** Messages with every word (as a prefix), newest first; in one conversation when {@code contact} is given. */
    public List<MessageView> search(String account, Optional<String> contact, String words, int limit)
            throws IOException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("account", account);
        params.put("words", words);
        contact.ifPresent(c -> params.put("contact", c));
        params.put("limit", limit);
        return call("messages.search", params, new TypeReference<>() {});
    }

    public MessageView edit(String account, String contact, String id, String text) throws IOException {
        return call(
                "messages.edit",
                Map.of("account", account, "contact", contact, "id", id, "text", text),
                new TypeReference<>() {});
    }

    public MessageView delete(String account, String contact, String id) throws IOException {
        return call(
                "messages.delete", Map.of("account", account, "contact", contact, "id", id), new TypeReference<>() {});
    }

    public void typing(String account, String contact, boolean typing) throws IOException {
        call(
                "messages.typing",
                Map.of("account", account, "contact", contact, "typing", typing),
                new TypeReference<JsonNode>() {});
    }

    /** {@code node.status}: the DHT node's id, port, uptime, connectivity and counters. */
    public JsonNode nodeStatus() throws IOException {
        return call("node.status", Map.of(), new TypeReference<>() {});
    }

    /** {@code accounts.export}: the archive file's bytes, encrypted when {@code password} is given. */
    public byte[] exportAccount(String account, Optional<String> password) throws IOException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("account", account);
        password.ifPresent(p -> params.put("password", p));
        JsonNode result = call("accounts.export", params, new TypeReference<>() {});
        return Base64.getDecoder().decode(result.get("archive").asText());
    }

    /** {@code accounts.import}: this daemon becomes a new device of the archive's account. */
    public AccountView importAccount(byte[] archive, Optional<String> password, Optional<String> device)
            throws IOException {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("archive", Base64.getEncoder().encodeToString(archive));
        password.ifPresent(p -> params.put("password", p));
        device.ifPresent(d -> params.put("device", d));
        return call("accounts.import", params, new TypeReference<>() {});
    }

    /** {@code accounts.remove}: deletes the account from the daemon's device. */
    public void removeAccount(String account) throws IOException {
        call("accounts.remove", Map.of("account", account), new TypeReference<JsonNode>() {});
    }

    /** {@code accounts.devices}: each device's id, name, thisDevice, revoked, announced. */
    public List<JsonNode> devices(String account) throws IOException {
        return call("accounts.devices", Map.of("account", account), new TypeReference<>() {});
    }

    /** {@code accounts.revokeDevice}: {@code device} is an id or its first 8+ hex digits. */
    public JsonNode revokeDevice(String account, String device) throws IOException {
        return call("accounts.revokeDevice", Map.of("account", account, "device", device), new TypeReference<>() {});
    }

    /** {@code settings.get}: each key of carillon.conf with its value. */
    public Map<String, String> settings() throws IOException {
        return call("settings.get", Map.of(), new TypeReference<>() {});
    }

    /** {@code settings.set}: {key, value, takesEffect ("now" or "next start")}. */
    public JsonNode setSetting(String key, String value) throws IOException {
        return call("settings.set", Map.of("key", key, "value", value), new TypeReference<>() {});
    }

    /** {@code node.peers}: routing-table nodes of one family ("ipv4", "ipv6") or both. */
    public List<JsonNode> peers(Optional<String> family, int limit) throws IOException {
        Map<String, Object> params = new LinkedHashMap<>();
        family.ifPresent(f -> params.put("family", f));
        params.put("limit", limit);
        return call("node.peers", params, new TypeReference<>() {});
    }

    private <T> T call(String method, Map<String, Object> params, TypeReference<T> type) throws IOException {
        JsonNode result;
        try {
            result = api.call(method, params).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException a) {
                throw a;
            }
            throw new IOException(
                    "the daemon did not answer " + method + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the daemon did not answer " + method + " within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return RpcDispatcher.json().convertValue(result, type);
    }

    @Override
    public void close() {
        api.close();
    }
}
