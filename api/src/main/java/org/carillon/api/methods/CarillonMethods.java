package org.carillon.api.methods;

import static org.carillon.api.rpc.Method.Param.optional;
import static org.carillon.api.rpc.Method.Param.required;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import org.carillon.api.model.AccountView;
import org.carillon.api.model.ContactView;
import org.carillon.api.model.MessageView;
import org.carillon.api.model.RequestView;
import org.carillon.api.rpc.Method;
import org.carillon.api.rpc.Params;
import org.carillon.api.rpc.RpcError;
import org.carillon.api.rpc.RpcException;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.DeviceId;
import org.carillon.core.account.Progress;
import org.carillon.core.contact.AccountEvents;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.OnlineAccount;
import org.carillon.core.contact.TrustRequest;
import org.carillon.core.local.AccountHost;
import org.carillon.core.local.AccountSession;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageEvents;
import org.carillon.core.message.MessageStatus;
import org.carillon.core.message.MessageTooLargeException;
import org.carillon.core.message.Messenger;
import org.carillon.core.store.LocalAccount;
import org.carillon.dht.wire.Family;

/**
 * Everything the daemon's API can do, as JSON-RPC methods over an {@link AccountHost}, and the
 * events it pushes (through {@code events}: the event's name and its params).
 */
public final class CarillonMethods implements AccountHost.Listeners {
    private static final int MAX_PAGE = 500;

    private final BiConsumer<String, Object> events;
    private AccountHost host;
    private AccountGenerator generator;

    public CarillonMethods(BiConsumer<String, Object> events) {
        this.events = events;
    }

    /** Binds the methods to the host (made with this object as its listeners) and the generator of new accounts. */
    public void bind(AccountHost host, AccountGenerator generator) {
        this.host = host;
        this.generator = generator;
    }

