package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Value;
import org.carillon.dht.crypto.CertificateValues;
import org.carillon.dht.crypto.Identity;
import org.carillon.dht.crypto.ValueEncryption;
import org.carillon.dht.crypto.ValueSigning;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code s} and {@code e} on a fake node behind the real identity layer, and what {@code g} and
 * {@code ll} show of the values it checked.
 */
class SecureVerbsTest {
    private static final InfoHash TESTKEY =
            InfoHash.fromHex("913a73b565c8e2c8ed94497580f619397709b8b6"); // sha1("testkey")
    private static final String USING_TESTKEY = "Using h(testkey) = " + TESTKEY;
    private static final Identity ALICE = TestIdentities.named("alice");
    private static final Identity BOB = TestIdentities.named("bob");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConsoleHarness alice = ConsoleHarness.withIdentity(ALICE, false);

    @Test
    void sPutsATextValueSignedWithOurKeyAndAnswersInDhtnodesWordsTypoIncluded() {
        alice.run("s testkey hello");

        Value v = single(alice, TESTKEY);
        assertThat(v.isSigned()).isTrue();
        assertThat(ValueSigning.verifies(v)).isTrue();
        assertThat(v.owner()).isEqualTo(ALICE.key().getPublic().getEncoded());
        assertThat(v.type()).isZero();
        assertThat(v.userType()).isEqualTo("text/plain");
        assertThat(text(v)).isEqualTo("hello");
        assertThat(v.isEncrypted()).isFalse();
        // dhtnode 2.4.12 prints "s)" after a duration that already has its unit
        assertThat(alice.outLines()).containsExactly(USING_TESTKEY, "Put signed: success (took 250 uss)");
        assertThat(alice.session.failed()).isFalse();
    }

    @Test
    void gShowsASignedValueInDhtnodesWordsFollowedByItsOwnersKeyId() {
        alice.run("s testkey hello", "g testkey");

        String id = Long.toHexString(single(alice, TESTKEY).id());
        assertThat(alice.outLines())
                .contains("\tValue[id:" + id + " signed (v0) data(text/plain):\"hello\"] owner " + ALICE.id());
    }

    @Test
    void eEncryptsForTheKeyWhoseCertificateIsOnTheDhtAndOnlyItsOwnerReadsIt() {
        publishCertificate(alice, BOB);

        alice.run("e testkey " + BOB.id() + " secret");

        // dhtnode 2.4.12 never closes this parenthesis
        assertThat(alice.outLines()).containsExactly(USING_TESTKEY, "Put encrypted: success (took 250 us");
        Value stored = single(alice, TESTKEY);
        assertThat(stored.isEncrypted()).isTrue();
        assertThat(stored.data()).isEmpty();
        Value clear = ValueEncryption.decrypt(stored, BOB.key().getPrivate(), BOB.id())
                .orElseThrow();
        assertThat(text(clear)).isEqualTo("secret");
        assertThat(clear.ownerKeyId()).isEqualTo(ALICE.id());
        String id = Long.toHexString(stored.id());

        ConsoleHarness bob = ConsoleHarness.withIdentity(BOB, false);
        bob.node.store.putAll(alice.node.store);
        bob.run("g testkey");
        assertThat(bob.outLines())
                .contains(
                        "\tValue[id:" + id + " signed (v0) decrypted data(text/plain):\"secret\"] owner " + ALICE.id());

        ConsoleHarness withoutIdentity = ConsoleHarness.text();
        withoutIdentity.node.store.putAll(alice.node.store);
        withoutIdentity.run("g testkey");
        assertThat(withoutIdentity.outLines()).contains("\tValue[id:" + id + " encrypted ]");

        // not for Alice: her own console drops it, and counts it
        alice.run("g testkey", "ll");
        assertThat(alice.out.toString())
                .contains("Get: completed, took 250 us (total 0)")
                .contains("Values dropped by the identity checks: 0 with a bad signature,"
                        + " 1 encrypted not for us or invalid")
                .doesNotContain("secret");
    }

