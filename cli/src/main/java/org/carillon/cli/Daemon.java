package org.carillon.cli;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.carillon.api.methods.CarillonApi;
import org.carillon.api.methods.CarillonMethods;
import org.carillon.api.rpc.RpcDispatcher;
import org.carillon.api.server.ApiCertificate;
import org.carillon.api.server.ApiServer;
import org.carillon.api.server.ApiToken;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.daemon.DaemonConfig;
import org.carillon.core.daemon.DaemonLock;
import org.carillon.core.local.AccountHost;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.store.DataDirectory;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon, assembled: the data directory's lock, its settings, one DHT node, every local
 * account online on it, and the API that serves clients. Closing stops them in the reverse
 * order, so writes in flight finish before the database closes.
 */
final class Daemon implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    /** Where a client finds the API of the daemon of a data directory (written at start, removed at stop). */
    static final String ENDPOINT_FILE = org.carillon.api.client.CarillonClient.ENDPOINT_FILE;

    /** How many ports after the configured one are tried when it is taken. */
    static final int PORT_TRIES = 20;

    /**
     * @param bootstrap the nodes to join through (the config's, or the command line's)
     * @param dhtBind the DHT socket's address, or null for all
     * @param keyBits RSA size of new accounts (4096; tests use less)
     */
    record Settings(
            DataDirectory directory,
            DaemonConfig config,
            List<InetSocketAddress> bootstrap,
            InetAddress dhtBind,
            int dhtPort,
            InetSocketAddress apiBind,
            int keyBits) {}

    private final DaemonLock lock;
    private final LocalAccounts accounts;
    private final DhtRunner node;
    private final AccountHost host;
    private final ApiServer api;
    private final ApiCertificate certificate;
    private final Path endpointFile;

    private Daemon(
            DaemonLock lock,
            LocalAccounts accounts,
            DhtRunner node,
            AccountHost host,
            ApiServer api,
            ApiCertificate certificate,
            Path endpointFile) {
        this.lock = lock;
        this.accounts = accounts;
        this.node = node;
        this.host = host;
        this.api = api;
        this.certificate = certificate;
        this.endpointFile = endpointFile;
    }

    static Daemon start(Settings s) throws Exception {
        DataDirectory dir = s.directory().ensureExists();
        DaemonLock lock = DaemonLock.acquire(dir);
        LocalAccounts accounts = null;
        DhtRunner node = null;
        AccountHost host = null;
        try {
            accounts = LocalAccounts.open(dir);
            node = startNode(s, dir);
            ApiServer[] server = new ApiServer[1];
            CarillonMethods methods = new CarillonMethods((name, params) -> {
                if (server[0] != null) {
                    server[0].broadcast(name, params);
                }
            });
            host = new AccountHost(accounts, node, methods, s.config().messagePolicy());
            methods.bind(host, new AccountGenerator(new SecureRandom(), s.keyBits()), dir.root());
            List<org.carillon.api.rpc.Method> all = methods.methods();
            RpcDispatcher rpc = new RpcDispatcher(all, () -> CarillonApi.document(all));
            ApiCertificate certificate = certificateFor(s.apiBind(), dir.root());
            server[0] = startApi(s.apiBind(), ApiToken.loadOrCreate(dir.root()), rpc, certificate);
            host.startAll();
            Path endpoint = dir.root().resolve(ENDPOINT_FILE);
            Files.writeString(endpoint, server[0].uri() + "\n", StandardCharsets.US_ASCII);
            return new Daemon(lock, accounts, node, host, server[0], certificate, endpoint);
        } catch (Exception | Error e) {
            if (host != null) {
                host.close();
            }
            if (node != null) {
                node.close();
            }
            if (accounts != null) {
                accounts.close();
            }
            lock.close();
            throw e;
        }
    }

    /** The configured port, or the next free one: a second program on 4222 should not keep the daemon down. */
    private static DhtRunner startNode(Settings s, DataDirectory dir) throws IOException {
        IOException last = null;
        for (int i = 0; i < PORT_TRIES; i++) {
            int port = s.dhtPort() == 0 ? 0 : s.dhtPort() + i;
            DhtConfig config = DhtConfig.defaults()
                    .withPort(port)
                    .withBootstrap(s.bootstrap())
                    .withStateFile(dir.root().resolve("dht-nodes"));
            if (s.dhtBind() != null) {
                config = config.withBindAddresses(List.of(s.dhtBind()));
            }
            try {
                DhtRunner node = DhtRunner.start(config);
                if (i > 0) {
                    LOG.warn("UDP port {} is taken: the DHT node uses {}", s.dhtPort(), node.port());
                }
                return node;
            } catch (BindException e) {
                last = e;
            } catch (IOException e) {
                if (!(e.getCause() instanceof BindException)) {
                    throw e;
                }
                last = e;
            }
        }
        throw new IOException(
                "UDP ports " + s.dhtPort() + " to " + (s.dhtPort() + PORT_TRIES - 1) + " are all taken", last);
    }

    /** None on loopback; beyond it the token must not cross the network in clear, so TLS with the directory's certificate. */
    static ApiCertificate certificateFor(InetSocketAddress bind, Path dir) throws IOException {
        return bind.getAddress().isLoopbackAddress() ? null : ApiCertificate.loadOrCreate(dir, bind.getAddress());
    }

    private static ApiServer startApi(
            InetSocketAddress bind, String token, RpcDispatcher rpc, ApiCertificate certificate) throws Exception {
        Exception last = null;
        for (int i = 0; i < PORT_TRIES; i++) {
            int port = bind.getPort() == 0 ? 0 : bind.getPort() + i;
            try {
                return ApiServer.start(new InetSocketAddress(bind.getAddress(), port), token, rpc, certificate);
            } catch (IOException e) {
                last = e; // Jetty reports a taken port as an IOException (BindException)
            }
        }
        throw new IOException(
                "TCP ports " + bind.getPort() + " to " + (bind.getPort() + PORT_TRIES - 1) + " of "
                        + bind.getAddress().getHostAddress() + " are all taken",
                last);
    }

    URI apiUri() {
        return api.uri();
    }

    /** The SHA-256 fingerprint of the API's certificate, for clients to pin, when it speaks TLS. */
    Optional<String> certificateFingerprint() {
        return Optional.ofNullable(certificate).map(ApiCertificate::fingerprint);
    }

    int dhtPort() {
        return node.port();
    }

    DhtRunner node() {
        return node;
    }

    AccountHost host() {
        return host;
    }

    /** Stops serving, takes the accounts offline (their writes finish), saves the routing table, unlocks. */
    @Override
    public void close() throws Exception {
        try {
            Files.deleteIfExists(endpointFile);
            api.close();
        } finally {
            host.close();
            node.close();
            accounts.close();
            lock.close();
            LOG.info("daemon stopped");
        }
    }
}
