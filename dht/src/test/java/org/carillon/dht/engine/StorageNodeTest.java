package org.carillon.dht.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.ValueSigning;
import org.carillon.dht.sim.SimulatedNetwork;
import org.carillon.dht.sim.VirtualScheduler;
import org.carillon.dht.storage.ValueTypes;
import org.carillon.dht.wire.Message.ErrorReply;
import org.carillon.dht.wire.Message.Find;
import org.carillon.dht.wire.Message.Get;
import org.carillon.dht.wire.Message.Listen;
import org.carillon.dht.wire.Message.Ping;
import org.carillon.dht.wire.Message.Put;
import org.carillon.dht.wire.Message.Refresh;
import org.carillon.dht.wire.Message.Reply;
import org.carillon.dht.wire.Message.Update;
import org.carillon.dht.wire.Message.UpdateIds;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The storage-node half of the protocol, driven packet by packet in virtual time. */
class StorageNodeTest {
    static final long SEED = 42;
    static final InfoHash KEY = InfoHash.fromUserKey("testkey");

    VirtualScheduler clock;
    SimulatedNetwork net;
    NodeCore node;
    InetSocketAddress nodeAddress;
    RawPeer peer;
    /** Signers of values: the owner of a value and someone else. */
    static KeyPair owner;

    static KeyPair other;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        owner = g.generateKeyPair();
        other = g.generateKeyPair();
    }

    @BeforeEach
    void start() throws Exception {
        startNode(64L * 1024 * 1024);
    }

    void startNode(long storageLimit) throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        clock = new VirtualScheduler(1_700_000_000_000L);
        net = new SimulatedNetwork(clock, random.split()).latency(5, 5);
        nodeAddress = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4222);
        NodeCore[] holder = new NodeCore[1];
        var transport = net.attach(nodeAddress, (d, from) -> holder[0].onDatagram(d, from));
        node = new NodeCore(
                InfoHash.random(random),
                new NodeCore.Options(0, true, storageLimit, "RNG1"),
                clock,
                transport,
                ValueTypes.builtIn(),
                random.split());
        holder[0] = node;
        node.start(List.of());
        peer = new RawPeer(net, new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 5000), random.split());
    }

    byte[] token() {
        long tid = peer.send(new Find(peer.id, KEY, List.of()), nodeAddress);
        clock.runFor(100);
        return peer.messages(Reply.class, tid).get(0).token();
    }

    Value text(long id, String s, int type) {
        return Value.of(id, type, s.getBytes(StandardCharsets.UTF_8), "text/plain");
    }

    @Test
    void pingIsAnsweredWithTheRequesterAddress() {
        long tid = peer.send(new Ping(peer.id), nodeAddress);
        clock.runFor(100);
        Reply pong = peer.messages(Reply.class, tid).get(0);
        assertThat(pong.sender()).isEqualTo(node.id());
        assertThat(pong.reportedAddress()).isEqualTo(peer.address.getAddress());
    }

    @Test
    void findAndGetRepliesAlwaysCarryAToken() {
        assertThat(token()).hasSize(32);
        long tid = peer.send(new Get(peer.id, KEY, null, List.of()), nodeAddress);
        clock.runFor(100);
        assertThat(peer.messages(Reply.class, tid).get(0).token()).hasSize(32);
    }

    @Test
    void aPutWithTheTokenIsStoredAndServedByPaginatedGet() {
        Value v = text(0xf06201ac1db9a4e5L, "hello", 0);
        long put = peer.send(new Put(peer.id, KEY, List.of(v), null, token()), nodeAddress);
        clock.runFor(100);
        assertThat(peer.messages(Reply.class, put).get(0).valueId()).isEqualTo(v.id());

        long select = peer.send(new Get(peer.id, KEY, new Query(List.of(Field.ID), List.of()), List.of()), nodeAddress);
        clock.runFor(100);
        Reply ids = peer.messages(Reply.class, select).get(0);
        assertThat(ids.projection().rows()).containsExactly(List.of(v.id()));
        assertThat(ids.values()).isEmpty();

        long byId = peer.send(
                new Get(peer.id, KEY, new Query(List.of(), List.of(Query.Condition.id(v.id()))), List.of()),
                nodeAddress);
        clock.runFor(100);
        assertThat(peer.messages(Reply.class, byId).get(0).values()).containsExactly(v);
    }

    @Test
    void aPutWithAWrongTokenGetsError401AndIsNotStored() {
        byte[] wrong = new byte[32];
        long tid = peer.send(new Put(peer.id, KEY, List.of(text(7, "x", 0)), null, wrong), nodeAddress);
        clock.runFor(100);
        assertThat(peer.messages(ErrorReply.class, tid))
                .extracting(ErrorReply::code)
                .containsExactly(401);
        assertThat(node.metrics().storedValues()).isZero();
    }

    @Test
    void malformedRequestsGetTheirErrorCodes() {
        long noKey = peer.send(new Get(peer.id, null, null, List.of()), nodeAddress);
        long unknownStorage = peer.send(new Refresh(peer.id, KEY, 5, token()), nodeAddress);
        long zeroId = peer.send(new Put(peer.id, KEY, List.of(text(0, "zero", 0)), null, token()), nodeAddress);
        long badListen = peer.send(new Listen(peer.id, 1, KEY, new byte[3], 9, null), nodeAddress);
        clock.runFor(200);
        assertThat(peer.messages(ErrorReply.class, noKey).get(0).code()).isEqualTo(203);
        assertThat(peer.messages(ErrorReply.class, unknownStorage).get(0).code())
                .isEqualTo(404);
        assertThat(peer.messages(ErrorReply.class, zeroId).get(0).code()).isEqualTo(203);
        assertThat(peer.messages(ErrorReply.class, badListen).get(0).code()).isEqualTo(401);
    }

    @Test
    void refreshOfAnUnknownIdUnderAStoredKeySucceeds() {
        byte[] token = token();
        peer.send(new Put(peer.id, KEY, List.of(text(1, "a", 0)), null, token), nodeAddress);
        clock.runFor(100);
        long tid = peer.send(new Refresh(peer.id, KEY, 999, token), nodeAddress);
        clock.runFor(100);
        assertThat(peer.messages(Reply.class, tid).get(0).valueId()).isEqualTo(999);
    }

    @Test
    void aListenerHearsOfNewRefreshedAndExpiredValues() {
        byte[] token = token();
        long sid = 77;
        peer.send(new Listen(peer.id, 1, KEY, token, sid, null), nodeAddress);
        clock.runFor(100);
        Value v = text(0x1234, "ice", 5); // type 5 lives one minute
        peer.send(new Put(peer.id, KEY, List.of(v), null, token), nodeAddress);
        clock.runFor(100);
        assertThat(peer.messages(Update.class, -1)).singleElement().satisfies(u -> {
            assertThat(u.values()).containsExactly(v);
            assertThat(u.socketId()).isEqualTo(sid);
        });

        peer.send(new Refresh(peer.id, KEY, v.id(), token), nodeAddress);
        clock.runFor(100);
        assertThat(peer.messages(UpdateIds.class, -1))
                .singleElement()
                .satisfies(u -> assertThat(u.kind()).isEqualTo(UpdateIds.Kind.REFRESHED));

        clock.runFor(7 * 60_000); // well past the lifetime the refresh gave it
        assertThat(peer.messages(UpdateIds.class, -1))
                .filteredOn(u -> u.kind() == UpdateIds.Kind.EXPIRED)
                .singleElement()
                .satisfies(u -> assertThat(u.valueIds()).containsExactly(v.id()));
        assertThat(node.metrics().storedValues()).isZero();
    }

    @Test
    void aNewListenerGetsTheValuesAlreadyStoredThatMatchItsQuery() {
        byte[] token = token();
        Value plain = text(1, "plain", 0);
        Value other = Value.of(2, 0, new byte[] {1}, "application/octet-stream");
        peer.send(new Put(peer.id, KEY, List.of(plain), null, token), nodeAddress);
        peer.send(new Put(peer.id, KEY, List.of(other), null, token), nodeAddress);
        clock.runFor(100);
        Query onlyText = new Query(List.of(), List.of(Query.Condition.userType("text/plain")));
        peer.send(new Listen(peer.id, 1, KEY, token, 5, onlyText), nodeAddress);
        clock.runFor(100);
        assertThat(peer.messages(Update.class, -1))
                .singleElement()
                .satisfies(u -> assertThat(u.values()).containsExactly(plain));
    }

    @Test
    void listenersAreForgottenTenMinutesAfterTheirLastRenewal() {
        byte[] token = token();
        peer.send(new Listen(peer.id, 1, KEY, token, 5, null), nodeAddress);
        clock.runFor(100);
        assertThat(node.metrics().remoteListeners()).isEqualTo(1);
        clock.runFor(17 * 60_000);
        assertThat(node.metrics().remoteListeners()).isZero();
    }

    @Test
    void aFragmentedValueOf3000BytesIsStoredAndComesBackIntact() {
        byte[] data = new byte[3000];
        Arrays.fill(data, (byte) 'B');
        Value big = Value.of(0x5e63778d90568996L, 0, data);
        long put = peer.send(new Put(peer.id, KEY, List.of(big), 1_700_000_000L, token()), nodeAddress);
        clock.runFor(100);
        assertThat(peer.messages(Reply.class, put)).extracting(Reply::valueId).containsExactly(big.id());
        long get = peer.send(new Get(peer.id, KEY, null, List.of()), nodeAddress);
        clock.runFor(100);
        assertThat(peer.messages(Reply.class, get))
                .singleElement()
                .satisfies(r -> assertThat(r.values()).containsExactly(big));
    }

    @Test
    void signedValuesWithABadSignatureAreAcknowledgedButNotStored() {
        Value forged = new Value(3, 1, 0, new byte[] {1}, "", new byte[550], null, new byte[512], null, 0);
        long tid = peer.send(new Put(peer.id, KEY, List.of(forged), null, token()), nodeAddress);
        clock.runFor(100);
        assertThat(peer.messages(Reply.class, tid)).hasSize(1);
        assertThat(node.metrics().storedValues()).isZero();
        assertThat(node.metrics().dropped("put-rejected-by-policy")).isEqualTo(1);
    }

    @Test
    void overTheStorageLimitTheOldestValuesOfTheHeaviestSourceAreEvicted() throws Exception {
        startNode(10_000);
        byte[] token = token();
        for (int i = 1; i <= 5; i++) {
            peer.send(new Put(peer.id, KEY, List.of(Value.of(i, 0, new byte[3000])), null, token), nodeAddress);
            clock.runFor(1000);
        }
        assertThat(node.metrics().storedBytes()).isLessThanOrEqualTo(10_000);
        long get = peer.send(new Get(peer.id, KEY, new Query(List.of(Field.ID), List.of()), List.of()), nodeAddress);
        clock.runFor(100);
        assertThat(peer.messages(Reply.class, get).get(0).projection().rows())
                .containsExactly(List.of(3L), List.of(4L), List.of(5L));
    }

    @Test
    void messagesOfAnotherNetworkAreDropped() {
        peer.onNetwork(42);
        long tid = peer.send(new Ping(peer.id), nodeAddress);
        clock.runFor(100);
        assertThat(peer.messages(Reply.class, tid)).isEmpty();
        assertThat(node.metrics().dropped("wrong-network")).isEqualTo(1);
    }

    @Test
    void theRequesterJoinsTheRoutingTableAndIsReturnedToOthers() throws Exception {
        peer.send(new Ping(peer.id), nodeAddress);
        clock.runFor(100);
        assertThat(node.routingNodes(org.carillon.dht.wire.Family.IPV4))
                .extracting(n -> n.id())
                .containsExactly(peer.id);
    }

    // ------------------------------------------------------------ edits of stored values (§9.3)

    static final long EDITED_ID = 0x5eed;

    Value signedText(String s, KeyPair key, int seq) {
        return ValueSigning.sign(text(EDITED_ID, s, 0), key, seq);
    }

    /** Puts {@code values} in order with one token; every put is acknowledged, stored or not. */
    void putInOrder(Value... values) {
        byte[] token = token();
        for (Value v : values) {
            long tid = peer.send(new Put(peer.id, KEY, List.of(v), null, token), nodeAddress);
            clock.runFor(100);
            assertThat(peer.messages(Reply.class, tid))
                    .extracting(Reply::valueId)
                    .containsExactly(v.id());
        }
    }

    List<Value> storedUnderEditedId() {
        long tid = peer.send(
                new Get(peer.id, KEY, new Query(List.of(), List.of(Query.Condition.id(EDITED_ID))), List.of()),
                nodeAddress);
        clock.runFor(100);
        return peer.messages(Reply.class, tid).get(0).values();
    }

    long refusedEdits() {
        return node.metrics().dropped("put-rejected-by-policy");
    }

    @Test
    void theOwnerReplacesItsSignedValueWithAHigherSeq() {
        Value original = signedText("original", owner, 5);
        Value edited = signedText("edited", owner, 6);
        putInOrder(original, edited);
        assertThat(storedUnderEditedId()).containsExactly(edited);
        assertThat(refusedEdits()).isZero();
    }

    @Test
    void aSignedValueIsNotRolledBackToALowerSeq() {
        Value original = signedText("original", owner, 5);
        putInOrder(original, signedText("rolled back", owner, 4), signedText("rolled back", owner, 0));
        assertThat(storedUnderEditedId()).containsExactly(original);
        assertThat(refusedEdits()).isEqualTo(2);
    }

    @Test
    void theSameSeqWithOtherContentIsRefusedButTheSameValueRefreshes() {
        Value original = signedText("original", owner, 5);
        putInOrder(original, signedText("other content", owner, 5), original);
        assertThat(storedUnderEditedId()).containsExactly(original);
        assertThat(refusedEdits()).isEqualTo(1);
    }

    @Test
    void anotherOwnerCannotOverwriteASignedValueWhateverItsSeqOrType() {
        Value original = signedText("original", owner, 5);
        putInOrder(original);
        for (int type : new int[] {0, 1, 3, 5, 2, 8, 4242}) {
            Value hijack = ValueSigning.sign(text(EDITED_ID, "hijack", type), other, 6);
            putInOrder(hijack);
        }
        putInOrder(text(EDITED_ID, "unsigned", 0), text(EDITED_ID, "unsigned", 4242));
        assertThat(storedUnderEditedId()).containsExactly(original);
        assertThat(refusedEdits()).isEqualTo(9);
    }

    @Test
    void anUnsignedValueIsNotReplacedUnderAnotherType() {
        Value original = text(EDITED_ID, "original", 0);
        putInOrder(original, text(EDITED_ID, "overwritten", 4242));
        assertThat(storedUnderEditedId()).containsExactly(original);
        assertThat(refusedEdits()).isEqualTo(1);
    }

    @Test
    void valuesOfAnUnregisteredTypeAreNeverEditedEvenByTheirOwner() {
        Value unsigned = text(EDITED_ID, "original", 4242);
        putInOrder(unsigned, text(EDITED_ID, "overwritten", 4242), unsigned);
        assertThat(storedUnderEditedId()).containsExactly(unsigned);

        Value signed = ValueSigning.sign(text(EDITED_ID + 1, "original", 4242), owner, 5);
        putInOrder(signed, ValueSigning.sign(text(EDITED_ID + 1, "edited", 4242), owner, 6));
        assertThat(refusedEdits()).isEqualTo(2);
    }
}