    @Test
    void aValueWhoseSignatureFailsIsDroppedAndCountedInLl() {
        Value real = ValueSigning.sign(Value.of(7, 0, bytes("real"), "text/plain"), BOB.key(), 0);
        Value forged = new Value(7, 0, 0, bytes("forged"), "text/plain", real.owner(), null, real.signature(), null, 0);
        alice.node.store.put(
                TESTKEY, new CopyOnWriteArrayList<>(List.of(forged, Value.of(8, 0, bytes("plain"), "text/plain"))));

        alice.run("g testkey", "ll");

        assertThat(alice.out.toString())
                .contains("\tValue[id:8 data(text/plain):\"plain\"]")
                .contains("(total 1)")
                .doesNotContain("forged")
                .contains("Public key ID " + ALICE.id() + "\nPublic key long ID "
                        + HexFormat.of().formatHex(ALICE.longId()) + "\n")
                .contains("Values dropped by the identity checks: 1 with a bad signature,"
                        + " 0 encrypted not for us or invalid");
    }

    @Test
    void eForAKeyWithoutCertificateOnTheDhtFailsAndSaysWhy() {
        InfoHash unknown = InfoHash.fromHex("0123456789abcdef0123456789abcdef01234567");

        alice.run("e testkey " + unknown + " secret");

        assertThat(alice.outLines()).containsExactly(USING_TESTKEY, "Put encrypted: failure (took 250 us");
        assertThat(alice.errLines()).containsExactly("e: no certificate for key " + unknown + " on the DHT");
        assertThat(alice.node.store).doesNotContainKey(TESTKEY);
        assertThat(alice.session.failed()).isTrue();
    }

    @Test
    void aFailedSignedPutIsAFailureOfTheSession() {
        alice.node.failOperations = true;

        alice.run("s testkey hello");

        assertThat(alice.outLines()).containsExactly(USING_TESTKEY, "Put signed: failure (took 250 uss)");
        assertThat(alice.errLines()).singleElement().asString().startsWith("s: put " + TESTKEY);
        assertThat(alice.session.failed()).isTrue();
    }

    @ParameterizedTest(name = "e testkey {0} hi")
    @ValueSource(
            strings = {
                "00",
                "0000000000000000000000000000000000000000",
                "0123456789abcdef0123456789abcdef012345678",
                "0123456789abcdef0123456789abcdef0123456g",
                "bob",
            })
    void aRecipientThatIsNoPublicKeyIdIsRefusedBeforeAnyLookup(String dest) {
        alice.run("e testkey " + dest + " hi");

        assertThat(alice.errLines())
                .containsExactly("e: <dest> must be a public key ID of 40 hex digits, as 'Public key ID' shows it,"
                        + " got '" + dest + "'. Syntax: e <key> <dest> <str>");
        assertThat(alice.node.calls).isEmpty();
        assertThat(alice.session.failed()).isTrue();
    }

