package org.carillon.dht.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.carillon.dht.InfoHash;
import org.junit.jupiter.api.Test;

/**
 * Keys and prefixes computed here against the values real dhtnode 2.4.12 produced for the same
 * commands (the hex below is copied from {@code dhtnode-pht-capture.txt}: entry data and the keys
 * dhtnode stored canaries at).
 */
class KeyLayoutTest {
    private static final KeyLinearizer PEOPLE = new KeyLinearizer(KeySpec.of(Map.of("name", 5)));
    private static final KeyLinearizer GEO = new KeyLinearizer(KeySpec.of(Map.of("lat", 2, "lon", 3)));

    static Map<String, byte[]> key(String... fieldValuePairs) {
        Map<String, byte[]> key = new LinkedHashMap<>();
        for (int i = 0; i < fieldValuePairs.length; i += 2) {
            key.put(fieldValuePairs[i], fieldValuePairs[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return key;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void aLoneFieldIsPaddedBehindAMarkerBitAndSizedByItsValue() {
        Prefix alice = PEOPLE.linearize(key("name", "alice"));
        Prefix bob = PEOPLE.linearize(key("name", "bob"));

        assertThat(hex(alice.content())).isEqualTo("616c69636580");
        assertThat(alice.size()).isEqualTo(40);
        assertThat(hex(bob.content())).isEqualTo("626f62800000");
        assertThat(bob.size()).isEqualTo(24);
    }

    @Test
    void severalFieldsAreInterleavedBitByBit() {
        Prefix p = GEO.linearize(key("lon", "345", "lat", "12"));

        assertThat(hex(p.content())).isEqualTo("0f070f1885114000");
        assertThat(p.size()).isEqualTo(64);
        assertThat(hex(GEO.linearize(key("lat", "7", "lon", "1")).content())).isEqualTo("0f2bc00000000000");
    }

    @Test
    void interleavingTakesOneBitOfEachFieldInNameOrder() {
        KeyLinearizer three = new KeyLinearizer(KeySpec.of(Map.of("b", 1, "a", 1, "c", 1)));
        // padded fields: a = ff 80, b = 00 80, c = 0f 80
        Prefix p = three.linearize(Map.of("a", new byte[] {(byte) 0xff}, "b", new byte[] {0}, "c", new byte[] {0x0f}));

        for (int bit = 0; bit < 16; bit++) {
            int[] fields = {0xff80, 0x0080, 0x0f80};
            for (int f = 0; f < 3; f++) {
                boolean expected = ((fields[f] >> (15 - bit)) & 1) != 0;
                assertThat(p.bit(bit * 3 + f)).as("bit %d of field %d", bit, f).isEqualTo(expected);
            }
        }
        assertThat(p.size()).isEqualTo(48);
    }

    @Test
    void aKeyOutsideTheSpecIsRefusedWithDhtnodesMessage() {
        assertThatThrownBy(() -> PEOPLE.linearize(key("name", "toolongname")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Key does not match the PHT key spec.");
        assertThatThrownBy(() -> PEOPLE.linearize(key("nick", "al"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PEOPLE.linearize(key("name", "al", "age", "3")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nodesLiveAtTheHashOfTheirBitsAndSize() {
        Prefix alice = PEOPLE.linearize(key("name", "alice"));

        assertThat(alice.truncate(0).key()).isEqualTo(InfoHash.fromHex("5ba93c9db0cff93f52b521d7420e43f6eda2784f"));
        assertThat(alice.truncate(1).key()).isEqualTo(InfoHash.fromHex("3f29546453678b855931c174a97d6c0894b8f546"));
        assertThat(alice.truncate(2).key()).isEqualTo(InfoHash.fromHex("85248eb0f863099c0996293b10302fabeca121bb"));
        assertThat(alice.truncate(3).key()).isEqualTo(InfoHash.fromHex("8123ab85d5035042e4cdf2a6786a683a0b80519a"));
        assertThat(hex(alice.truncate(3).content())).isEqualTo("60");
        Prefix trent = PEOPLE.linearize(key("name", "trent"));
        assertThat(trent.truncate(4).key()).isEqualTo(InfoHash.fromHex("5437defa1346b0bc89bedc58bd076919bfa3050c"));
    }

    @Test
    void siblingsKeepOpenDhtsBitSwap() {
        Prefix alice = PEOPLE.linearize(key("name", "alice"));
        Prefix trent = PEOPLE.linearize(key("name", "trent"));

        // size 1: (1-1) % 8 == 0, so the low bit of byte 0 flips: a key outside the prefix's bits
        assertThat(hex(alice.truncate(1).sibling().content())).isEqualTo("01");
        assertThat(alice.truncate(1).sibling().key())
                .isEqualTo(InfoHash.fromHex("9159cb8bcee7fcb95582f140960cdae72788d326"));
        // sizes 2..8: bit size-2 flips, not bit size-1
        assertThat(hex(alice.truncate(3).sibling().content())).isEqualTo("20");
        assertThat(alice.truncate(2).sibling().key())
                .isEqualTo(InfoHash.fromHex("d4e7ad2ea54db3441a278b77a44a1daf8502a3ca"));
        assertThat(alice.truncate(3).sibling().key())
                .isEqualTo(InfoHash.fromHex("22435ce0ab6cc76688f64be801bb4fab84c23353"));
        assertThat(trent.truncate(4).sibling().key())
                .isEqualTo(InfoHash.fromHex("3bb71bfc5c37e235e275cb0b5bf9868e2e868816"));
        assertThat(alice.truncate(0).sibling()).isEqualTo(alice.truncate(0));
    }

    @Test
    void theSizeByteOfTheKeyWrapsAt256Bits() {
        byte[] content = new byte[40];
        Prefix p = Prefix.of(content, 300);
        byte[] input = new byte[39];
        input[38] = (byte) 300; // 38 content bytes, then 300 mod 256
        assertThat(p.truncate(300).key()).isEqualTo(InfoHash.sha1(input));
    }

    @Test
    void truncatingOutsideTheContentIsRefusedAsOpenDhtDoes() {
        Prefix bob = PEOPLE.linearize(key("name", "bob"));

        assertThat(bob.truncate(47).size()).isEqualTo(47); // the padding bits are reachable
        assertThatThrownBy(() -> bob.truncate(48)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bob.truncate(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void commonBitsCountLeadingEqualBits() {
        Prefix al = PEOPLE.linearize(key("name", "al"));
        Prefix alice = PEOPLE.linearize(key("name", "alice"));
        Prefix bob = PEOPLE.linearize(key("name", "bob"));

        assertThat(Prefix.commonBits(al, alice)).isEqualTo(16); // 61 6c 80 vs 61 6c 69
        assertThat(Prefix.commonBits(al, bob)).isEqualTo(6); // 61 vs 62
        // equal keys share every content bit (OpenDHT reads past its buffers there)
        assertThat(Prefix.commonBits(alice, alice)).isEqualTo(48);
    }

    @Test
    void fieldNamesAreOrderedByUnsignedBytes() {
        KeySpec spec = KeySpec.of(Map.of("é", 1, "z", 1, "A", 1));
        assertThat(spec.fields().keySet()).containsExactly("A", "z", "é");
    }

    @Test
    void dhtnodesSpecIsTheFirstKeysFieldLengths() {
        assertThat(KeySpec.fittingKey(key("name", "alice")).fields()).containsExactly(Map.entry("name", 5));
        assertThat(KeySpec.fittingKey(key("lon", "345", "lat", "12")).fields())
                .containsExactly(Map.entry("lat", 2), Map.entry("lon", 3));
        assertThatThrownBy(() -> KeySpec.fittingKey(Map.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeySpec.of(Map.of("big", KeySpec.MAX_FIELD_LENGTH + 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
