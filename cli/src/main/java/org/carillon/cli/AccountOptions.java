package org.carillon.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.store.DataDirectory;
import picocli.CommandLine.Option;

/** Where the accounts live ({@code --data-dir}) and which one a command works on ({@code --account}). */
final class AccountOptions {
    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Data directory (default: $CARILLON_HOME, else $XDG_DATA_HOME/carillon,"
                    + " else ~/.local/share/carillon).")
    Path dataDir;

    @Option(
            names = {"-a", "--account"},
            paramLabel = "ACCOUNT",
            description = "The account: its id (or the first 4+ hex digits) or its alias;"
                    + " may be left out when there is only one.")
    String account;

    DataDirectory directory() {
        return DataDirectory.resolve(System.getenv(), dataDir);
    }

    LocalAccounts open() throws IOException {
        return LocalAccounts.open(directory());
    }
}
