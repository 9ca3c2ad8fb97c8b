package org.carillon.cli;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.carillon.cli.Converters.BootstrapConverter;
import org.carillon.cli.Converters.BootstrapNode;
import org.carillon.dht.DhtConfig;
import picocli.CommandLine.Option;

/** How a command that goes online joins the DHT. */
final class NetworkOptions {
    /** Jami's public bootstrap, used when the user names none (as Jami does). */
    static final String DEFAULT_BOOTSTRAP = "bootstrap.jami.net:4222";

    @Option(
            names = {"-b", "--bootstrap"},
            paramLabel = "HOST:PORT",
            converter = BootstrapConverter.class,
            description = "Join the DHT through this node (repeatable; default " + DEFAULT_BOOTSTRAP + ").")
    List<BootstrapNode> bootstrap = new ArrayList<>();

    @Option(
            names = "--bind",
            paramLabel = "ADDR",
            converter = Converters.BindAddressConverter.class,
            description = "Local address of the DHT socket (default: all; tests use 127.0.0.1).")
    InetAddress bind;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = Converters.IntervalConverter.class,
            description = "Give up on the network after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    /** The options above: a daemon has its own network and ignores them. */
    static final List<String> NAMES = List.of("--bootstrap", "--bind", "--timeout");

    DhtConfig config() {
        List<InetSocketAddress> nodes = new ArrayList<>();
        List<BootstrapNode> given =
                bootstrap.isEmpty() ? List.of(new BootstrapConverter().convert(DEFAULT_BOOTSTRAP)) : bootstrap;
        given.forEach(b -> nodes.addAll(b.addresses()));
        DhtConfig config = DhtConfig.defaults().withPort(0).withBootstrap(nodes);
        return bind == null ? config : config.withBindAddresses(List.of(bind));
    }
}