    public List<Method> methods() {
        List<Method> m = new ArrayList<>();
        var account = required(
                "account", "the account: its id (or a unique prefix of 4+ hex digits) or its alias", Method.string());
        var contact = required("contact", "the contact's account id (40 hex digits)", Method.string());
        m.add(new Method(
                "accounts.list",
                "The accounts of this daemon.",
                List.of(),
                Method.arrayOf(Method.object()),
                p -> host.accounts().list().stream()
                        .map(a -> AccountView.of(a, host.session(a.id()).isPresent()))
                        .toList()));
        m.add(new Method(
                "accounts.create",
                "Creates an account (RSA-4096 keys: takes seconds) and brings it online.",
                List.of(
                        required("alias", "a name for the account on this machine (may be empty)", Method.string()),
                        optional(
                                "device",
                                "this device's name (default: the alias, or 'carillon' without one)",
                                Method.string())),
                Method.object(),
                p -> {
                    // empty is allowed as 'carillon account create' allows it: the account is then chosen by id
                    String alias = p.string("alias").strip();
                    if (alias.length() > 64) {
                        throw RpcException.invalidParams("an alias has at most 64 characters");
                    }
                    String device = p.optionalString("device").orElse(alias.isEmpty() ? "carillon" : alias);
                    try {
                        return AccountView.of(host.create(alias, device, generator, Progress.NONE), true);
                    } catch (IOException | java.security.GeneralSecurityException e) {
                        throw new RpcException(
                                RpcError.INTERNAL_ERROR, "could not create the account: " + e.getMessage());
                    }
                }));
        m.add(new Method(
                "accounts.details",
                "An account: ids, devices, whether it is announced on the DHT.",
                List.of(account),
                Method.object(),
                p -> {
                    LocalAccount a = select(p);
                    Optional<AccountSession> s = host.session(a.id());
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("id", a.id().hex());
                    out.put("alias", a.alias());
                    out.put("device", a.deviceName());
                    out.put("online", s.isPresent());
                    out.put(
                            "announced",
                            s.map(x -> x.announced().isDone() && !x.announced().isCompletedExceptionally())
                                    .orElse(false));
                    s.ifPresent(x ->
                            out.put("deviceId", x.account().deviceId().shortId().toString()));
                    out.put(
                            "devices",
                            host.accounts().devices(a).stream()
                                    .map(d -> Map.of(
                                            "id", d.id().shortId().toString(),
                                            "name", d.name(),
                                            "revoked", d.revoked()))
                                    .toList());
                    return out;
                }));
        m.add(new Method(
                "contacts.list",
                "The contacts (active and blocked; with 'removed', the former ones too).",
                List.of(
                        account,
                        optional(
                                "removed",
                                "also the removed contacts, whose conversations stay (default false)",
                                Method.bool())),
                Method.arrayOf(Method.object()),
                p -> (p.bool("removed", false)
                                ? host.accounts().state(select(p)).contacts()
                                : online(p).account().contacts())
                        .stream().map(ContactView::of).toList()));
        m.add(new Method(
                "contacts.add",
                "Sends a trust request (with a vCard) to every device of the account.",
                List.of(account, contact, optional("vcard", "the vCard sent with the request", Method.string())),
                Method.nothing(),
                p -> {
                    AccountSession s = online(p);
                    byte[] vcard = p.optionalString("vcard")
                            .orElse("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:"
                                    + select(p).alias() + "\r\nEND:VCARD\r\n")
                            .getBytes(StandardCharsets.UTF_8);
                    failedAtOnce(s.account().sendTrustRequest(contactId(p), vcard));
                    return null;
                }));
        m.add(contactAction("contacts.remove", "Removes a contact.", account, contact, (a, id) -> a.removeContact(id)));
        m.add(contactAction(
                "contacts.block",
                "Blocks an account: removed, and nothing from it is heard.",
                account,
                contact,
                (a, id) -> a.block(id)));
        m.add(contactAction("contacts.unblock", "Unblocks an account.", account, contact, (a, id) -> a.unblock(id)));
        m.add(new Method(
                "requests.list",
                "Trust requests waiting for an answer.",
                List.of(account),
                Method.arrayOf(Method.object()),
                p -> online(p).account().requests().stream()
                        .map(RequestView::of)
                        .toList()));
        var from = required("from", "the account id that sent the request", Method.string());
        m.add(new Method(
                "requests.accept",
                "Accepts a trust request: the sender becomes a confirmed contact.",
                List.of(account, from),
                Method.nothing(),
                p -> {
                    failedAtOnce(online(p).account().accept(accountId(p, "from")));
                    return null;
                }));
        m.add(new Method(
                "requests.decline",
                "Declines a trust request (the sender is not told).",
                List.of(account, from),
                Method.nothing(),
                p -> {
                    failedAtOnce(online(p).account().decline(accountId(p, "from")));
                    return null;
                }));
        m.add(new Method(
                "presence.list",
                "Each active contact with the ids of its devices online now.",
                List.of(account),
                Method.object(),
                p -> {
                    Map<String, List<String>> out = new LinkedHashMap<>();
                    online(p)
                            .account()
                            .presence()
                            .forEach((id, devices) -> out.put(
                                    id.hex(),
                                    devices.stream()
                                            .map(d -> d.shortId().toString())
                                            .sorted()
                                            .toList()));
                    return out;
                }));
        var text = required("text", "the message text (at most 64 000 bytes of UTF-8)", Method.string());
        var messageId = required("id", "the message id (hex)", Method.string());
        m.add(new Method(
                "messages.send",
                "Sends a text message; stored (status 'sending') when the call returns.",
                List.of(account, contact, text),
                Method.object(),
                p -> {
                    AccountSession session = online(p);
                    String acc = session.account().accountId().hex();
                    try {
                        return MessageView.of(acc, session.messenger().send(contactId(p), p.string("text")));
                    } catch (MessageTooLargeException e) {
                        throw new RpcException(RpcError.TOO_LARGE, e.getMessage());
                    } catch (IllegalArgumentException e) {
                        throw new RpcException(RpcError.REFUSED, e.getMessage());
                    }
                }));
        m.add(new Method(
                "messages.history",
                "A page of a conversation in send order: the newest, or those before the message 'before'.",
                List.of(
                        account,
                        contact,
                        optional("before", "the id of the first message of the page already shown", Method.string()),
                        optional("limit", "at most this many (1 to 500, default 50)", Method.integer())),
                Method.arrayOf(Method.object()),
                p -> {
                    AccountSession session = online(p);
                    Messenger messenger = session.messenger();
                    AccountId peer = contactId(p);
                    Optional<Message> before = Optional.empty();
                    if (p.has("before")) {
                        String hex = p.string("before");
                        before = Optional.of(messenger
                                .message(peer, messageId(p, "before"))
                                .orElseThrow(
                                        () -> RpcException.notFound("no message " + hex + " in this conversation")));
                    }
                    int limit = (int)
                            p.optionalInteger("limit", 1, MAX_PAGE).orElse(50L).longValue();
                    String acc = session.account().accountId().hex();
                    return messenger.history(peer, before, limit).stream()
                            .map(x -> MessageView.of(acc, x))
                            .toList();
                }));
        m.add(new Method(
                "messages.search",
                "Messages whose text has every word (as a prefix), newest first.",
                List.of(
                        account,
                        required("words", "plain words, no query syntax", Method.string()),
                        optional("contact", "only this conversation", Method.string()),
                        optional("limit", "at most this many (1 to 500, default 50)", Method.integer())),
                Method.arrayOf(Method.object()),
                p -> {
                    Optional<AccountId> peer = p.has("contact") ? Optional.of(contactId(p)) : Optional.empty();
                    int limit = (int)
                            p.optionalInteger("limit", 1, MAX_PAGE).orElse(50L).longValue();
                    AccountSession session = online(p);
                    String acc = session.account().accountId().hex();
                    return session.messenger().search(peer, p.string("words"), limit).stream()
                            .map(x -> MessageView.of(acc, x))
                            .toList();
                }));
        m.add(new Method(
                "messages.markRead",
                "Marks the conversation read and sends a display receipt.",
                List.of(account, contact),
                Method.nothing(),
                p -> {
                    messenger(p).markRead(contactId(p));
                    return null;
                }));
        m.add(new Method(
                "messages.edit",
                "Replaces the text of a message this account wrote, for everyone.",
                List.of(account, contact, messageId, text),
                Method.object(),
                p -> {
                    AccountSession session = online(p);
                    String acc = session.account().accountId().hex();
                    return MessageView.of(
                            acc, session.messenger().edit(contactId(p), messageId(p, "id"), p.string("text")));
                }));
        m.add(new Method(
                "messages.delete",
                "Deletes a message this account wrote, for everyone.",
                List.of(account, contact, messageId),
                Method.object(),
                p -> {
                    AccountSession session = online(p);
                    String acc = session.account().accountId().hex();
                    return MessageView.of(acc, session.messenger().delete(contactId(p), messageId(p, "id")));
                }));
        m.add(new Method(
                "messages.typing",
                "Tells the contact we are typing, or stopped.",
                List.of(account, contact, required("typing", "true while typing", Method.bool())),
                Method.nothing(),
                p -> {
                    messenger(p).typing(contactId(p), p.bool("typing", false));
                    return null;
                }));
        m.add(new Method(
                "node.status",
                "The DHT node: id, port, whether it is connected, per address family.",
                List.of(),
                Method.object(),
                p -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("id", host.node().nodeId().toString());
                    out.put("port", host.node().port());
                    out.put("ipv4", host.node().isConnected(Family.IPV4));
                    out.put("ipv6", host.node().isConnected(Family.IPV6));
                    return out;
                }));
        return m;
    }

    /** The events this API pushes, by name, with what their params hold (for the OpenRPC document). */
    public static Map<String, String> eventDescriptions() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put(
                "message.received",
                "a message arrived (or a copy of one this account wrote on another device): a message object");
        e.put("message.status", "{account, contact, id, status}: sent, delivered, read or failed");
        e.put("message.edited", "a message was edited or deleted by its author: a message object");
        e.put("message.typing", "{account, contact, typing}");
        e.put("request.received", "{account, request}: a trust request");
        e.put("contact.added", "{account, contact}");
        e.put("contact.confirmed", "{account, contact}");
        e.put("contact.removed", "{account, contact}");
        e.put("presence", "{account, contact, device, online}");
        e.put("account.announced", "{account, ok, error?}: the device is (or could not be) announced on the DHT");
        return e;
    }

    // ---------------------------------------------------------------- events

    @Override
    public AccountEvents account(AccountId id) {
        String acc = id.hex();
        return new AccountEvents() {
            @Override
            public void onTrustRequest(TrustRequest request) {
                events.accept("request.received", Map.of("account", acc, "request", RequestView.of(request)));
            }

            @Override
            public void onContactAdded(Contact contact) {
                events.accept("contact.added", Map.of("account", acc, "contact", ContactView.of(contact)));
            }

            @Override
            public void onContactConfirmed(Contact contact) {
                events.accept("contact.confirmed", Map.of("account", acc, "contact", ContactView.of(contact)));
            }

            @Override
            public void onContactRemoved(AccountId contact) {
                events.accept("contact.removed", Map.of("account", acc, "contact", contact.hex()));
            }

            @Override
            public void onPresence(AccountId contact, DeviceId device, boolean online) {
                events.accept(
                        "presence",
                        Map.of(
                                "account",
                                acc,
                                "contact",
                                contact.hex(),
                                "device",
                                device.shortId().toString(),
                                "online",
                                online));
            }
        };
    }

    @Override
    public MessageEvents messages(AccountId id) {
        String acc = id.hex();
        return new MessageEvents() {
            @Override
            public void onMessage(Message message) {
                events.accept("message.received", MessageView.of(acc, message));
            }

            @Override
            public void onStatus(AccountId peer, long messageId, MessageStatus status) {
                events.accept(
                        "message.status",
                        Map.of(
                                "account", acc,
                                "contact", peer.hex(),
                                "id", Long.toUnsignedString(messageId, 16),
                                "status", status.name().toLowerCase(java.util.Locale.ROOT)));
            }

            @Override
            public void onEdited(Message message) {
                events.accept("message.edited", MessageView.of(acc, message));
            }

            @Override
            public void onTyping(AccountId peer, boolean typing) {
                events.accept("message.typing", Map.of("account", acc, "contact", peer.hex(), "typing", typing));
            }
        };
    }

    @Override
    public void onAnnounced(AccountId id, Optional<Throwable> failure) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("account", id.hex());
        params.put("ok", failure.isEmpty());
        failure.ifPresent(f -> params.put("error", String.valueOf(f.getMessage())));
        events.accept("account.announced", params);
    }

    // ---------------------------------------------------------------- helpers

    private interface ContactAction {
        CompletableFuture<Void> apply(OnlineAccount account, AccountId contact);
    }

    private Method contactAction(
            String name, String summary, Method.Param account, Method.Param contact, ContactAction action) {
        return new Method(name, summary, List.of(account, contact), Method.nothing(), p -> {
            failedAtOnce(action.apply(online(p).account(), contactId(p)));
            return null;
        });
    }

    private LocalAccount select(Params p) throws RpcException {
        try {
            return host.accounts().select(p.string("account"));
        } catch (IllegalArgumentException e) {
            throw RpcException.notFound(e.getMessage());
        }
    }

    private AccountSession online(Params p) throws RpcException {
        LocalAccount a = select(p);
        try {
            return host.online(a);
        } catch (IOException e) {
            throw new RpcException(
                    RpcError.INTERNAL_ERROR, "account " + a.id() + " cannot go online: " + e.getMessage());
        }
    }

    private Messenger messenger(Params p) throws RpcException {
        return online(p).messenger();
    }

    private static AccountId contactId(Params p) throws RpcException {
        return accountId(p, "contact");
    }

    private static AccountId accountId(Params p, String name) throws RpcException {
        try {
            return AccountId.parse(p.string(name));
        } catch (IllegalArgumentException e) {
            throw RpcException.invalidParams("'" + name + "': " + e.getMessage());
        }
    }

    private static long messageId(Params p, String name) throws RpcException {
        String hex = p.string(name);
        if (!hex.matches("[0-9a-fA-F]{1,16}")) {
            throw RpcException.invalidParams("'" + name + "' is a message id: 1 to 16 hex digits");
        }
        return Long.parseUnsignedLong(hex, 16);
    }

    /**
     * The core's operations check their arguments at once and fail their future with the reason;
     * what follows (puts on the DHT) goes on in the background.
     */
    private static void failedAtOnce(CompletableFuture<?> f) throws RpcException {
        if (f.isCompletedExceptionally()) {
            Throwable cause = f.handle((r, e) -> e).join();
            while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw new RpcException(RpcError.REFUSED, String.valueOf(cause.getMessage()));
        }
    }
}
