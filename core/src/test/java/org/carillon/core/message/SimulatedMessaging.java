package org.carillon.core.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.carillon.core.account.AccountId;
import org.carillon.core.account.AccountKeys;
import org.carillon.core.contact.MemoryAccountState;
import org.carillon.core.contact.OnlineAccount;
import org.carillon.dht.secure.SecureDht;
import org.carillon.dht.sim.Simulation;

/** Accounts with messengers on a simulated network of 30 nodes, in virtual time. */
final class SimulatedMessaging {
    static final byte[] CARD = "BEGIN:VCARD\r\nFN:x\r\nEND:VCARD\r\n".getBytes(StandardCharsets.UTF_8);

    final Simulation sim;

    SimulatedMessaging(long seed) {
        sim = new Simulation(seed);
        sim.grow(30, 100, 30_000);
    }

    /** What one device's messenger heard. */
    static final class Heard implements MessageEvents {
        final List<Message> messages = new ArrayList<>();
        final List<String> statuses = new ArrayList<>();
        final List<Message> edits = new ArrayList<>();
        final List<Boolean> typing = new ArrayList<>();
        final List<String> refused = new ArrayList<>();

        @Override
        public void onMessage(Message message) {
            messages.add(message);
        }

        @Override
        public void onStatus(AccountId peer, long messageId, MessageStatus status) {
            statuses.add(Long.toUnsignedString(messageId, 16) + "=" + status);
        }

        @Override
        public void onEdited(Message message) {
            edits.add(message);
        }

        @Override
        public void onTyping(AccountId peer, boolean active) {
            typing.add(active);
        }

        @Override
        public void onRefused(String reason) {
            refused.add(reason);
        }
    }

    /** One device of an account: its state and store outlive {@link #stop()}, as files do a process. */
    final class Device {
        final AccountKeys keys;
        final int node;
        final MemoryAccountState state = new MemoryAccountState();
        final MemoryMessageStore store = new MemoryMessageStore();
        final MessagePolicy policy;
        Heard heard;
        SecureDht dht;
        OnlineAccount account;
        Messenger messenger;

        Device(AccountKeys keys, int node, MessagePolicy policy) {
            this.keys = keys;
            this.node = node;
            this.policy = policy;
        }

        Device start() {
            heard = new Heard();
            dht = new SecureDht(sim.dht(node), keys.device(), new SecureRandom());
            account = new OnlineAccount(keys, dht, state, null, sim.clock()::now, new SplittableRandom(node));
            messenger =
                    new Messenger(account, dht, store, heard, sim.clock(), new SplittableRandom(node * 31L), policy);
            messenger.start();
            await(account.start());
            return this;
        }

        void stop() {
            messenger.close();
            account.close();
        }

        AccountId id() {
            return keys.accountId();
        }
    }

    Device device(AccountKeys keys, int node) {
        return new Device(keys, node, MessagePolicy.DEFAULT).start();
    }

    <T> T await(CompletableFuture<T> f) {
        sim.clock().runUntil(f::isDone, 120_000);
        assertThat(f).as("operation finished in virtual time").isDone();
        return f.join();
    }

    void runUntil(java.util.function.BooleanSupplier done, long maxMillis) {
        sim.clock().runUntil(done, maxMillis);
    }

    /** {@code a} asks, {@code b} accepts, {@code a} hears the confirmation. */
    void contacts(Device a, Device b) {
        await(a.account.sendTrustRequest(b.id(), CARD));
        runUntil(() -> !b.account.requests().isEmpty(), 60_000);
        await(b.account.accept(a.id()));
        runUntil(() -> a.account.contact(b.id()).map(c -> c.confirmed()).orElse(false), 60_000);
        assertThat(a.account.contact(b.id()))
                .hasValueSatisfying(c -> assertThat(c.confirmed()).isTrue());
    }

    static List<String> bodies(List<Message> messages) {
        return messages.stream().map(Message::body).toList();
    }
}
