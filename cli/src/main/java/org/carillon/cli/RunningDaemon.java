package org.carillon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.carillon.api.client.CarillonClient;
import org.carillon.api.model.AccountView;
import org.carillon.core.store.DataDirectory;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The daemon of the data directory a command works on. When one runs, the command goes through
 * its API: the daemon has every account online already, and a second session of the same
 * device beside it would answer messages twice. When none runs, the command says so and does
 * the work itself.
 */
final class RunningDaemon {
    /** How long a command waits for the daemon's answers (account creation takes seconds). */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);

    /** The largest page the API gives ({@code messages.history}, {@code messages.search}). */
    static final int MAX_PAGE = 500;

    private RunningDaemon() {}

    /**
     * Tells the user which of the options given only make sense for a command that goes online
     * on its own: the daemon is online already, with its own settings.
     */
    static void noticeIgnored(CommandSpec spec, List<String> options) {
        List<String> given = options.stream()
                .filter(o -> spec.commandLine().getParseResult().hasMatchedOption(o))
                .toList();
        if (!given.isEmpty()) {
            PrintWriter err = spec.commandLine().getErr();
            err.println(
                    "ignored through the daemon, which is online with its own settings: " + String.join(", ", given));
            err.flush();
        }
    }

    /** A client of the daemon that runs for {@code dir}, if one runs. */
    static Optional<CarillonClient> find(DataDirectory dir) throws IOException {
        return CarillonClient.find(dir.root(), CALL_TIMEOUT);
    }

    /** Tells the user that the command works on its own, and for how long it will be online. */
    static void noticeNone(PrintWriter err, DataDirectory dir, Duration online) {
        err.println("no Carillon daemon runs for " + dir.root() + ": going online for this command only (up to "
                + online.toSeconds() + " s); start one with ./carillon");
        err.flush();
    }

    /** The same for a command online until the user ends it ({@code chat}, {@code account online}). */
    static void noticeNone(PrintWriter err, DataDirectory dir) {
        err.println("no Carillon daemon runs for " + dir.root()
                + ": going online for this command only, until it ends; start one with ./carillon");
        err.flush();
    }

    /**
     * The account id the daemon knows by {@code selector} (an id, a 4+ hex-digit prefix or an
     * alias); with none, its only account. The same rules as {@link
     * org.carillon.core.local.LocalAccounts#select}, which the daemon applies to a selector.
     */
    static String account(CarillonClient daemon, String selector) throws IOException {
        if (selector != null && !selector.isBlank()) {
            return selector.strip().toLowerCase(Locale.ROOT).matches("[0-9a-f]{40}")
                    ? selector.strip().toLowerCase(Locale.ROOT)
                    : daemon.accountDetails(selector).get("id").asText();
        }
        List<AccountView> all = daemon.accounts();
        if (all.size() != 1) {
            throw new CommandError(
                    all.isEmpty()
                            ? "the daemon has no account yet: create one with 'carillon account create'"
                            : "the daemon has " + all.size() + " accounts: choose one with --account");
        }
        return all.get(0).id();
    }
}
