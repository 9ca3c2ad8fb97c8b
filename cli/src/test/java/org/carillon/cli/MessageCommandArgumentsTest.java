package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carillon.cli.CliRun.carillon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carillon.core.account.AccountId;
import org.carillon.core.contact.Contact;
import org.carillon.core.local.LocalAccounts;
import org.carillon.core.message.Messenger;
import org.carillon.core.store.DataDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the message commands refuse before they go anywhere near the network: each says what
 * is wrong and exits non-zero. The network options point at a port nobody listens on, so a
 * command that wrongly went online would fail differently.
 */
class MessageCommandArgumentsTest {
    private static final String BOB = "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0";
    private static final String EVE = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
    private static final String STRANGER = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    static Path tmp;

    private static String self;

    @BeforeAll
    static void anAccountWithAContactAndABlockedOne() throws Exception {
        CliRun created = carillon("account", "create", "--key-bits", "2048", "--data-dir", dir());
        Matcher m = Pattern.compile("created account ([0-9a-f]{40})").matcher(created.out());
        assertThat(m.find()).as(created.err()).isTrue();
        self = m.group(1);
        try (LocalAccounts accounts = LocalAccounts.open(DataDirectory.resolve(System.getenv(), tmp))) {
            var state = accounts.state(accounts.select(null));
            state.saveContact(new Contact(AccountId.parse(BOB), 10, 0, true, false, ""));
            state.saveContact(new Contact(AccountId.parse(EVE), 10, 0, true, true, ""));
        }
    }

    private static String dir() {
        return tmp.toString();
    }

    private static CliRun refused(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data-dir", dir()));
        if (args[0].equals("chat") || args[1].equals("send")) {
            all.addAll(List.of("--bootstrap", "127.0.0.1:9", "--bind", "127.0.0.1", "--timeout", "1s"));
        }
        CliRun run = carillon(all.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.out() + run.err()).isNotZero();
        assertThat(run.out()).isEmpty();
        return run;
    }

    @Test
    void anUnknownContactIsNamedInTheError() {
        assertThat(refused("message", "send", "bobby", "hi").err())
                .contains("message send: unknown contact 'bobby': give its account id");
        assertThat(refused("message", "send", "ffff", "hi").err()).contains("unknown contact 'ffff'");
        assertThat(refused("message", "list", "ffff").err()).contains("unknown contact 'ffff'");
        assertThat(refused("chat", "ffff").err()).contains("chat: unknown contact 'ffff'");
    }

    @Test
    void anAccountThatIsNotAContactIsRefused() {
        assertThat(refused("message", "send", STRANGER, "hi").err())
                .contains(STRANGER + " is not a contact of this account");
        assertThat(refused("chat", STRANGER).err()).contains(STRANGER + " is not a contact of this account");
        assertThat(refused("message", "send", self, "hi").err()).contains("that is this account's own id");
        assertThat(refused("message", "send", EVE, "hi").err()).contains(EVE + " is blocked");
    }

    @Test
    void emptyOrTooLargeTextIsRefused() {
        assertThat(refused("message", "send", BOB, "").err()).contains("empty message: there is nothing to send");
        assertThat(refused("message", "send", BOB, "   ").err()).contains("empty message");
        assertThat(refused("message", "send", BOB).err()).contains("no text given");
        String large = "é".repeat(Messenger.MAX_TEXT_BYTES / 2 + 1);
        assertThat(refused("message", "send", BOB, large).err())
                .contains("the message is too large: " + (Messenger.MAX_TEXT_BYTES + 2)
                        + " bytes of UTF-8 text, at most " + Messenger.MAX_TEXT_BYTES);
        assertThat(refused("message", "send", "--stdin", BOB, "and text").err())
                .contains("give the text as arguments or with --stdin, not both");
    }

    @Test
    void badPagingAndSearchArgumentsAreRefused() {
        assertThat(refused("message", "list", BOB, "--limit", "0").err()).contains("--limit must be between 1 and");
        assertThat(refused("message", "list", BOB, "--limit", "x").err())
                .contains("Invalid value for option '--limit'");
        assertThat(refused("message", "list", BOB, "--before", "xyz").err())
                .contains("'xyz' is not a message id: expected up to 16 hexadecimal digits");
        assertThat(refused("message", "list", BOB, "--before", "1234").err())
                .contains("no message 1234 in the conversation with " + BOB);
        assertThat(refused("message", "search", " ").err()).contains("nothing to search for");
        assertThat(refused("message", "search").err()).contains("Missing required parameter");
        assertThat(refused("message", "frobnicate").err()).contains("Unmatched argument");
    }

    @Test
    void everyCommandHasHelp() {
        for (List<String> command : List.of(
                List.of("message"),
                List.of("message", "send"),
                List.of("message", "list"),
                List.of("message", "search"),
                List.of("chat"))) {
            List<String> args = new ArrayList<>(command);
            args.add("--help");
            CliRun help = carillon(args.toArray(String[]::new));
            assertThat(help.exitCode()).isZero();
            assertThat(help.out()).contains("Usage: carillon " + String.join(" ", command));
        }
        assertThat(carillon("message", "send", "--help").out())
                .contains("--stdin")
                .contains("accepted ID");
        assertThat(carillon("message", "list", "--help").out())
                .contains("--before")
                .contains("--sync");
        assertThat(carillon("chat", "--help").out()).contains("/edit N TEXT");
    }

    @Test
    void listingAnEmptyConversationSaysSoWithoutFailing() {
        List<String> args = List.of("message", "list", BOB, "--data-dir", dir());
        CliRun run = carillon(args.toArray(String[]::new));
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("no messages with " + BOB);
    }
}
