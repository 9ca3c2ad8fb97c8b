package org.carillon.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.carillon.api.client.CarillonClient;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.Contact;
import org.carillon.core.contact.OnlineAccount;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.store.LocalAccount;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code carillon contact ...}: an account's contacts. */
@Command(
        name = "contact",
        mixinStandardHelpOptions = true,
        description = "Send trust requests, list, remove, block and unblock contacts.",
        subcommands = {
            ContactCommand.Add.class,
            ContactCommand.ListContacts.class,
            ContactCommand.Change.Remove.class,
            ContactCommand.Change.Block.class,
            ContactCommand.Change.Unblock.class
        })
final class ContactCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return spec.exitCodeOnInvalidInput();
    }

    /** A vCard 2.1 with just a formatted name, as Jami sends when the profile has nothing else. */
    static byte[] vcardNamed(String name) {
        return ("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:" + name + "\r\nEND:VCARD\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static final class Profile {
        @Option(names = "--vcard", paramLabel = "FILE", description = "Send this vCard with the request.")
        Path vcard;

        @Option(names = "--name", paramLabel = "NAME", description = "Send a vCard with just this name.")
        String name;

        byte[] bytes(String alias) throws IOException {
            if (vcard != null) {
                return Files.readAllBytes(vcard);
            }
            return vcardNamed(name != null ? name : alias.isEmpty() ? "carillon" : alias);
        }
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = "Send a trust request (with a vCard) to every device of an account.")
    static final class Add implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Mixin
        NetworkOptions network;

        @ArgGroup(exclusive = true)
        Profile profile = new Profile();

        @Parameters(paramLabel = "ID", description = "The account id (40 hex digits) to ask.")
        String id;

        @Override
        public Integer call() throws Exception {
            AccountId to = AccountId.parse(id);
            PrintWriter out = spec.commandLine().getOut();
            Optional<CarillonClient> found = RunningDaemon.find(options.directory());
            if (found.isPresent()) {
                try (CarillonClient daemon = found.get()) {
                    RunningDaemon.noticeIgnored(spec, NetworkOptions.NAMES);
                    JsonNode a = daemon.accountDetails(RunningDaemon.account(daemon, options.account));
                    if (to.hex().equals(a.path("id").asText())) {
                        throw new CommandError("that is this account's own id");
                    }
                    byte[] vcard = profile.bytes(a.path("alias").asText(""));
                    daemon.addContact(
                            a.path("id").asText(), to.hex(), Optional.of(new String(vcard, StandardCharsets.UTF_8)));
                    // the daemon answers once the request is stored; it reaches the peer's devices afterwards
                    out.println("trust request to " + to + " handed to the daemon: it sends it to the devices of " + to
                            + " on the DHT now, and again whenever one comes online");
                }
                return 0;
            }
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.select(options.account);
                if (to.equals(a.id())) {
                    throw new CommandError("that is this account's own id");
                }
                byte[] vcard = profile.bytes(a.alias());
                RunningDaemon.noticeNone(spec.commandLine().getErr(), accounts.directory(), network.timeout);
                int devices = Online.run(
                        accounts,
                        a,
                        network,
                        spec.commandLine().getErr(),
                        s -> s.account().sendTrustRequest(to, vcard));
                if (devices == 0) {
                    throw new java.io.IOException("no device of " + to + " is on the DHT now; the request is kept"
                            + " and sent when one of its devices is online while this account is");
                }
                out.println("trust request sent to " + to + " (" + devices + (devices == 1 ? " device)" : " devices)"));
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the account's contacts.")
    static final class ListContacts implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            List<Contact> contacts;
            Optional<CarillonClient> found = RunningDaemon.find(options.directory());
            if (found.isPresent()) {
                try (CarillonClient daemon = found.get()) {
                    contacts = DaemonViews.contacts(daemon, RunningDaemon.account(daemon, options.account));
                }
            } else {
                try (LocalAccounts accounts = options.open()) {
                    contacts = accounts.state(accounts.select(options.account)).contacts();
                }
            }
            for (Contact c : contacts) {
                String status =
                        c.banned() ? "blocked" : !c.isActive() ? "removed" : c.confirmed() ? "confirmed" : "pending";
                out.println(c.id() + "  " + status);
            }
            if (contacts.isEmpty()) {
                spec.commandLine().getErr().println("no contacts");
            }
            return 0;
        }
    }

    /** Remove, block, unblock: one account id, a change made online so the account's other devices hear of it. */
    abstract static class Change implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        AccountOptions options;

        @Mixin
        NetworkOptions network;

        @Parameters(paramLabel = "ID", description = "The contact's account id (40 hex digits).")
        String id;

        abstract java.util.concurrent.CompletableFuture<?> apply(OnlineAccount account, AccountId id);

        abstract void apply(CarillonClient daemon, String account, String contact) throws IOException;

        abstract String done();

        @Override
        public Integer call() throws Exception {
            AccountId contact = AccountId.parse(id);
            Optional<CarillonClient> found = RunningDaemon.find(options.directory());
            if (found.isPresent()) {
                try (CarillonClient daemon = found.get()) {
                    RunningDaemon.noticeIgnored(spec, NetworkOptions.NAMES);
                    apply(daemon, RunningDaemon.account(daemon, options.account), contact.hex());
                    spec.commandLine().getOut().println(done() + " " + contact);
                }
                return 0;
            }
            try (LocalAccounts accounts = options.open()) {
                LocalAccount a = accounts.select(options.account);
                RunningDaemon.noticeNone(spec.commandLine().getErr(), accounts.directory(), network.timeout);
                Online.run(accounts, a, network, spec.commandLine().getErr(), s -> apply(s.account(), contact));
                spec.commandLine().getOut().println(done() + " " + contact);
            }
            return 0;
        }

        @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a contact.")
        static final class Remove extends Change {
            @Override
            java.util.concurrent.CompletableFuture<?> apply(OnlineAccount account, AccountId id) {
                return account.removeContact(id);
            }

            @Override
            void apply(CarillonClient daemon, String account, String contact) throws IOException {
                daemon.removeContact(account, contact);
            }

            @Override
            String done() {
                return "removed";
            }
        }

        @Command(
                name = "block",
                mixinStandardHelpOptions = true,
                description = "Block an account: its requests are dropped silently.")
        static final class Block extends Change {
            @Override
            java.util.concurrent.CompletableFuture<?> apply(OnlineAccount account, AccountId id) {
                return account.block(id);
            }

            @Override
            void apply(CarillonClient daemon, String account, String contact) throws IOException {
                daemon.block(account, contact);
            }

            @Override
            String done() {
                return "blocked";
            }
        }

        @Command(name = "unblock", mixinStandardHelpOptions = true, description = "Unblock an account.")
        static final class Unblock extends Change {
            @Override
            java.util.concurrent.CompletableFuture<?> apply(OnlineAccount account, AccountId id) {
                return account.unblock(id);
            }

            @Override
            void apply(CarillonClient daemon, String account, String contact) throws IOException {
                daemon.unblock(account, contact);
            }

            @Override
            String done() {
                return "unblocked";
            }
        }
    }
}
