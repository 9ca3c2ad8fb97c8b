package org.carillon.cli;

import java.io.IOException;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.store.DataDirectory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the accounts live ({@code --data-dir}) and which one a command works on ({@code --account}). */
final class AccountOptions {
    @Mixin
    DataDirectoryOption data;

    @Option(
            names = {"-a", "--account"},
            paramLabel = "ACCOUNT",
            description = "The account: its id (or the first 4+ hex digits) or its alias;"
                    + " may be left out when there is only one.")
    String account;

    DataDirectory directory() {
        return data.directory();
    }

    LocalAccounts open() throws IOException {
        return LocalAccounts.open(directory());
    }
}
