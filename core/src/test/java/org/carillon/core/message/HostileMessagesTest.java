package org.carillon.core.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.account.Progress;
import org.carillon.core.account.TestAccounts;
import org.carillon.core.contact.OnlineAccount;
import org.carillon.core.message.SimulatedMessaging.Device;
import org.carillon.dht.Value;
import org.carillon.dht.sim.SimulationSeed;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Messages from strangers, forgers, replayers and flooders, on a simulated network. */
class HostileMessagesTest {
    @RegisterExtension
    static final SimulationSeed SEED = new SimulationSeed(8_0666L);

    private static AccountKeys mallory;

    SimulatedMessaging net;
    Device alice;
    Device bob;

    static synchronized AccountKeys mallory() {
        if (mallory == null) {
            mallory = TestAccounts.generator().newAccount("mallory", Progress.NONE);
        }
        return mallory;
    }

    @BeforeEach
    void twoContacts() {
        net = new SimulatedMessaging(SEED.get());
        alice = net.device(TestAccounts.alice(), 3);
        // a tighter limit than the default (500 at once, 50/s), so that a test-sized flood meets it
        MessagePolicy d = MessagePolicy.DEFAULT;
        MessagePolicy tight = new MessagePolicy(d.maxAge(), d.republishEvery(), d.keepAlive(), d.maxPause(), 100, 10.0);
        bob = net.new Device(TestAccounts.bob(), 17, tight).start();
        net.contacts(alice, bob);
    }

    /** A type-3 value as {@code from}'s device would seal it for bob's device, put at bob's inbox. */
    Value putToBob(Device from, ImMessage message) {
        Value sealed = from.dht.seal(
                Value.of(0, ImMessage.TYPE, message.encode()),
                bob.keys.device().key().getPublic());
        net.await(from.dht.put(OnlineAccount.inboxOf(bob.keys.deviceId().shortId()), sealed, false));
        return sealed;
    }

    @Test
    void messageFromAStrangerIsRefusedAndNotAcknowledged() {
        Device stranger = net.device(mallory(), 25);
        ImMessage hello = ImMessage.text(77, "buy my stuff", net.sim.clock().now() / 1000);
        putToBob(stranger, hello);
        net.runUntil(() -> !bob.heard.refused.isEmpty(), 30_000);

        assertThat(bob.heard.refused).singleElement().asString().startsWith("not-a-contact");
        assertThat(bob.heard.messages).isEmpty();
        assertThat(bob.store.conversation(stranger.id())).isEmpty();
        // no acknowledgement at bob's inbox sealed for the stranger
        List<Value> atInbox = net.await(
                stranger.dht.get(OnlineAccount.inboxOf(bob.keys.deviceId().shortId())));
        assertThat(atInbox)
                .noneMatch(v ->
                        v.type() == ImMessage.TYPE && ImMessage.decode(v.data()).isAcknowledgement());
    }

    @Test
    void blockedContactIsDroppedSilently() {
        net.await(bob.account.block(alice.id()));
        putToBob(alice, ImMessage.text(78, "still there?", net.sim.clock().now() / 1000));
        net.runUntil(() -> bob.messenger.refusals().containsKey("blocked"), 30_000);
        assertThat(bob.messenger.refusals()).containsEntry("blocked", 1L);
        assertThat(bob.heard.messages).isEmpty();
    }

    @Test
    void tamperedValueIsDroppedAndForgedEditRefused() {
        Value sealed = alice.dht.seal(
                Value.of(0, ImMessage.TYPE, ImMessage.text(79, "genuine", 1).encode()),
                bob.keys.device().key().getPublic());
        byte[] cypher = sealed.cypher();
        cypher[cypher.length / 2] ^= 1;
        Value tampered = Value.encrypted(sealed.id(), cypher);
        long undecryptable = bob.dht.undecryptable();
        net.await(alice.dht.put(OnlineAccount.inboxOf(bob.keys.deviceId().shortId()), tampered, false));
        net.runUntil(() -> bob.dht.undecryptable() > undecryptable, 30_000);
        assertThat(bob.dht.undecryptable()).isGreaterThan(undecryptable);
        assertThat(bob.heard.messages).isEmpty();

        // alice claims to edit what bob wrote
        Message bobs = bob.messenger.send(alice.id(), "bob's own words");
        net.await(bob.messenger.delivered(alice.id(), bobs.id()));
        putToBob(alice, new ImMessage(80, "alice's words", 1, 0, Payloads.EDIT, Map.of("edit", bobs.idHex())));
        net.runUntil(() -> !bob.heard.refused.isEmpty(), 30_000);
        assertThat(bob.heard.refused).singleElement().asString().startsWith("forged-edit");
        assertThat(bob.store.message(alice.id(), bobs.id()))
                .hasValueSatisfying(m -> assertThat(m.body()).isEqualTo("bob's own words"));
    }

    @Test
    void replayedValueIsNotAMessageTwice() {
        Message m = alice.messenger.send(bob.id(), "only once");
        net.await(alice.messenger.delivered(bob.id(), m.id()));
        List<Value> captured = net.await(
                alice.dht.get(OnlineAccount.inboxOf(bob.keys.deviceId().shortId())));
        assertThat(captured).isNotEmpty();
        bob.messenger.markRead(alice.id());

        // hours later, someone puts the captured values back
        net.sim.clock().runFor(3 * 3_600_000L);
        Device replayer = net.device(mallory(), 26);
        for (Value v : captured) {
            net.await(replayer.dht.put(OnlineAccount.inboxOf(bob.keys.deviceId().shortId()), v, false));
        }
        net.sim.clock().runFor(30_000);
        assertThat(bob.heard.messages).hasSize(1);
        assertThat(bob.store.conversation(alice.id())).singleElement().satisfies(r -> {
            assertThat(r.body()).isEqualTo("only once");
            assertThat(r.status()).as("still read").isEqualTo(MessageStatus.READ);
        });
    }

    @Test
    void floodFromOneContactLosesNothingFromOthers() {
        Device carol = net.device(mallory(), 28);
        net.contacts(carol, bob);
        int burst = bob.policy.senderBurst();
        List<Message> flood = new ArrayList<>();
        for (int i = 0; i < burst * 3; i++) {
            flood.add(carol.messenger.send(bob.id(), "flood " + i));
        }
        net.sim.clock().runFor(2_000);
        List<Message> legit = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            legit.add(alice.messenger.send(bob.id(), "legit " + i));
        }
        net.runUntil(() -> alice.messenger.owedDeliveries() == 0, 120_000);
        assertThat(alice.messenger.owedDeliveries())
                .as("alice's messages got through the flood")
                .isZero();
        assertThat(SimulatedMessaging.bodies(bob.store.conversation(alice.id())))
                .isEqualTo(SimulatedMessaging.bodies(legit));
        assertThat(bob.messenger.refusals().get("rate-limited"))
                .as("the flood was cut")
                .isPositive();

        // and the flooder's own messages are not lost either: they come again, slower
        net.runUntil(() -> carol.messenger.owedDeliveries() == 0, 3_600_000);
        assertThat(SimulatedMessaging.bodies(bob.store.conversation(carol.id())))
                .isEqualTo(SimulatedMessaging.bodies(flood));
    }
}
