package org.carillon.dht;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** How dhtnode 2.4.12 turns a typed key into an InfoHash ({@code InfoHash(idstr)}, else {@code InfoHash::get}). */
class InfoHashUserKeyTest {
    private static final String TESTKEY_SHA1 = "913a73b565c8e2c8ed94497580f619397709b8b6"; // sha1sum of "testkey"

    @Test
    void aNameIsHashedWithSha1OfItsUtf8Bytes() throws Exception {
        assertThat(InfoHash.fromUserKey("testkey")).hasToString(TESTKEY_SHA1);
        assertThat(InfoHash.isLiteralKey("testkey")).isFalse();
        byte[] utf8 = MessageDigest.getInstance("SHA-1").digest("clé".getBytes(StandardCharsets.UTF_8));
        assertThat(InfoHash.fromUserKey("clé")).isEqualTo(InfoHash.of(utf8));
    }

    @Test
    void fortyHexDigitsInAnyCaseAreTheKeyItself() {
        assertThat(InfoHash.fromUserKey(TESTKEY_SHA1.toUpperCase())).hasToString(TESTKEY_SHA1);
        assertThat(InfoHash.isLiteralKey(TESTKEY_SHA1)).isTrue();
    }

    @Test
    void onlyTheFirstFortyCharactersCountWhenTheyAreHex() {
        assertThat(InfoHash.fromUserKey(TESTKEY_SHA1 + "-and-more")).hasToString(TESTKEY_SHA1);
    }

    @Test
    void thirtyNineHexDigitsAreANameToHash() {
        String short39 = TESTKEY_SHA1.substring(1);
        assertThat(InfoHash.fromUserKey(short39)).isEqualTo(InfoHash.sha1(short39.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void fortyZerosAreHashedLikeDhtnodeDoesForTheZeroHash() {
        String zeros = "0".repeat(40);
        assertThat(InfoHash.isLiteralKey(zeros)).isFalse();
        assertThat(InfoHash.fromUserKey(zeros)).isEqualTo(InfoHash.sha1(zeros.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void nonAsciiDigitsAreHashedNotParsed() {
        String fullwidth = "\uFF10".repeat(40); // FULLWIDTH DIGIT ZERO: Character.digit says 0
        String arabic = "\u0661".repeat(40); // ARABIC-INDIC DIGIT ONE

        assertThat(InfoHash.fromUserKey(fullwidth))
                .isEqualTo(InfoHash.sha1(fullwidth.getBytes(StandardCharsets.UTF_8)));
        assertThat(InfoHash.fromUserKey(arabic)).isEqualTo(InfoHash.sha1(arabic.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theEmptyStringHasAHashToo() throws Exception {
        assertThat(InfoHash.fromUserKey(""))
                .isEqualTo(InfoHash.of(MessageDigest.getInstance("SHA-1").digest(new byte[0])));
    }
}
