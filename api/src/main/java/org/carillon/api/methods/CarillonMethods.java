package org.carillon.api.methods;

import static org.carillon.api.rpc.Method.Param.optional;
import static org.carillon.api.rpc.Method.Param.required;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
import org.carillon.core.archive.ArchiveException;
import org.carillon.core.contact.AccountEvents;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.OnlineAccount;
import org.carillon.core.contact.PeerDevice;
import org.carillon.core.contact.TrustRequest;
import org.carillon.core.daemon.DaemonConfig;
import org.carillon.core.local.AccountHost;
import org.carillon.core.local.AccountSession;
import org.carillon.core.local.DeviceRevocation;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageEvents;
import org.carillon.core.message.MessageStatus;
import org.carillon.core.message.MessageTooLargeException;
import org.carillon.core.message.Messenger;
import org.carillon.core.store.KnownDevice;
import org.carillon.core.store.LocalAccount;
import org.carillon.dht.DhtRunner;
import org.carillon.dht.NodeMetrics;
import org.carillon.dht.RoutingEntry;
import org.carillon.dht.SearchStatus;
import org.carillon.dht.wire.Family;

/**
 * Everything the daemon's API can do, as JSON-RPC methods over an {@link AccountHost}, and the
 * events it pushes (through {@code events}: the event's name and its params).
 */
public final class CarillonMethods implements AccountHost.Listeners {
    private static final int MAX_PAGE = 500;

    /** Base64 characters of the largest archive taken: real ones are a few KiB, and a frame is at most 1 MiB. */
    static final int MAX_ARCHIVE_CHARS = 512 * 1024;

    /** How long a call waits for the DHT (a device list, a revocation put). */
    static final Duration NETWORK_WAIT = Duration.ofSeconds(20);

    private static final int MAX_PEERS = 2000;

    private final BiConsumer<String, Object> events;
    private final SlowOperations slow = new SlowOperations();
    private final Object configLock = new Object();
    private AccountHost host;
    private AccountGenerator generator;
    private Path configDirectory;
    private long boundAt;

    public CarillonMethods(BiConsumer<String, Object> events) {
        this.events = events;
    }

