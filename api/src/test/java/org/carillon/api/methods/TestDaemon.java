package org.carillon.api.methods;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.carillon.api.client.ApiClient;
import org.carillon.api.rpc.RpcDispatcher;
import org.carillon.api.server.ApiServer;
import org.carillon.api.server.ApiToken;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.local.AccountHost;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.message.MessagePolicy;
import org.carillon.core.store.DataDirectory;
import org.carillon.dht.DhtConfig;
import org.carillon.dht.DhtRunner;

/**
 * What the daemon command assembles, in one JVM: own data directory, own DHT node on loopback
 * (joining through {@code seedPort}), own API server; driven only through the WebSocket API.
 */
final class TestDaemon implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    final Path home;
    final LocalAccounts accounts;
    final DhtRunner node;
    final AccountHost host;
    final ApiServer server;
    final String token;
    final ApiClient client;
    final List<String> events = new CopyOnWriteArrayList<>();

    TestDaemon(Path home, int seedPort, AccountGenerator generator) throws Exception {
        this.home = home;
        DataDirectory dir = new DataDirectory(home).ensureExists();
        accounts = LocalAccounts.open(dir);
        node = DhtRunner.start(DhtConfig.defaults()
                .withBindAddresses(List.of(InetAddress.getLoopbackAddress()))
                .withPort(0)
                .withBootstrap(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), seedPort))));
        ApiServer[] serverRef = new ApiServer[1];
        CarillonMethods methods = new CarillonMethods((name, params) -> serverRef[0].broadcast(name, params));
        host = new AccountHost(accounts, node, methods, MessagePolicy.DEFAULT);
        methods.bind(host, generator, home);
        token = ApiToken.loadOrCreate(home);
        server = ApiServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                token,
                new RpcDispatcher(methods.methods(), () -> Map.of()));
        serverRef[0] = server;
        host.startAll();
        client = connect();
        client.subscribe((name, params) -> events.add(name + " " + params));
    }

    /** Another client of this daemon (a connection's calls are answered in turn, so parallel calls need several). */
    ApiClient connect() throws java.io.IOException {
        return ApiClient.connect(server.uri(), token, TIMEOUT);
    }

    JsonNode call(String method, Map<String, Object> params) throws Exception {
        return client.call(method, params).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    String awaitEvent(Predicate<String> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (String e : events) {
                if (wanted.test(e)) {
                    return e;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no such event in " + TIMEOUT + "; heard " + events);
    }

    @Override
    public void close() throws Exception {
        client.close();
        server.close();
        host.close();
        node.close();
        accounts.close();
    }
}