    @Test
    void aHugeRecipientIsNotEchoedWhole() {
        alice.run("e testkey " + "a".repeat(10_000) + " hi");

        assertThat(alice.errLines()).singleElement().asString().contains("got '" + "a".repeat(64) + "...'");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "s testkey                 | s: expected 2 arguments, got 1. Syntax: s <key> <str>",
                "s testkey a b             | s: expected 2 arguments, got 3. Syntax: s <key> <str>",
                "e                         | e: expected 3 arguments, got 0. Syntax: e <key> <dest> <str>",
                "e testkey 0123456789abcdef0123456789abcdef01234567 | e: expected 3 arguments, got 2",
            })
    void wrongArgumentCountsAreExplained(String line, String message) {
        alice.run(line);

        assertThat(alice.errLines()).singleElement().asString().startsWith(message);
        assertThat(alice.node.calls).isEmpty();
    }

    @Test
    void aTextTooLargeOnceSignedIsRefusedBeforeAnyPut() {
        alice.run("s testkey " + "x".repeat(Value.MAX_SIZE - 4096));

        assertThat(alice.errLines()).singleElement().asString().startsWith("s: value too large: 61440 bytes, at most");
        assertThat(alice.node.calls).isEmpty();
    }

    @Test
    void withoutAnIdentitySAndEAnswerWithDhtnodesMessage() {
        ConsoleHarness plain = ConsoleHarness.text();

        plain.run("s testkey hello", "e testkey " + BOB.id() + " hello");

        assertThat(plain.errLines())
                .containsExactly(
                        "s: An identity is required to perform this operation (run with -i)",
                        "e: An identity is required to perform this operation (run with -i)");
        assertThat(plain.node.calls).isEmpty();
        assertThat(plain.session.failed()).isTrue();
    }

    @Test
    void helpListsSAndEWithDhtnodesDescriptions() {
        ConsoleHarness plain = ConsoleHarness.text();

        plain.run("h");

        assertThat(plain.out.toString())
                .containsPattern(
                        "\n  s <key> <str> +Put string value at <key>, signed with our generated private key\\.")
                .containsPattern("\n  e <key> <dest> <str> +Put string value at <key>, encrypted for <dest> with its"
                        + " public key \\(if found\\)\\.");
    }

    @Test
    void jsonReportsSignedAndEncryptedPutsTheIdentityAndTheValuesOwner() {
        ConsoleHarness json = ConsoleHarness.withIdentity(ALICE, true);
        publishCertificate(json, BOB);

        json.run("s testkey hi", "e testkey " + BOB.id() + " secret", "ll", "g testkey");

        List<JsonNode> events =
                json.outLines().stream().map(SecureVerbsTest::parse).toList();
        List<Value> stored = json.node.store.get(TESTKEY);
        Value signed = stored.stream().filter(Value::isSigned).findFirst().orElseThrow();
        Value encrypted = stored.stream().filter(Value::isEncrypted).findFirst().orElseThrow();
        JsonNode putSigned = event(events, "put_signed");
        assertThat(putSigned.get("ok").asBoolean()).isTrue();
        assertThat(putSigned.get("key").asText()).isEqualTo(TESTKEY.toString());
        assertThat(putSigned.get("id").asText()).isEqualTo(Long.toHexString(signed.id()));
        JsonNode putEncrypted = event(events, "put_encrypted");
        assertThat(putEncrypted.get("ok").asBoolean()).isTrue();
        assertThat(putEncrypted.get("recipient").asText()).isEqualTo(BOB.id().toString());
        assertThat(putEncrypted.get("id").asText()).isEqualTo(Long.toHexString(encrypted.id()));
        JsonNode nodeInfo = event(events, "node_info");
        assertThat(nodeInfo.get("public_key_id").asText()).isEqualTo(ALICE.id().toString());
        assertThat(nodeInfo.get("public_key_long_id").asText())
                .isEqualTo(HexFormat.of().formatHex(ALICE.longId()));
        assertThat(nodeInfo.get("values_dropped").get("undecryptable").asLong()).isZero();
        assertThat(nodeInfo.get("values_dropped").get("bad_signature").asLong()).isZero();
        JsonNode values = event(events, "values").get("values");
        assertThat(values).hasSize(1); // the encrypted one is for Bob
        assertThat(values.get(0).get("owner").asText()).isEqualTo(ALICE.id().toString());
        assertThat(values.get(0).get("signed").asBoolean()).isTrue();
        assertThat(values.get(0).get("text").asText()).isEqualTo("hi");
        assertThat(json.err.toString()).isEmpty();
    }

    private static void publishCertificate(ConsoleHarness console, Identity identity) {
        console.node.store.put(
                identity.id(), new CopyOnWriteArrayList<>(List.of(CertificateValues.of(identity.chain()))));
    }

    private static Value single(ConsoleHarness console, InfoHash key) {
        List<Value> stored = console.node.store.get(key);
        assertThat(stored).as("values at %s", key).hasSize(1);
        return stored.get(0);
    }

    private static JsonNode event(List<JsonNode> events, String name) {
        return events.stream()
                .filter(e -> e.path("event").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " event in " + events));
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + line, e);
        }
    }

    private static String text(Value v) {
        return new String(v.data(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
