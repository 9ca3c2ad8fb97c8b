package org.carillon.core.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.Progress;
import org.carillon.core.account.TestAccounts;
import org.carillon.core.contact.OnlineAccount;
import org.carillon.core.message.SimulatedMessaging.Device;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.sim.Simulation;
import org.carillon.dht.sim.SimulationSeed;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two accounts exchanging messages on a simulated network of 30 nodes, in virtual time. */
class MessengerSimulationTest {
    @RegisterExtension
    static final SimulationSeed SEED = new SimulationSeed(8_2026L);

    private static AccountKeys bobLaptop;

    SimulatedMessaging net;
    Simulation sim;

    static synchronized AccountKeys bobLaptop() {
        if (bobLaptop == null) {
            bobLaptop = TestAccounts.generator().newDevice(TestAccounts.bob(), "bob's laptop", Progress.NONE);
        }
        return bobLaptop;
    }

    @BeforeEach
    void network() {
        net = new SimulatedMessaging(SEED.get());
        sim = net.sim;
    }

    Device device(AccountKeys keys, int node) {
        return net.device(keys, node);
    }

    <T> T await(CompletableFuture<T> f) {
        return net.await(f);
    }

    void contacts(Device a, Device b) {
        net.contacts(a, b);
    }

    @Test
    void messageGoesThroughSentDeliveredRead() {
        Device alice = device(TestAccounts.alice(), 3);
        Device bob = device(TestAccounts.bob(), 17);
        contacts(alice, bob);

        Message hello = alice.messenger.send(bob.id(), "hello bob");
        assertThat(hello.status()).isEqualTo(MessageStatus.SENDING);
        assertThat(alice.store.message(bob.id(), hello.id()))
                .hasValueSatisfying(m -> assertThat(m.status()).isEqualTo(MessageStatus.SENDING));
        await(alice.messenger.delivered(bob.id(), hello.id()));

        assertThat(bob.heard.messages).singleElement().satisfies(m -> {
            assertThat(m.body()).isEqualTo("hello bob");
            assertThat(m.id()).isEqualTo(hello.id());
            assertThat(m.peer()).isEqualTo(alice.id());
            assertThat(m.outgoing()).isFalse();
            assertThat(m.datatype()).isEqualTo("text/plain");
            assertThat(m.sentMillis()).isEqualTo(hello.sentMillis());
            assertThat(m.status()).isEqualTo(MessageStatus.RECEIVED);
        });
        assertThat(bob.store.unreadCount(alice.id())).isEqualTo(1);
        assertThat(alice.heard.statuses).containsExactly(hello.idHex() + "=SENT", hello.idHex() + "=DELIVERED");
        assertThat(alice.messenger.owedDeliveries()).isZero();

        bob.messenger.markRead(alice.id());
        assertThat(bob.store.unreadCount(alice.id())).isZero();
        sim.clock().runUntil(() -> alice.heard.statuses.contains(hello.idHex() + "=READ"), 60_000);
        assertThat(alice.store.message(bob.id(), hello.id()))
                .hasValueSatisfying(m -> assertThat(m.status()).isEqualTo(MessageStatus.READ));
        sim.clock().runFor(10_000);
        assertThat(bob.messenger.owedDeliveries())
                .as("the receipt was acknowledged")
                .isZero();
        assertThat(alice.heard.refused).isEmpty();
        assertThat(bob.heard.refused).isEmpty();
    }