    /**
     * Binds the methods to the host (made with this object as its listeners), the generator of
     * new accounts and devices, and the directory of the daemon's {@code carillon.conf}.
     */
    public void bind(AccountHost host, AccountGenerator generator, Path configDirectory) {
        this.host = host;
        this.generator = generator;
        this.configDirectory = configDirectory;
        this.boundAt = System.nanoTime();
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
                    return slow.run(() -> {
                        try {
                            return AccountView.of(host.create(alias, device, generator, Progress.NONE), true);
                        } catch (IOException | GeneralSecurityException e) {
                            throw new RpcException(
                                    RpcError.INTERNAL_ERROR, "could not create the account: " + e.getMessage());
                        }
                    });
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
        var password = optional("password", "the archive's password (none or empty: not encrypted)", Method.string());
        m.add(new Method(
                "accounts.export",
                "The account's archive (keys and contacts, Jami's archive.gz format), encrypted when a password is"
                        + " given: {archive: base64}. Without a password anyone holding it holds the account.",
                List.of(account, password),
                Method.object(),
                p -> {
                    LocalAccount a = select(p);
                    char[] pw = password(p);
                    SlowOperations.Work<byte[]> export = () -> {
                        try {
                            return host.accounts().export(a, pw);
                        } catch (IOException e) {
                            throw new RpcException(
                                    RpcError.INTERNAL_ERROR, "could not export " + a.id() + ": " + e.getMessage());
                        }
                    };
                    byte[] archive = pw == null ? export.run() : slow.run(export);
                    return Map.of("archive", Base64.getEncoder().encodeToString(archive));
                }));
        m.add(new Method(
                "accounts.import",
                "Adds this device to the account in an archive (from accounts.export, Carillon or Jami): same"
                        + " account id, a new device key (RSA-4096: takes seconds); brings it online.",
                List.of(
                        required("archive", "the archive file's bytes, base64", Method.string()),
                        password,
                        optional("device", "this device's name (default: carillon)", Method.string())),
                Method.object(),
                p -> {
                    String text = p.string("archive");
                    if (text.length() > MAX_ARCHIVE_CHARS) {
                        throw new RpcException(
                                RpcError.TOO_LARGE,
                                "an archive of " + text.length() + " base64 characters is over " + MAX_ARCHIVE_CHARS
                                        + " (real ones are a few KiB)");
                    }
                    byte[] bytes;
                    try {
                        // the basic decoder: the MIME one skips any character outside the alphabet
                        bytes = Base64.getDecoder().decode(text.replaceAll("\\s", ""));
                    } catch (IllegalArgumentException e) {
                        throw RpcException.invalidParams("'archive' is not base64: " + e.getMessage());
                    }
                    String device =
                            p.optionalString("device").orElse("carillon").strip();
                    if (device.isEmpty() || device.length() > 64) {
                        throw RpcException.invalidParams("a device name has 1 to 64 characters");
                    }
                    char[] pw = password(p);
                    return slow.run(() -> {
                        try {
                            LocalAccount a = host.accounts().importArchive(bytes, pw, device, generator, Progress.NONE);
                            host.online(a);
                            return AccountView.of(a, true);
                        } catch (ArchiveException e) {
                            throw new RpcException(RpcError.REFUSED, "the archive cannot be read: " + e.reason());
                        } catch (IllegalArgumentException e) {
                            throw new RpcException(RpcError.REFUSED, e.getMessage());
                        } catch (GeneralSecurityException e) {
                            throw new RpcException(
                                    RpcError.REFUSED, "the archive's keys cannot be used: " + e.getMessage());
                        } catch (IOException e) {
                            throw new RpcException(
                                    RpcError.INTERNAL_ERROR, "could not import the account: " + e.getMessage());
                        }
                    });
                }));
        m.add(new Method(
                "accounts.remove",
                "Takes the account offline and deletes it from this device (keys, contacts, messages). Export it"
                        + " first to keep it; its other devices keep it anyway.",
                List.of(account),
                Method.nothing(),
                p -> {
                    LocalAccount a = select(p);
                    try {
                        host.remove(a);
                    } catch (IllegalArgumentException e) {
                        throw RpcException.notFound(e.getMessage());
                    } catch (IOException e) {
                        throw new RpcException(RpcError.INTERNAL_ERROR, e.getMessage());
                    }
                    events.accept("account.removed", Map.of("account", a.id().hex()));
                    return null;
                }));
        m.add(new Method(
                "accounts.devices",
                "Each device of the account this device knows or sees announced on the DHT: {id, name,"
                        + " thisDevice, revoked, announced}.",
                List.of(account),
                Method.arrayOf(Method.object()),
                p -> devices(online(p), select(p))));
        m.add(new Method(
                "accounts.revokeDevice",
                "Revokes another device of the account (lost or stolen): the account key signs a revocation list"
                        + " put on the DHT, where peers look before trusting a device. No password: this"
                        + " daemon's keys are not encrypted.",
                List.of(
                        account,
                        required("device", "the device's id (40 hex, or its first 8+ digits)", Method.string())),
                Method.object(),
                p -> {
                    AccountSession s = online(p);
                    LocalAccount a = select(p);
                    String prefix;
                    try {
                        prefix = DeviceRevocation.prefix(
                                p.string("device"), host.accounts().keys(a));
                    } catch (IllegalArgumentException e) {
                        throw RpcException.invalidParams("'device': " + e.getMessage());
                    } catch (IOException e) {
                        throw new RpcException(
                                RpcError.INTERNAL_ERROR,
                                "the keys of " + a.id() + " cannot be read: " + e.getMessage());
                    }
                    X509CRL crl = await(DeviceRevocation.revoke(host.accounts(), a, s, prefix), "the revocation");
                    return Map.of(
                            "device",
                            prefix,
                            "revokedInAll",
                            crl.getRevokedCertificates().size());
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
                "conversations.list",
                "Each conversation of the account, the latest first: {contact (a contact object), last (its newest"
                        + " message, or null), unread (messages from the contact not read yet)}. Former contacts'"
                        + " conversations are listed while they hold messages.",
                List.of(account),
                Method.arrayOf(Method.object()),
                p -> {
                    AccountSession session = online(p);
                    String acc = session.account().accountId().hex();
                    Messenger messenger = session.messenger();
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Contact c : host.accounts().state(select(p)).contacts()) {
                        Optional<Message> last = messenger.history(c.id(), Optional.empty(), 1).stream()
                                .findFirst();
                        if (!c.isActive() && last.isEmpty()) {
                            continue;
                        }
                        Map<String, Object> conversation = new LinkedHashMap<>();
                        conversation.put("contact", ContactView.of(c));
                        conversation.put(
                                "last", last.map(x -> MessageView.of(acc, x)).orElse(null));
                        conversation.put("unread", messenger.unread(c.id()));
                        out.add(conversation);
                    }
                    out.sort(java.util.Comparator.comparingLong((Map<String, Object> x) -> lastSent(x.get("last")))
                            .reversed());
                    return out;
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
                "The DHT node: id, port, uptime; per address family whether it is connected and its routing"
                        + " table's good, dubious and incoming nodes; what it stores, searches, listens, packets.",
                List.of(),
                Method.object(),
                p -> nodeStatus()));
        m.add(new Method(
                "node.peers",
                "The nodes of the routing table: {id, address, family, state (good, dubious or expired), incoming,"
                        + " lastReplySecondsAgo (null: never answered)}.",
                List.of(
                        optional("family", "ipv4 or ipv6 (default: both)", Method.string()),
                        optional("limit", "at most this many (1 to " + MAX_PEERS + ", default 200)", Method.integer())),
                Method.arrayOf(Method.object()),
                p -> {
                    List<Family> families = List.of(Family.IPV4, Family.IPV6);
                    if (p.has("family")) {
                        String f = p.string("family");
                        families = switch (f) {
                            case "ipv4" -> List.of(Family.IPV4);
                            case "ipv6" -> List.of(Family.IPV6);
                            default ->
                                throw RpcException.invalidParams(
                                        "'family' is ipv4 or ipv6, not '" + abbreviate(f) + "'");
                        };
                    }
                    int limit = (int) p.optionalInteger("limit", 1, MAX_PEERS)
                            .orElse(200L)
                            .longValue();
                    List<Map<String, Object>> out = new ArrayList<>();
                    for (Family f : families) {
                        for (RoutingEntry e : host.node().routingEntries(f)) {
                            if (out.size() == limit) {
                                return out;
                            }
                            Map<String, Object> peer = new LinkedHashMap<>();
                            peer.put("id", e.id().toString());
                            peer.put("address", hostPort(e.address()));
                            peer.put("family", familyName(f));
                            peer.put("state", e.state().name().toLowerCase(Locale.ROOT));
                            peer.put("incoming", e.incoming());
                            peer.put(
                                    "lastReplySecondsAgo",
                                    e.sinceReply().map(Duration::toSeconds).orElse(null));
                            out.add(peer);
                        }
                    }
                    return out;
                }));
        var key = required("key", "a key of carillon.conf: " + String.join(", ", DaemonConfig.keys()), Method.string());
        m.add(new Method(
                "settings.get",
                "The daemon's settings (carillon.conf), each key's value as the file writes it.",
                List.of(),
                Method.object(),
                p -> {
                    try {
                        return DaemonConfig.load(configDirectory).values();
                    } catch (DaemonConfig.InvalidConfigException e) {
                        throw new RpcException(RpcError.REFUSED, e.getMessage());
                    } catch (IOException e) {
                        throw new RpcException(RpcError.INTERNAL_ERROR, "cannot read carillon.conf: " + e.getMessage());
                    }
                }));
        m.add(new Method(
                "settings.set",
                "Sets one setting in carillon.conf (other lines and comments kept; a wrong value leaves the file"
                        + " as it was): {key, value, takesEffect: now or next start}. log.level applies at once,"
                        + " the others when the daemon starts again.",
                List.of(key, required("value", "the value as the file writes it (a string)", Method.string())),
                Method.object(),
                p -> {
                    String k = p.string("key");
                    String value = p.string("value");
                    DaemonConfig updated;
                    try {
                        synchronized (configLock) { // two sets at once must not each keep only their own line
                            updated = DaemonConfig.set(configDirectory, k, value);
                        }
                    } catch (DaemonConfig.InvalidConfigException e) {
                        throw RpcException.invalidParams(e.getMessage());
                    } catch (IOException e) {
                        throw new RpcException(
                                RpcError.INTERNAL_ERROR, "cannot write carillon.conf: " + e.getMessage());
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("key", k);
                    out.put("value", updated.values().get(k));
                    out.put("takesEffect", APPLIED_AT_ONCE.contains(k) ? "now" : "next start");
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
        e.put("account.removed", "{account}: the account was deleted from this device");
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

    /** What the daemon's watcher of carillon.conf applies while it runs (DaemonCommand). */
    private static final List<String> APPLIED_AT_ONCE = List.of("log.level");

    private static char[] password(Params p) throws RpcException {
        return p.optionalString("password")
                .filter(x -> !x.isEmpty())
                .map(String::toCharArray)
                .orElse(null);
    }

    /** Devices kept here (with names, revoked ones) and those announced on the DHT now, by id. */
    private List<Map<String, Object>> devices(AccountSession session, LocalAccount a) throws RpcException {
        DeviceId self = session.account().deviceId();
        Map<DeviceId, Map<String, Object>> out = new LinkedHashMap<>();
        for (KnownDevice d : host.accounts().devices(a)) {
            out.put(d.id(), device(d.id(), d.name(), d.id().equals(self), d.revoked(), false));
        }
        List<PeerDevice> announced;
        try {
            announced =
                    session.account().directory().devicesOf(a.id()).get(NETWORK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            announced = List.of(); // offline: what is kept here is all there is to show
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(RpcError.INTERNAL_ERROR, "interrupted");
        }
        for (PeerDevice d : announced) {
            Map<String, Object> known = out.get(d.id());
            if (known == null) {
                out.put(d.id(), device(d.id(), "", d.id().equals(self), false, true));
            } else {
                known.put("announced", true);
            }
        }
        return new ArrayList<>(out.values());
    }

    private static Map<String, Object> device(DeviceId id, String name, boolean self, boolean revoked, boolean seen) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("id", id.shortId().toString());
        d.put("name", name);
        d.put("thisDevice", self);
        d.put("revoked", revoked);
        d.put("announced", seen);
        return d;
    }

    private Map<String, Object> nodeStatus() {
        DhtRunner node = host.node();
        NodeMetrics metrics = node.metrics();
        List<SearchStatus> searches = node.searches();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", node.nodeId().toString());
        out.put("port", node.port());
        out.put("uptimeSeconds", Duration.ofNanos(System.nanoTime() - boundAt).toSeconds());
        out.put("ipv4", node.isConnected(Family.IPV4));
        out.put("ipv6", node.isConnected(Family.IPV6));
        Map<String, Object> families = new LinkedHashMap<>();
        for (Family f : List.of(Family.IPV4, Family.IPV6)) {
            List<RoutingEntry> table = node.routingEntries(f);
            Map<String, Object> family = new LinkedHashMap<>();
            family.put("connected", node.isConnected(f));
            family.put("good", count(table, RoutingEntry.State.GOOD));
            family.put("dubious", count(table, RoutingEntry.State.DUBIOUS));
            family.put("incoming", table.stream().filter(RoutingEntry::incoming).count());
            families.put(familyName(f), family);
        }
        out.put("families", families);
        out.put(
                "storage",
                Map.of(
                        "keys", metrics.storedKeys(),
                        "values", metrics.storedValues(),
                        "bytes", metrics.storedBytes()));
        out.put("searches", searches.size());
        out.put("listens", searches.stream().mapToInt(SearchStatus::listens).sum());
        out.put("remoteListeners", metrics.remoteListeners());
        out.put(
                "packets",
                Map.of(
                        "in", sum(metrics.packetsIn()),
                        "out", sum(metrics.packetsOut()),
                        "dropped", metrics.totalDrops()));
        return out;
    }

    /** When a conversation's newest message was sent; a conversation without one sorts last. */
    private static long lastSent(Object last) {
        return last instanceof MessageView v ? v.sent() : Long.MIN_VALUE;
    }

    private static long count(List<RoutingEntry> table, RoutingEntry.State state) {
        return table.stream().filter(e -> e.state() == state).count();
    }

    private static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static String familyName(Family f) {
        return f == Family.IPV4 ? "ipv4" : "ipv6";
    }

    private static String hostPort(InetSocketAddress a) {
        String host =
                a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    /** Waits for work on the DHT; its failure's reason becomes the error (an argument's: REFUSED). */
    private static <T> T await(CompletableFuture<T> f, String what) throws RpcException {
        try {
            return f.get(NETWORK_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new RpcException(
                    RpcError.OFFLINE, what + " did not complete within " + NETWORK_WAIT.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof IllegalArgumentException) {
                throw new RpcException(RpcError.REFUSED, cause.getMessage());
            }
            throw new RpcException(RpcError.OFFLINE, what + " failed: " + cause.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RpcException(RpcError.INTERNAL_ERROR, "interrupted");
        }
    }

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
