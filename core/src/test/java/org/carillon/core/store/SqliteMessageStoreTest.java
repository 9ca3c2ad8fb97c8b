package org.carillon.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.DeviceId;
import org.carillon.core.account.Progress;
import org.carillon.core.account.TestAccounts;
import org.carillon.core.contact.PeerDevice;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageStatus;
import org.carillon.core.message.PendingDelivery;
import org.carillon.dht.InfoHash;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteMessageStoreTest {
    private static final AccountId ME = AccountId.parse("a11ce00000000000000000000000000000000001");
    private static final AccountId OTHER_ACCOUNT = AccountId.parse("0e0e000000000000000000000000000000000009");
    private static final AccountId BOB = AccountId.parse("b0b0000000000000000000000000000000000002");
    private static final AccountId CAROL = AccountId.parse("ca20100000000000000000000000000000000003");
    private static final InfoHash MY_LAPTOP = InfoHash.fromHex("a11cef00000000000000000000000000000000f1");
    private static final InfoHash MY_PHONE = InfoHash.fromHex("a11cef00000000000000000000000000000000f2");
    private static final InfoHash BOB_PHONE = InfoHash.fromHex("b0bf0000000000000000000000000000000000f1");
    private static final InfoHash BOB_TABLET = InfoHash.fromHex("b0bf0000000000000000000000000000000000f2");
    private static final String TEXT = "text/plain";

    @TempDir
    Path tmp;

    private Path file;
    private Database db;
    private SqliteMessageStore store;
    private SqliteMessageStore otherStore;

    @BeforeEach
    void open() throws Exception {
        file = tmp.resolve("carillon.db");
        db = Database.open(file);
        AccountRecords records = new AccountRecords(db);
        records.add(new LocalAccount(ME, "me", "", 1));
        records.add(new LocalAccount(OTHER_ACCOUNT, "other", "", 1));
        store = new SqliteMessageStore(db, ME);
        otherStore = new SqliteMessageStore(db, OTHER_ACCOUNT);
    }

    @AfterEach
    void close() {
        db.close();
    }

    // ------------------------------------------------------------ messages

    @Test
    void anAccountNotOnThisMachineIsNamed() {
        AccountId stranger = AccountId.parse("5700000000000000000000000000000000000000");
        assertThatThrownBy(() -> new SqliteMessageStore(db, stranger))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(stranger.hex());
    }

    @Test
    void acceptStoresTheMessageWithItsDeliveries() {
        Message hello = outgoing(BOB, 7, 1000, 1, "hello", MessageStatus.SENDING);
        List<PendingDelivery> deliveries = List.of(delivery(hello, BOB, BOB_PHONE), delivery(hello, ME, MY_PHONE));
        store.accept(hello, deliveries);

        assertThat(store.message(BOB, 7)).contains(hello);
        assertThat(store.pending())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactlyInAnyOrderElementsOf(deliveries);
        assertThat(otherStore.message(BOB, 7)).isEmpty();
        assertThat(otherStore.pending()).isEmpty();
    }

    @Test
    void acceptStoresNothingWhenADeliveryFails() {
        Message hello = outgoing(BOB, 7, 1000, 1, "hello", MessageStatus.SENDING);
        PendingDelivery first = delivery(hello, BOB, BOB_PHONE);
        List<PendingDelivery> failingOnTheSecond = new AbstractList<>() {
            @Override
            public PendingDelivery get(int index) {
                if (index == 1) {
                    throw new IllegalStateException("the second delivery cannot be built");
                }
                return first;
            }

            @Override
            public int size() {
                return 2;
            }
        };
        assertThatThrownBy(() -> store.accept(hello, failingOnTheSecond)).isInstanceOf(IllegalStateException.class);
        assertThat(store.message(BOB, 7)).isEmpty();
        assertThat(store.pending()).isEmpty();
        assertThat(store.search(Optional.empty(), "hello", 10)).isEmpty();
    }

    @Test
    void acceptRefusesAnIdStoredAlreadyAndAnIncomingMessage() {
        Message hello = outgoing(BOB, 7, 1000, 1, "hello", MessageStatus.SENDING);
        store.accept(hello, List.of(delivery(hello, BOB, BOB_PHONE)));
        Message again = outgoing(BOB, 7, 2000, 2, "again", MessageStatus.SENDING);
        assertThatThrownBy(() -> store.accept(again, List.of(delivery(again, BOB, BOB_TABLET))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("7")
                .hasMessageContaining("stored already");
        assertThat(store.message(BOB, 7)).contains(hello);
        assertThat(store.pending()).hasSize(1);

        Message received = incoming(BOB, 8, 1000, 1, "hi", MessageStatus.RECEIVED);
        assertThatThrownBy(() -> store.accept(received, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("incoming");
        assertThat(store.message(BOB, 8)).isEmpty();
    }

    @Test
    void aReceivedMessageIsStoredOnceByPeerAndId() {
        Message hi = incoming(BOB, 42, 1000, 1, "hi", MessageStatus.RECEIVED);
        assertThat(store.addReceived(hi)).isTrue();
        assertThat(store.addReceived(incoming(BOB, 42, 5000, 9, "replayed", MessageStatus.RECEIVED)))
                .isFalse();
        assertThat(store.message(BOB, 42)).contains(hi);
        assertThat(store.search(Optional.empty(), "replayed", 10)).isEmpty();

        Message sameIdFromCarol = incoming(CAROL, 42, 1000, 1, "hi from carol", MessageStatus.RECEIVED);
        assertThat(store.addReceived(sameIdFromCarol)).isTrue();
        assertThat(store.message(CAROL, 42)).contains(sameIdFromCarol);
        assertThat(otherStore.addReceived(hi)).isTrue(); // another account's conversation
        assertThat(store.message(ME, 42)).isEmpty();
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        Message odd = new Message(
                BOB,
                -2,
                true,
                MY_PHONE,
                "application/x-odd",
                "ünïcødé 🎉\n\"quoted\"",
                -5,
                Long.MAX_VALUE,
                77,
                MessageStatus.DELIVERED,
                99,
                false);
        Message deleted = new Message(
                BOB, Long.MIN_VALUE, false, BOB_PHONE, TEXT, "", Long.MAX_VALUE, 0, 0, MessageStatus.READ, 1, true);
        assertThat(store.addReceived(odd)).isTrue();
        assertThat(store.addReceived(deleted)).isTrue();
        assertThat(store.message(BOB, -2)).contains(odd);
        assertThat(store.message(BOB, Long.MIN_VALUE)).contains(deleted);
    }

    @Test
    void statusChangesFollowCanBecomeAndNothingElse() {
        long id = 1;
        for (MessageStatus from : MessageStatus.values()) {
            for (MessageStatus to : MessageStatus.values()) {
                boolean incoming = from == MessageStatus.RECEIVED;
                Message m = incoming ? incoming(BOB, id, 1000, id, "m", from) : outgoing(BOB, id, 1000, id, "m", from);
                store.addReceived(m);
                boolean allowed = from.canBecome(to);
                assertThat(store.updateStatus(BOB, id, to))
                        .as("%s -> %s", from, to)
                        .isEqualTo(allowed);
                assertThat(store.message(BOB, id).orElseThrow().status())
                        .as("%s -> %s", from, to)
                        .isEqualTo(allowed ? to : from);
                id++;
            }
        }
        assertThat(store.updateStatus(BOB, 999_999, MessageStatus.SENT)).isFalse();
        assertThat(otherStore.updateStatus(BOB, 1, MessageStatus.SENT)).isFalse(); // only ME has it
    }

    @Test
    void markReadUpToReadsTheUnreadOnesOfOneDirectionInSendOrder() {
        Message m1 = incoming(BOB, 10, 1000, 1, "one", MessageStatus.RECEIVED);
        Message m2 = incoming(BOB, 11, 1000, 2, "two", MessageStatus.READ);
        Message m3 = incoming(BOB, 12, 1001, 1, "three", MessageStatus.RECEIVED);
        Message m4 = incoming(BOB, 13, 1002, 1, "four", MessageStatus.RECEIVED);
        Message m5 = incoming(BOB, 14, 1003, 1, "five", MessageStatus.RECEIVED);
        Message mine = outgoing(BOB, 15, 999, 1, "mine", MessageStatus.DELIVERED);
        Message carols = incoming(CAROL, 16, 999, 1, "carol's", MessageStatus.RECEIVED);
        for (Message m : List.of(m5, m4, m3, m2, m1, mine, carols)) {
            store.addReceived(m);
        }
        assertThat(store.unreadCount(BOB)).isEqualTo(4);

        assertThat(store.markReadUpTo(BOB, false, m4))
                .containsExactly(
                        m1.withStatus(MessageStatus.READ),
                        m3.withStatus(MessageStatus.READ),
                        m4.withStatus(MessageStatus.READ));
        assertThat(store.unreadCount(BOB)).isEqualTo(1);
        assertThat(store.message(BOB, 14)).contains(m5);
        assertThat(store.message(BOB, 15)).contains(mine);
        assertThat(store.message(CAROL, 16)).contains(carols);
        assertThat(store.markReadUpTo(BOB, false, m4)).isEmpty();
    }

    @Test
    void markReadUpToMovesOutgoingMessagesForwardAndLeavesFailedOnes() {
        Message sending = outgoing(BOB, 1, 1000, 1, "a", MessageStatus.SENDING);
        Message sent = outgoing(BOB, 2, 1000, 2, "b", MessageStatus.SENT);
        Message failed = outgoing(BOB, 3, 1000, 3, "c", MessageStatus.FAILED);
        Message delivered = outgoing(BOB, 4, 1000, 4, "d", MessageStatus.DELIVERED);
        Message read = outgoing(BOB, 5, 1000, 5, "e", MessageStatus.READ);
        Message later = outgoing(BOB, 6, 1001, 1, "f", MessageStatus.DELIVERED);
        Message theirs = incoming(BOB, 7, 900, 1, "g", MessageStatus.RECEIVED);
        for (Message m : List.of(sending, sent, failed, delivered, read, later, theirs)) {
            store.addReceived(m);
        }
        assertThat(store.markReadUpTo(BOB, true, read))
                .containsExactly(
                        sending.withStatus(MessageStatus.READ),
                        sent.withStatus(MessageStatus.READ),
                        delivered.withStatus(MessageStatus.READ));
        assertThat(store.message(BOB, 3)).contains(failed);
        assertThat(store.message(BOB, 6)).contains(later);
        assertThat(store.message(BOB, 7)).contains(theirs);
    }

    @Test
    void idsOrderAsUnsignedNumbers() {
        // same millisecond, same seq: only the id orders them, and 0x8000… comes after 0x7fff…
        long[] unsignedOrder = {0, 1, Long.MAX_VALUE, Long.MIN_VALUE, -2, -1};
        List<Long> shuffled = new ArrayList<>();
        for (long id : unsignedOrder) {
            shuffled.add(id);
        }
        Collections.shuffle(shuffled, new Random(8));
        for (long id : shuffled) {
            store.addReceived(
                    incoming(BOB, id, 1000, 5, "id " + Long.toUnsignedString(id, 16), MessageStatus.RECEIVED));
        }
        assertThat(store.history(BOB, Optional.empty(), 10))
                .extracting(Message::id)
                .containsExactly(0L, 1L, Long.MAX_VALUE, Long.MIN_VALUE, -2L, -1L);
        Message firstNegative = store.message(BOB, Long.MIN_VALUE).orElseThrow();
        assertThat(store.history(BOB, Optional.of(firstNegative), 10))
                .extracting(Message::id)
                .containsExactly(0L, 1L, Long.MAX_VALUE);
        assertThat(store.markReadUpTo(BOB, false, firstNegative))
                .extracting(Message::id)
                .containsExactly(0L, 1L, Long.MAX_VALUE, Long.MIN_VALUE);
        assertThat(store.search(Optional.of(BOB), "id", 10))
                .extracting(Message::id)
                .containsExactly(-1L, -2L, Long.MIN_VALUE, Long.MAX_VALUE, 1L, 0L);
    }

    @Test
    void pagingBackwardsThroughAThousandMessagesGivesEachOnceInSendOrder() {
        Random random = new Random(1000);
        List<Message> all = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        while (all.size() < 1000) {
            long id = random.nextLong();
            if (!ids.add(id)) {
                continue;
            }
            // few distinct milliseconds and seqs, so ties are common and the id decides often
            long sent = 1_700_000_000_000L + random.nextInt(40);
            long seq = random.nextInt(3);
            boolean mine = random.nextBoolean();
            all.add(
                    mine
                            ? outgoing(BOB, id, sent, seq, "message " + all.size(), MessageStatus.SENT)
                            : incoming(BOB, id, sent, seq, "message " + all.size(), MessageStatus.RECEIVED));
            store.addReceived(incoming(CAROL, id, sent, seq, "noise", MessageStatus.RECEIVED));
        }
        db.inTransaction(c -> {
            all.forEach(store::addReceived);
            return null;
        });
        List<Message> expected = new ArrayList<>(all);
        expected.sort(Comparator.comparingLong(Message::sentMillis)
                .thenComparingLong(Message::seq)
                .thenComparing(Message::id, Long::compareUnsigned));

        List<Message> seen = new ArrayList<>();
        Optional<Message> before = Optional.empty();
        int pages = 0;
        while (pages++ < 100) {
            List<Message> page = store.history(BOB, before, 37);
            if (page.isEmpty()) {
                break;
            }
            assertThat(page).hasSizeLessThanOrEqualTo(37);
            seen.addAll(0, page);
            before = Optional.of(page.get(0));
        }
        assertThat(pages).isEqualTo(29); // 28 pages of up to 37, then an empty one
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(store.history(BOB, Optional.empty(), 3)).containsExactlyElementsOf(expected.subList(997, 1000));
        assertThat(store.history(BOB, Optional.empty(), 0)).isEmpty();
        assertThatThrownBy(() -> store.history(BOB, Optional.empty(), -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void editReplacesTheBodyAndDeleteEmptiesIt() {
        Message hello = incoming(BOB, 5, 1000, 1, "hello wrold", MessageStatus.RECEIVED);
        store.addReceived(hello);
        assertThat(store.edit(BOB, 5, "hello world", 2000, false)).isTrue();
        assertThat(store.message(BOB, 5)).contains(hello.edited("hello world", 2000, false));
        assertThat(store.search(Optional.empty(), "world", 10))
                .extracting(Message::id)
                .containsExactly(5L);
        assertThat(store.search(Optional.empty(), "wrold", 10)).isEmpty();

        assertThat(store.edit(BOB, 5, "ignored", 3000, true)).isTrue();
        assertThat(store.message(BOB, 5)).contains(hello.edited("", 3000, true));
        assertThat(store.search(Optional.empty(), "hello", 10)).isEmpty();

        assertThat(store.edit(BOB, 6, "x", 1, false)).isFalse();
        assertThat(otherStore.edit(BOB, 5, "x", 1, false)).isFalse();
        assertThat(ftsIntegrity()).isTrue();
    }

    @Test
    void unreadCountCountsIncomingMessagesNotReadYet() {
        assertThat(store.unreadCount(BOB)).isZero();
        store.addReceived(incoming(BOB, 1, 1000, 1, "a", MessageStatus.RECEIVED));
        store.addReceived(incoming(BOB, 2, 1001, 1, "b", MessageStatus.RECEIVED));
        store.addReceived(incoming(BOB, 3, 1002, 1, "c", MessageStatus.READ));
        store.addReceived(outgoing(BOB, 4, 1003, 1, "d", MessageStatus.SENT));
        store.addReceived(incoming(CAROL, 5, 1003, 1, "e", MessageStatus.RECEIVED));
        assertThat(store.unreadCount(BOB)).isEqualTo(2);
        store.updateStatus(BOB, 1, MessageStatus.READ);
        assertThat(store.unreadCount(BOB)).isEqualTo(1);
        assertThat(store.unreadCount(CAROL)).isEqualTo(1);
        assertThat(otherStore.unreadCount(BOB)).isZero();
    }

    @Test
    void lastSequenceIsTheHighestSeqADeviceWrote() {
        assertThat(store.lastSequence(MY_LAPTOP)).isZero();
        store.addReceived(outgoing(BOB, 1, 1000, 4, "a", MessageStatus.SENT));
        store.addReceived(outgoing(CAROL, 2, 1001, 9, "b", MessageStatus.SENT));
        store.addReceived(outgoing(BOB, 3, 1002, 6, "c", MessageStatus.SENT));
        store.addReceived(incoming(BOB, 4, 1003, 50, "d", MessageStatus.RECEIVED));
        store.addReceived(new Message(
                BOB, 5, true, MY_PHONE, TEXT, "from my phone", 1004, 70, 1004, MessageStatus.SENT, 0, false));
        assertThat(store.lastSequence(MY_LAPTOP)).isEqualTo(9);
        assertThat(store.lastSequence(MY_PHONE)).isEqualTo(70);
        assertThat(store.lastSequence(BOB_PHONE)).isEqualTo(50);
        assertThat(otherStore.lastSequence(MY_LAPTOP)).isZero();
    }

    // ------------------------------------------------------------ search

    @Test
    void searchMatchesEveryWordAsAPrefixInAnyCaseNewestFirst() {
        store.addReceived(incoming(BOB, 1, 1000, 1, "Hello world", MessageStatus.RECEIVED));
        store.addReceived(outgoing(BOB, 2, 2000, 1, "hello there, worldly one", MessageStatus.SENT));
        store.addReceived(incoming(CAROL, 3, 3000, 1, "HELLO from Carol", MessageStatus.RECEIVED));
        store.addReceived(incoming(BOB, 4, 4000, 1, "unrelated", MessageStatus.RECEIVED));
        otherStore.addReceived(incoming(BOB, 5, 5000, 1, "hello world, other account", MessageStatus.RECEIVED));

        assertThat(store.search(Optional.empty(), "hel", 10))
                .extracting(Message::id)
                .containsExactly(3L, 2L, 1L);
        assertThat(store.search(Optional.empty(), "WOR hello", 10))
                .extracting(Message::id)
                .containsExactly(2L, 1L);
        assertThat(store.search(Optional.of(BOB), "hello", 10))
                .extracting(Message::id)
                .containsExactly(2L, 1L);
        assertThat(store.search(Optional.empty(), "hello", 2))
                .extracting(Message::id)
                .containsExactly(3L, 2L);
        assertThat(store.search(Optional.empty(), "hello", 0)).isEmpty();
        assertThat(store.search(Optional.empty(), "ello", 10)).isEmpty(); // prefixes, not substrings
        assertThat(store.search(Optional.empty(), "hello nothing", 10)).isEmpty();
        assertThat(otherStore.search(Optional.empty(), "hello", 10))
                .extracting(Message::id)
                .containsExactly(5L);
    }

    @Test
    void searchFindsUnicodeText() {
        store.addReceived(incoming(BOB, 1, 1000, 1, "Un café crème à Zürich", MessageStatus.RECEIVED));
        store.addReceived(incoming(BOB, 2, 2000, 1, "party 🎉 tonight 👍🏽", MessageStatus.RECEIVED));
        store.addReceived(incoming(BOB, 3, 3000, 1, "日本語 テキスト", MessageStatus.RECEIVED));
        store.addReceived(incoming(BOB, 4, 4000, 1, "ΚΑΛΗΜΕΡΑ κόσμε", MessageStatus.RECEIVED));

        assertThat(ids("CAFÉ")).containsExactly(1L);
        assertThat(ids("cafe creme zurich")).containsExactly(1L);
        assertThat(ids("🎉")).containsExactly(2L);
        assertThat(ids("👍")).containsExactly(2L);
        assertThat(ids("日本")).containsExactly(3L);
        assertThat(ids("テキスト")).containsExactly(3L);
        assertThat(ids("καλημ")).containsExactly(4L);
        assertThat(ids("ΚΌΣΜΕ")).containsExactly(4L);
        assertThat(ids("κοσμε")).isEmpty(); // unicode61 drops the diacritics of Latin letters only
    }

    @Test
    void searchReadsHostileInputAsPlainWords() {
        store.addReceived(incoming(BOB, 1, 1000, 1, "NEAR(x y) AND z - OR NOT", MessageStatus.RECEIVED));
        store.addReceived(incoming(BOB, 2, 2000, 1, "hello world", MessageStatus.RECEIVED));
        store.addReceived(incoming(BOB, 3, 3000, 1, "she said \"hi\" * body:test ^start", MessageStatus.RECEIVED));
        store.addReceived(incoming(BOB, 4, 4000, 1, "android notebook ornament", MessageStatus.RECEIVED));

        // operators are words, and words are prefixes
        assertThat(ids("AND")).containsExactly(4L, 1L);
        assertThat(ids("NEAR(")).containsExactly(1L);
        assertThat(ids("NEAR(x")).containsExactly(1L); // "near" and "x", in this order in the message
        assertThat(ids("OR")).containsExactly(4L, 1L);
        assertThat(ids("NOT")).containsExactly(4L, 1L);
        assertThat(ids("hello OR nothing")).isEmpty(); // not a disjunction
        assertThat(ids("hello NOT world")).isEmpty(); // not an exclusion
        assertThat(ids("-world")).containsExactly(2L); // not an exclusion either
        assertThat(ids("world -")).containsExactly(2L);
        assertThat(ids("\"hi\"")).containsExactly(3L);
        assertThat(ids("body:test")).containsExactly(3L); // not a column filter
        assertThat(ids("^start")).containsExactly(3L); // not an anchor
        assertThat(ids("hel*")).containsExactly(2L);
        assertThat(ids("'; DROP TABLE messages; --")).isEmpty();

        for (String nothing : List.of("", "   ", "\"", "\"\"", "*", "-", "(", ")", "NEAR(", "\t\n", "\0", ":", "^")) {
            if (nothing.equals("NEAR(")) {
                continue; // a word: covered above
            }
            assertThat(ids(nothing)).as("search for [%s]", nothing).isEmpty();
        }
        assertThat(ids("hello\0world")).containsExactly(2L);
        assertThat(ids("\uD800hello")).containsExactly(2L); // a lone surrogate does not break the query
        assertThatThrownBy(() -> store.search(Optional.empty(), "a ".repeat(65), 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("65");
        assertThat(store.history(BOB, Optional.empty(), 10)).hasSize(4); // and the table is still there
    }

    private List<Long> ids(String words) {
        return store.search(Optional.empty(), words, 10).stream()
                .map(Message::id)
                .toList();
    }

    // ------------------------------------------------------------ deliveries owed

    @Test
    void deliveriesAreAddedAndRemoved() {
        Message hello = outgoing(BOB, 7, 1000, 1, "hello", MessageStatus.SENDING);
        PendingDelivery toPhone = delivery(hello, BOB, BOB_PHONE);
        store.accept(hello, List.of(toPhone));
        PendingDelivery toTablet = delivery(hello, BOB, BOB_TABLET);
        PendingDelivery emptyReceipt = new PendingDelivery(BOB, -99, BOB, BOB_PHONE, new byte[0], 1, 2, 3, 0);
        store.addPending(List.of(toTablet, emptyReceipt));
        store.addPending(List.of(toPhone.rescheduled(123_456, 9))); // owed already: kept as it was
        assertThat(store.pending())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactlyInAnyOrder(toPhone, toTablet, emptyReceipt);

        assertThat(store.removePending(7, BOB_PHONE)).isTrue();
        assertThat(store.removePending(7, BOB_PHONE)).isFalse();
        assertThat(otherStore.removePending(7, BOB_TABLET)).isFalse();
        assertThat(store.pending())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactlyInAnyOrder(toTablet, emptyReceipt);
        assertThat(otherStore.pending()).isEmpty();
    }

    // ------------------------------------------------------------ contacts' devices

    @Test
    void devicesAreSavedWithTheirChainsAndRebuilt() throws Exception {
        AccountKeys alice = TestAccounts.alice();
        AccountKeys aliceTablet = TestAccounts.generator().newDevice(alice, "alice's tablet", Progress.NONE);
        PeerDevice laptop = new PeerDevice(alice.accountId(), alice.deviceId(), alice.deviceChain());
        PeerDevice tablet = new PeerDevice(alice.accountId(), aliceTablet.deviceId(), aliceTablet.deviceChain());
        store.saveDevice(laptop);
        store.saveDevice(tablet);
        store.saveDevice(laptop); // replaced, not doubled

        List<PeerDevice> expected = new ArrayList<>(List.of(laptop, tablet));
        expected.sort(Comparator.comparing(d -> d.id().shortId()));
        assertThat(store.devices(alice.accountId())).containsExactlyElementsOf(expected);
        assertThat(store.devices(BOB)).isEmpty();
        assertThat(otherStore.devices(alice.accountId())).isEmpty();

        PeerDevice mislabelled =
                new PeerDevice(alice.accountId(), new DeviceId(BOB_PHONE, "00".repeat(32)), alice.deviceChain());
        assertThatThrownBy(() -> store.saveDevice(mislabelled))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BOB_PHONE.toString());
        assertThat(store.devices(alice.accountId())).hasSize(2);
    }

    // ------------------------------------------------------------ durability and schema

    @Test
    void everythingSurvivesClosingAndReopening() throws Exception {
        AccountKeys alice = TestAccounts.alice();
        PeerDevice laptop = new PeerDevice(alice.accountId(), alice.deviceId(), alice.deviceChain());
        Message hello = outgoing(BOB, -7, 1000, 1, "hello again", MessageStatus.SENDING);
        PendingDelivery toPhone = delivery(hello, BOB, BOB_PHONE);
        store.accept(hello, List.of(toPhone));
        Message hi = incoming(BOB, 8, 2000, 1, "hi", MessageStatus.RECEIVED);
        store.addReceived(hi);
        store.saveDevice(laptop);
        db.close();

        db = Database.open(file);
        store = new SqliteMessageStore(db, ME);
        assertThat(store.history(BOB, Optional.empty(), 10)).containsExactly(hello, hi);
        assertThat(store.pending())
                .usingRecursiveFieldByFieldElementComparator()
                .containsExactly(toPhone);
        assertThat(store.devices(alice.accountId())).containsExactly(laptop);
        assertThat(store.search(Optional.of(BOB), "aga", 10)).containsExactly(hello);
        assertThat(store.unreadCount(BOB)).isEqualTo(1);
        assertThat(db.integrityCheck()).isEqualTo("ok");
        assertThat(ftsIntegrity()).isTrue();
    }

    @Test
    void removingTheAccountRemovesItsMessagesFromTheIndexToo() {
        Message hello = outgoing(BOB, 7, 1000, 1, "hello", MessageStatus.SENDING);
        store.accept(hello, List.of(delivery(hello, BOB, BOB_PHONE)));
        otherStore.addReceived(incoming(BOB, 7, 1000, 1, "hello", MessageStatus.RECEIVED));
        assertThat(new AccountRecords(db).remove(ME)).isTrue();

        assertThat(count("SELECT count(*) FROM messages")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM pending_deliveries")).isZero();
        assertThat(count("SELECT count(*) FROM message_text WHERE message_text MATCH 'hello'"))
                .isEqualTo(1);
        assertThat(ftsIntegrity()).isTrue();
    }

    @Test
    void historyAndMarkReadWalkTheOrderIndex() {
        assertThat(plan("SELECT id FROM messages WHERE account_id = 'x' AND peer_id = 'y'"
                        + " AND (sent_ms, seq, id_order) < (1, 2, 3) ORDER BY sent_ms DESC, seq DESC, id_order DESC"))
                .contains("messages_in_order")
                .doesNotContain("TEMP B-TREE");
        assertThat(plan("SELECT id FROM messages WHERE account_id = 'x' AND peer_id = 'y' AND outgoing = 0"
                        + " AND status NOT IN ('READ', 'FAILED')"
                        + " AND status IN ('SENDING', 'SENT', 'DELIVERED', 'RECEIVED')"
                        + " AND (sent_ms, seq, id_order) <= (1, 2, 3)"
                        + " ORDER BY sent_ms, seq, id_order"))
                .contains("messages_not_read")
                .doesNotContain("TEMP B-TREE");
    }

    @Test
    void aVersionOneDatabaseUpgradesAndKeepsItsAccounts() throws Exception {
        Path old = tmp.resolve("version-1.db");
        // what the released code wrote: migration 1 only, with an account and a contact
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + old);
                Statement s = c.createStatement()) {
            for (String sql : Schema.MIGRATIONS.get(0)) {
                s.execute(sql);
            }
            s.execute("PRAGMA user_version = 1");
            s.execute("INSERT INTO accounts VALUES ('" + ME.hex() + "', 'me', 'laptop', 1700000000)");
            s.execute("INSERT INTO contacts VALUES ('" + ME.hex() + "', '" + BOB.hex() + "', 5, 0, 1, 0, '')");
        }
        try (Database upgraded = Database.open(old)) {
            assertThat(upgraded.schemaVersion())
                    .isEqualTo(Database.SCHEMA_VERSION)
                    .isEqualTo(2);
            assertThat(new AccountRecords(upgraded).list())
                    .containsExactly(new LocalAccount(ME, "me", "laptop", 1_700_000_000L));
            assertThat(new SqliteAccountState(upgraded, ME).contacts()).hasSize(1);
            SqliteMessageStore messages = new SqliteMessageStore(upgraded, ME);
            Message hi = incoming(BOB, 1, 1000, 1, "first message after the upgrade", MessageStatus.RECEIVED);
            assertThat(messages.addReceived(hi)).isTrue();
            assertThat(messages.search(Optional.empty(), "upgrade", 1)).containsExactly(hi);
            assertThat(upgraded.integrityCheck()).isEqualTo("ok");
        }
    }

    // ------------------------------------------------------------ helpers

    private static Message outgoing(AccountId peer, long id, long sent, long seq, String body, MessageStatus status) {
        return new Message(peer, id, true, MY_LAPTOP, TEXT, body, sent, seq, sent + 1, status, 0, false);
    }

    private static Message incoming(AccountId peer, long id, long sent, long seq, String body, MessageStatus status) {
        return new Message(peer, id, false, BOB_PHONE, TEXT, body, sent, seq, sent + 5, status, 0, false);
    }

    private static PendingDelivery delivery(Message m, AccountId recipient, InfoHash device) {
        byte[] payload = (m.body() + " for " + device).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return new PendingDelivery(
                m.peer(),
                m.id(),
                recipient,
                device,
                payload,
                m.sentMillis(),
                m.sentMillis() + 30_000,
                m.sentMillis(),
                0);
    }

    /** FTS5's own check, comparing the index with the bodies in messages (rank 1: the content too). */
    private boolean ftsIntegrity() {
        return db.inTransaction(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("INSERT INTO message_text (message_text, rank) VALUES ('integrity-check', 1)");
                return true;
            }
        });
    }

    private long count(String sql) {
        return db.inTransaction(c -> {
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery(sql)) {
                return r.getLong(1);
            }
        });
    }

    private String plan(String sql) {
        return db.inTransaction(c -> {
            StringBuilder out = new StringBuilder();
            try (Statement s = c.createStatement();
                    ResultSet r = s.executeQuery("EXPLAIN QUERY PLAN " + sql)) {
                while (r.next()) {
                    out.append(r.getString(4)).append('\n');
                }
            }
            return out.toString();
        });
    }
}