    @Test
    void messagesDatedOnlyToTheSecondAreOrderedByArrivalWithinIt() {
        Device alice = device(TestAccounts.alice(), 3);
        Device bob = device(TestAccounts.bob(), 17);
        contacts(alice, bob);
        sim.clock().runFor(1000 - sim.clock().now() % 1000 + 1);
        long second = sim.clock().now() / 1000;
        InfoHash bobsInbox = OnlineAccount.inboxOf(bob.keys.deviceId().shortId());
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Message question = bob.messenger.send(alice.id(), "bob asks " + i);
            written.add(question.body());
            sim.clock().runUntil(() -> alice.heard.messages.stream().anyMatch(m -> m.id() == question.id()), 5_000);
            // answered as jamid writes: dated to the second, no ts or seq; the ids fall, so id order is the wrong one
            long id = 1000 - i;
            Value answer = alice.dht.seal(
                    Value.of(
                            0,
                            ImMessage.TYPE,
                            ImMessage.text(id, "alice answers " + i, second).encode()),
                    bob.keys.device().key().getPublic());
            await(alice.dht.put(bobsInbox, answer, false));
            sim.clock().runUntil(() -> bob.heard.messages.stream().anyMatch(m -> m.id() == id), 5_000);
            written.add("alice answers " + i);
        }
        assertThat(sim.clock().now() / 1000)
                .as("the conversation fits in one second")
                .isEqualTo(second);
        assertThat(SimulatedMessaging.bodies(bob.messenger.history(alice.id(), Optional.empty(), 10)))
                .containsExactlyElementsOf(written);
    }

    @Test
    void thousandMessagesThroughFivePercentLossArriveOnceInSendOrder() {
        sim.network().loss(0.05).latency(20, 120);
        Device alice = device(TestAccounts.alice(), 4);
        Device bob = device(TestAccounts.bob(), 21);
        contacts(alice, bob);

        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String text = "message " + i;
            alice.messenger.send(bob.id(), text);
            sent.add(text);
            sim.clock().runFor(100); // a fast typist: 10 messages a second
        }
        long wall = System.nanoTime();
        long virtual = sim.clock().now();
        sim.clock().runUntil(() -> alice.messenger.owedDeliveries() == 0, 3_600_000);
        System.out.printf(
                "1000 messages: all acknowledged %d s after the last was sent (%d ms of wall time), refusals %s%n",
                (sim.clock().now() - virtual) / 1000, (System.nanoTime() - wall) / 1_000_000, bob.messenger.refusals());

        assertThat(alice.messenger.owedDeliveries()).isZero();
        assertThat(SimulatedMessaging.bodies(bob.store.conversation(alice.id())))
                .isEqualTo(sent);
        assertThat(bob.heard.messages).hasSize(1000); // each reported once, whatever the copies
        assertThat(SimulatedMessaging.bodies(alice.store.conversation(bob.id())))
                .isEqualTo(sent);
        assertThat(alice.store.conversation(bob.id()))
                .extracting(Message::status)
                .containsOnly(MessageStatus.DELIVERED);
        assertThat(bob.heard.refused).allMatch(r -> r.startsWith("rate-limited"));
    }

    @Test
    void recipientOfflineForSixHoursGetsEverythingWithinAMinuteOfReturning() {
        Device alice = device(TestAccounts.alice(), 5);
        Device bob = device(TestAccounts.bob(), 23);
        contacts(alice, bob);
        await(alice.messenger.delivered(
                bob.id(), alice.messenger.send(bob.id(), "before").id()));

        bob.stop();
        List<String> sent = new ArrayList<>();
        for (int hour = 0; hour < 6; hour++) {
            for (int i = 0; i < 5; i++) {
                String text = "hour " + hour + " #" + i;
                alice.messenger.send(bob.id(), text);
                sent.add(text);
                sim.clock().runFor(60_000);
            }
            sim.clock().runFor(3_600_000 - 5 * 60_000);
        }
        assertThat(alice.store.conversation(bob.id()))
                .filteredOn(m -> !m.body().equals("before"))
                .extracting(Message::status)
                .containsOnly(MessageStatus.SENT);

        long back = sim.clock().now();
        bob.start();
        sim.clock().runUntil(() -> bob.store.conversation(alice.id()).size() == 31, 60_000);
        assertThat(sim.clock().now() - back)
                .as("delivered within a minute of coming back")
                .isLessThanOrEqualTo(60_000);
        List<String> expected = new ArrayList<>(List.of("before"));
        expected.addAll(sent);
        assertThat(SimulatedMessaging.bodies(bob.store.conversation(alice.id())))
                .isEqualTo(expected);
        sim.clock().runUntil(() -> alice.messenger.owedDeliveries() == 0, 120_000);
        assertThat(alice.store.conversation(bob.id()))
                .extracting(Message::status)
                .containsOnly(MessageStatus.DELIVERED);
    }

    @Test
    void senderRestartedMidwayStillDeliversItsPendingMessages() {
        Device alice = device(TestAccounts.alice(), 6);
        Device bob = device(TestAccounts.bob(), 19);
        contacts(alice, bob);
        bob.stop();

        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sent.add("pending " + i);
            alice.messenger.send(bob.id(), "pending " + i);
        }
        sim.clock().runFor(30_000);
        alice.stop(); // the process ends; its store is what a restarted one finds
        assertThat(alice.store.pending()).hasSize(20);
        sim.clock().runFor(3_600_000);

        alice.start();
        bob.start();
        sim.clock().runUntil(() -> alice.messenger.owedDeliveries() == 0, 300_000);
        assertThat(SimulatedMessaging.bodies(bob.store.conversation(alice.id())))
                .isEqualTo(sent);
        assertThat(bob.heard.messages).hasSize(20);
        assertThat(alice.store.conversation(bob.id()))
                .extracting(Message::status)
                .containsOnly(MessageStatus.DELIVERED);
    }

    @Test
    void aRestartedSenderOwingMoreThanTheReceiversBurstPacesItsPutsAndNothingIsRefused() {
        // the default's shape at a tenth of its rates (a burst of 50, 5 a second), so the backlog is small
        MessagePolicy d = MessagePolicy.DEFAULT;
        MessagePolicy policy = new MessagePolicy(d.maxAge(), d.republishEvery(), d.keepAlive(), d.maxPause(), 50, 5.0);
        Device alice = net.new Device(TestAccounts.alice(), 8, policy).start();
        Device bob = net.new Device(TestAccounts.bob(), 21, policy).start();
        contacts(alice, bob);
        bob.stop();

        int owed = policy.senderBurst() + 20;
        for (int i = 0; i < owed; i++) {
            alice.messenger.send(bob.id(), "backlog " + i);
        }
        alice.stop();
        assertThat(alice.store.pending()).hasSize(owed);

        alice.start();
        bob.start();
        long restarted = sim.clock().now();
        // well before the next republication (4 minutes): unpaced, everything past the
        // receiver's burst would be refused and wait for it
        sim.clock().runUntil(() -> bob.store.conversation(alice.id()).size() == owed, 120_000);
        assertThat(bob.store.conversation(alice.id())).hasSize(owed);
        assertThat(sim.clock().now() - restarted)
                .as("virtual ms until bob had the backlog")
                .isLessThan(policy.republishEvery().toMillis());
        assertThat(bob.messenger.refusals()).doesNotContainKey("rate-limited");
    }

    @Test
    void twoRecipientDevicesGetEveryMessageAndShareReadState() {
        Device alice = device(TestAccounts.alice(), 7);
        Device bob = device(TestAccounts.bob(), 13);
        Device laptop = device(bobLaptop(), 27);
        contacts(alice, bob);
        sim.clock()
                .runUntil(
                        () -> laptop.account.contact(alice.id()).isPresent()
                                && !bob.account.ownDevices().isEmpty(),
                        120_000);
        sim.clock()
                .runUntil(
                        () -> alice.account
                                        .presence()
                                        .getOrDefault(bob.id(), java.util.Set.of())
                                        .size()
                                == 2,
                        120_000);

        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add("to both " + i);
            alice.messenger.send(bob.id(), "to both " + i);
        }
        sim.clock().runUntil(() -> alice.messenger.owedDeliveries() == 0, 600_000);
        assertThat(SimulatedMessaging.bodies(bob.store.conversation(alice.id())))
                .isEqualTo(sent);
        assertThat(SimulatedMessaging.bodies(laptop.store.conversation(alice.id())))
                .isEqualTo(sent);

        bob.messenger.markRead(alice.id());
        sim.clock().runUntil(() -> laptop.store.unreadCount(alice.id()) == 0, 120_000);
        assertThat(laptop.store.unreadCount(alice.id()))
                .as("read on the phone, read on the laptop")
                .isZero();
        assertThat(laptop.heard.statuses).hasSize(10).allMatch(s -> s.endsWith("=READ"));

        // what bob writes on his phone shows on his laptop as his own
        bob.messenger.send(alice.id(), "from the phone");
        sim.clock().runUntil(() -> bob.messenger.owedDeliveries() == 0, 120_000);
        assertThat(laptop.store.conversation(alice.id())).last().satisfies(m -> {
            assertThat(m.body()).isEqualTo("from the phone");
            assertThat(m.outgoing()).isTrue();
        });
    }

    @Test
    void editDeleteAndTypingBetweenCarillonUsers() {
        Device alice = device(TestAccounts.alice(), 8);
        Device bob = device(TestAccounts.bob(), 14);
        contacts(alice, bob);
        Message m = alice.messenger.send(bob.id(), "helo");
        await(alice.messenger.delivered(bob.id(), m.id()));

        alice.messenger.edit(bob.id(), m.id(), "hello");
        sim.clock().runUntil(() -> !bob.heard.edits.isEmpty(), 60_000);
        assertThat(bob.store.message(alice.id(), m.id())).hasValueSatisfying(e -> {
            assertThat(e.body()).isEqualTo("hello");
            assertThat(e.editedMillis()).isPositive();
        });

        alice.messenger.typing(bob.id(), true);
        sim.clock().runUntil(() -> !bob.heard.typing.isEmpty(), 60_000);
        assertThat(bob.heard.typing).containsExactly(true);

        alice.messenger.delete(bob.id(), m.id());
        sim.clock().runUntil(() -> bob.heard.edits.size() == 2, 60_000);
        assertThat(bob.store.message(alice.id(), m.id())).hasValueSatisfying(e -> {
            assertThat(e.deleted()).isTrue();
            assertThat(e.body()).isEmpty();
        });
        assertThat(alice.store.message(bob.id(), m.id()))
                .hasValueSatisfying(e -> assertThat(e.deleted()).isTrue());

        // only the author edits
        assertThatThrownBy(() -> bob.messenger.edit(alice.id(), m.id(), "mine now"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clearErrorsForNonContactsAndOversizedMessages() {
        Device alice = device(TestAccounts.alice(), 9);
        Device bob = device(TestAccounts.bob(), 15);
        assertThatThrownBy(() -> alice.messenger.send(bob.id(), "hi"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a contact");
        contacts(alice, bob);
        assertThatThrownBy(() -> alice.messenger.send(bob.id(), "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> alice.messenger.send(bob.id(), "x".repeat(Messenger.MAX_TEXT_BYTES + 1)))
                .isInstanceOf(MessageTooLargeException.class)
                .hasMessageContaining("64000");

        // the largest that fits goes through the DHT whole
        String big = "é".repeat(31_000);
        Message m = alice.messenger.send(bob.id(), big);
        await(alice.messenger.delivered(bob.id(), m.id()));
        assertThat(bob.store.message(alice.id(), m.id()))
                .hasValueSatisfying(r -> assertThat(r.body()).isEqualTo(big));
        assertThat(alice.store.pending()).isEmpty();
        assertThat(bob.messenger.history(alice.id(), Optional.empty(), 10)).hasSize(1);
    }

    @Test
    void unacknowledgedMessageFailsAfterThePolicyAge() {
        Device alice =
                net.new Device(TestAccounts.alice(), 10, MessagePolicy.DEFAULT.withMaxAge(Duration.ofHours(2))).start();
        Device bob = device(TestAccounts.bob(), 16);
        contacts(alice, bob);
        bob.stop();
        Message m = alice.messenger.send(bob.id(), "into the void");
        sim.clock().runFor(Duration.ofHours(2).plusMinutes(30).toMillis());
        assertThat(alice.store.message(bob.id(), m.id()))
                .hasValueSatisfying(r -> assertThat(r.status()).isEqualTo(MessageStatus.FAILED));
        assertThat(alice.heard.statuses).endsWith(m.idHex() + "=FAILED");
        assertThat(alice.store.pending()).isEmpty();
    }
}
