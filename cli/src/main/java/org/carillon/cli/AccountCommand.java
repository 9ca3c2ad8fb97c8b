package org.carillon.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.Callable;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.store.KnownDevice;
import org.carillon.core.store.LocalAccount;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code carillon account ...}: the accounts of the data directory. */
@Command(
        name = "account",
        mixinStandardHelpOptions = true,
        description = "Create, list, show, export, import accounts, revoke their devices, go online.",
        subcommands = {
            AccountCommand.Create.class,
            AccountCommand.ListAccounts.class,
            AccountCommand.Show.class,
            AccountCommand.Export.class,
            AccountCommand.Import.class,
            RevokeDeviceCommand.class,
            OnlineCommand.class
        })
final class AccountCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    static AccountGenerator generator(int keyBits) {
        return new AccountGenerator(new SecureRandom(), keyBits);
    }

    /** RSA size of new keys: Jami's 4096 always; smaller only so tests run fast. */
    static final class KeySize {
        @Option(names = "--key-bits", hidden = true, defaultValue = "" + AccountGenerator.RSA_BITS)
        int bits;
    }

    static String describe(LocalAccount a) {
        return a.id() + (a.alias().isEmpty() ? "" : "  " + a.alias());
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description =
                    "Generate a new account: its CA, account key and this device's key (RSA-4096," + " some seconds).")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Mixin
        KeySize keySize;

        @Option(
                names = "--alias",
                paramLabel = "NAME",
                defaultValue = "",
                description = "A name for the account, to select it by.")
        String alias;

        @Option(
                names = "--device-name",
                paramLabel = "NAME",
                defaultValue = "carillon",
                description = "This device's name (default ${DEFAULT-VALUE}).")
        String deviceName;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.create(alias, deviceName, generator(keySize.bits), progress(spec));
                AccountKeys keys = accounts.keys(a);
                out.println("created account " + a.id());
                out.println("device " + keys.deviceId().shortId() + " (" + deviceName + ")");
                out.println("data in " + accounts.directory().root());
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the accounts of the data directory.")
    static final class ListAccounts implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (LocalAccounts accounts = options.open()) {
                List<LocalAccount> all = accounts.list();
                if (all.isEmpty()) {
                    spec.commandLine()
                            .getErr()
                            .println("no account in " + accounts.directory().root());
                }
                all.forEach(a -> out.println(describe(a)));
            }
            return 0;
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Show an account's id (with a QR code on a terminal) and its devices.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Option(
                names = "--qr",
                negatable = true,
                description = "Draw the id as a QR code (default: on a terminal only).")
        Boolean qr;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.select(options.account);
                out.println("account " + a.id());
                if (!a.alias().isEmpty()) {
                    out.println("alias   " + a.alias());
                }
                AccountKeys keys = accounts.keys(a);
                for (KnownDevice d : accounts.devices(a)) {
                    boolean self = d.id().equals(keys.deviceId());
                    out.println("device  " + d.id().shortId() + "  " + d.name() + (self ? "  (this device)" : "")
                            + (d.revoked() ? "  (revoked)" : ""));
                }
                if (qr != null ? qr : System.console() != null) {
                    out.print(QrText.render(a.id().hex()));
                }
            }
            return 0;
        }
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "Write the account's archive (keys and contacts, Jami's archive.gz format),"
                    + " encrypted when a password is given.")
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Mixin
        Passwords passwords;

        @Parameters(paramLabel = "FILE", description = "Where to write the archive.")
        Path file;

        @Override
        public Integer call() throws Exception {
            char[] password = passwords.read(true);
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.select(options.account);
                accounts.export(a, file, password);
                spec.commandLine()
                        .getOut()
                        .println("exported account " + a.id() + " to " + file
                                + (password == null ? " (no password: keep it private)" : " (password-protected)"));
            }
            return 0;
        }
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = "Add this device to the account in an archive (from Carillon or Jami's exportToFile):"
                    + " same account id, a new device key.")
    static final class Import implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Mixin
        Passwords passwords;

        @Option(
                names = "--device-name",
                paramLabel = "NAME",
                defaultValue = "carillon",
                description = "This device's name (default ${DEFAULT-VALUE}).")
        String deviceName;

        @Mixin
        KeySize keySize;

        @Parameters(paramLabel = "FILE", description = "The archive.")
        Path file;

        @Override
        public Integer call() throws Exception {
            char[] password = passwords.read(false);
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a =
                        accounts.importArchive(file, password, deviceName, generator(keySize.bits), progress(spec));
                AccountKeys keys = accounts.keys(a);
                PrintWriter out = spec.commandLine().getOut();
                out.println("imported account " + a.id());
                out.println("device " + keys.deviceId().shortId() + " (" + deviceName + ")");
            }
            return 0;
        }
    }

    static ProgressLine progress(CommandSpec spec) {
        return new ProgressLine(spec.commandLine().getErr(), System.console() != null);
    }
}
