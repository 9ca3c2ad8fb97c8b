package org.carillon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.carillon.api.client.CarillonClient;
import org.carillon.api.model.AccountView;
import org.carillon.core.store.DataDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code carillon status}: whether the daemon runs, and how its node and accounts are doing. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show whether the data directory's daemon runs: its API, its DHT node (connectivity, routing"
                + " table, storage, traffic) and its accounts. Exits 1 when no daemon runs.")
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataDirectoryOption data;

    @Override
    public Integer call() throws Exception {
        DataDirectory dir = data.directory();
        Optional<CarillonClient> found = RunningDaemon.find(dir);
        if (found.isEmpty()) {
            throw new CommandError("no Carillon daemon runs for " + dir.root() + "; start one with ./carillon");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (CarillonClient daemon = found.get()) {
            JsonNode node = daemon.nodeStatus();
            out.println("daemon    " + dir.root() + ", up "
                    + uptime(node.path("uptimeSeconds").asLong()));
            out.println("node      " + node.path("id").asText() + " on UDP port "
                    + node.path("port").asInt());
            for (String family : List.of("ipv4", "ipv6")) {
                JsonNode f = node.path("families").path(family);
                out.printf(
                        "%-9s %s, %d good and %d dubious nodes (%d reached us first)%n",
                        family.equals("ipv4") ? "IPv4" : "IPv6",
                        f.path("connected").asBoolean() ? "connected" : "not connected",
                        f.path("good").asLong(),
                        f.path("dubious").asLong(),
                        f.path("incoming").asLong());
            }
            JsonNode storage = node.path("storage");
            out.printf(
                    "storage   %d values under %d keys (%d bytes) for the network%n",
                    storage.path("values").asLong(),
                    storage.path("keys").asLong(),
                    storage.path("bytes").asLong());
            out.printf(
                    "searches  %d, with %d listens of ours and %d listeners of others%n",
                    node.path("searches").asLong(),
                    node.path("listens").asLong(),
                    node.path("remoteListeners").asLong());
            JsonNode packets = node.path("packets");
            out.printf(
                    "packets   %d in, %d out, %d dropped (malformed or refused)%n",
                    packets.path("in").asLong(),
                    packets.path("out").asLong(),
                    packets.path("dropped").asLong());
            List<AccountView> accounts = daemon.accounts();
            if (accounts.isEmpty()) {
                out.println("accounts  none yet: carillon account create");
            }
            for (AccountView a : accounts) {
                boolean announced =
                        daemon.accountDetails(a.id()).path("announced").asBoolean();
                out.println("account   " + a.id() + (a.alias().isEmpty() ? "" : "  " + a.alias()) + "  "
                        + (!a.online() ? "offline" : announced ? "online" : "online, not announced on the DHT yet"));
            }
        }
        return 0;
    }

    static String uptime(long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min";
        }
        return d.toMinutes() > 0 ? d.toMinutes() + " min " + d.toSecondsPart() + " s" : seconds + " s";
    }
}
