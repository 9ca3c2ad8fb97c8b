package org.carillon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.carillon.api.client.CarillonClient;
import org.carillon.api.model.AccountView;
import org.carillon.core.account.AccountGenerator;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.archive.ArchiveFile;
import org.carillon.core.daemon.DaemonLock;
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
        description = "Create, list, show, export, import, remove accounts, revoke their devices, go online.",
        subcommands = {
            AccountCommand.Create.class,
            AccountCommand.ListAccounts.class,
            AccountCommand.Show.class,
            AccountCommand.Export.class,
            AccountCommand.Import.class,
            AccountCommand.Remove.class,
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

    static String describe(String id, String alias) {
        return id + (alias.isEmpty() ? "" : "  " + alias);
    }

    static String deviceLine(String shortId, String name, boolean self, boolean revoked) {
        return "device  " + shortId + "  " + name + (self ? "  (this device)" : "") + (revoked ? "  (revoked)" : "");
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
            Optional<CarillonClient> found = RunningDaemon.find(options.directory());
            if (found.isPresent()) {
                try (CarillonClient daemon = found.get()) {
                    RunningDaemon.noticeIgnored(spec, List.of("--key-bits"));
                    spec.commandLine().getErr().println("the daemon is generating the keys (some seconds)");
                    AccountView a = daemon.createAccount(alias, deviceName);
                    String device =
                            daemon.accountDetails(a.id()).path("deviceId").asText("");
                    created(out, a.id(), device, options.directory().root());
                    out.println("online through the daemon");
                }
                return 0;
            }
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.create(alias, deviceName, generator(keySize.bits), progress(spec));
                AccountKeys keys = accounts.keys(a);
                created(
                        out,
                        a.id().hex(),
                        keys.deviceId().shortId().toString(),
                        accounts.directory().root());
            }
            return 0;
        }

        private void created(PrintWriter out, String id, String device, Path root) {
            out.println("created account " + id);
            out.println("device " + device + " (" + deviceName + ")");
            out.println("data in " + root);
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
            Optional<CarillonClient> found = RunningDaemon.find(options.directory());
            List<String> lines;
            if (found.isPresent()) {
                try (CarillonClient daemon = found.get()) {
                    lines = daemon.accounts().stream()
                            .map(a -> describe(a.id(), a.alias()))
                            .toList();
                }
            } else {
                try (LocalAccounts accounts = options.open()) {
                    lines = accounts.list().stream()
                            .map(a -> describe(a.id().hex(), a.alias()))
                            .toList();
                }
            }
            if (lines.isEmpty()) {
                spec.commandLine()
                        .getErr()
                        .println("no account in " + options.directory().root());
            }
            lines.forEach(out::println);
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
            String id;
            Optional<CarillonClient> found = RunningDaemon.find(options.directory());
            if (found.isPresent()) {
                try (CarillonClient daemon = found.get()) {
                    JsonNode a = daemon.accountDetails(RunningDaemon.account(daemon, options.account));
                    id = a.path("id").asText();
                    header(out, id, a.path("alias").asText(""));
                    String self = a.path("deviceId").asText("");
                    for (JsonNode d : a.path("devices")) {
                        String device = d.path("id").asText();
                        out.println(deviceLine(
                                device,
                                d.path("name").asText(""),
                                device.equals(self),
                                d.path("revoked").asBoolean()));
                    }
                    out.println(
                            a.path("announced").asBoolean()
                                    ? "online  announced on the DHT by the daemon"
                                    : "online  through the daemon, not announced on the DHT yet");
                }
            } else {
                try (LocalAccounts accounts = options.open()) {
                    LocalAccount a = accounts.select(options.account);
                    id = a.id().hex();
                    header(out, id, a.alias());
                    AccountKeys keys = accounts.keys(a);
                    for (KnownDevice d : accounts.devices(a)) {
                        out.println(deviceLine(
                                d.id().shortId().toString(), d.name(), d.id().equals(keys.deviceId()), d.revoked()));
                    }
                }
            }
            if (qr != null ? qr : System.console() != null) {
                out.print(QrText.render(id));
            }
            return 0;
        }

        private static void header(PrintWriter out, String id, String alias) {
            out.println("account " + id);
            if (!alias.isEmpty()) {
                out.println("alias   " + alias);
            }
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
            Optional<CarillonClient> found = RunningDaemon.find(options.directory());
            if (found.isPresent()) {
                try (CarillonClient daemon = found.get()) {
                    String id = RunningDaemon.account(daemon, options.account);
                    ArchiveFile.writeBytes(file, daemon.exportAccount(id, text(password)));
                    spec.commandLine().getOut().println(exported(id, file, password));
                }
                return 0;
            }
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.select(options.account);
                accounts.export(a, file, password);
                spec.commandLine().getOut().println(exported(a.id().hex(), file, password));
            }
            return 0;
        }

        private static String exported(String id, Path file, char[] password) {
            return "exported account " + id + " to " + file
                    + (password == null ? " (no password: keep it private)" : " (password-protected)");
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
            Optional<CarillonClient> found = RunningDaemon.find(options.directory());
            if (found.isPresent()) {
                try (CarillonClient daemon = found.get()) {
                    RunningDaemon.noticeIgnored(spec, List.of("--key-bits"));
                    AccountView a =
                            daemon.importAccount(ArchiveFile.load(file), text(password), Optional.of(deviceName));
                    PrintWriter out = spec.commandLine().getOut();
                    out.println("imported account " + a.id());
                    out.println("device " + thisDevice(daemon, a.id()) + " (" + deviceName + ")");
                }
                return 0;
            }
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

    @Command(
            name = "remove",
            mixinStandardHelpOptions = true,
            description = "Delete an account from this device: its keys, contacts and messages here."
                    + " Its other devices keep it; without one, or an exported archive, it is lost.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Option(names = "--yes", description = "Really delete it (required: there is no undo).")
        boolean yes;

        @Override
        public Integer call() throws Exception {
            if (!yes) {
                throw new CommandError("this deletes the account's keys from this device for good: add --yes"
                        + " (export it first with 'carillon account export' to keep a copy)");
            }
            Optional<CarillonClient> found = RunningDaemon.find(options.directory());
            if (found.isPresent()) {
                try (CarillonClient daemon = found.get()) {
                    String id = RunningDaemon.account(daemon, options.account);
                    daemon.removeAccount(id);
                    spec.commandLine().getOut().println("removed account " + id + " from this device");
                }
                return 0;
            }
            // no command of this directory may be using the account while its files go
            try (DaemonLock alone = DaemonLock.acquire(options.directory().ensureExists());
                    LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.select(options.account);
                accounts.remove(a);
                spec.commandLine().getOut().println("removed account " + a.id().hex() + " from this device");
            }
            return 0;
        }
    }

    /** A password for the API: none when not given or empty (an archive without encryption). */
    static Optional<String> text(char[] password) {
        return password == null || password.length == 0 ? Optional.empty() : Optional.of(new String(password));
    }

    private static String thisDevice(CarillonClient daemon, String account) throws java.io.IOException {
        return daemon.accountDetails(account).path("deviceId").asText("?");
    }
}
