package org.carillon.dht;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.carillon.dht.wire.DecodeResult;
import org.carillon.dht.wire.GoldenVectors;
import org.carillon.dht.wire.Message.Get;
import org.carillon.dht.wire.Message.Listen;
import org.carillon.dht.wire.WireCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueryTextTest {

    @Test
    void dhtnodesQueryTextGivesTheQueryDhtnodeSentForIt() {
        // vector 29 was captured when dhtnode ran "q testkey SELECT id,seq WHERE value_type=0"
        Get captured = (Get) packet("29-get-request-select-id-seq-where-type");

        assertThat(Query.parse("SELECT id,seq WHERE value_type=0")).isEqualTo(captured.query());
    }

    @Test
    void userTypeConditionMatchesTheCapturedListen() {
        // vector 30: dhtnode's "l <key> WHERE user_type=text/plain"
        Listen captured = (Listen) packet("30-listen-request-where-usertype");

        assertThat(Query.parse("WHERE user_type=text/plain")).isEqualTo(captured.query());
    }

    @Test
    void blankTextAndSelectStarAreTheWholeValueQuery() {
        assertThat(Query.parse("")).isEqualTo(Query.ALL);
        assertThat(Query.parse("  \t ")).isEqualTo(Query.ALL);
        assertThat(Query.parse("SELECT *")).isEqualTo(Query.ALL);
    }

    @Test
    void keywordsInAnyCaseAndSpacesAroundPunctuation() {
        Query q = Query.parse("select id , user_type Where id = 0x10 ,  value_type=3");

        assertThat(q.select()).containsExactly(Field.ID, Field.USER_TYPE);
        assertThat(q.where()).containsExactly(Query.Condition.id(16), Query.Condition.valueType(3));
    }

    @Test
    void everyFieldAndOperandKind() {
        Query q = Query.parse("SELECT id,value_type,owner_pk,seq,user_type WHERE id=18446744073709551615,"
                + "value_type=65535,owner_pk=C2B7267D4BA686BFECADD90754F0999464EF6ABB,user_type=\"a \\\"b\\\" c\"");

        assertThat(q.select())
                .containsExactly(Field.ID, Field.VALUE_TYPE, Field.OWNER_PK, Field.SEQ_NUM, Field.USER_TYPE);
        assertThat(q.where())
                .containsExactly(
                        Query.Condition.id(-1L),
                        Query.Condition.valueType(65535),
                        new Query.Condition(
                                Field.OWNER_PK, InfoHash.fromHex("c2b7267d4ba686bfecadd90754f0999464ef6abb")),
                        Query.Condition.userType("a \"b\" c"));
    }

    @Test
    void repeatedSelectFieldsAreKeptOnce() {
        assertThat(Query.parse("SELECT id,id,seq").select()).containsExactly(Field.ID, Field.SEQ_NUM);
    }

    @Test
    void textFormReadsBackToTheSameQuery() {
        Query q = new Query(
                List.of(Field.SEQ_NUM, Field.ID),
                List.of(Query.Condition.id(-2L), Query.Condition.userType("text/plain, \"quoted\" \\ =")));

        assertThat(q.toText()).startsWith("SELECT seq,id WHERE id=18446744073709551614,user_type=\"");
        assertThat(Query.parse(q.toText())).isEqualTo(q);
        assertThat(Query.ALL.toText()).isEqualTo("SELECT *");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '\'',
            value = {
                "SELEKT id                       | column 1: expected SELECT or WHERE, got 'SELEKT'",
                "SELECT                          | SELECT needs '*' or fields",
                "SELECT WHERE id=1               | column 8: SELECT needs '*' or fields",
                "SELECT id,                      | expected a field after ','",
                "SELECT id,,seq                  | column 11: unknown field ','",
                "SELECT idx                      | column 8: unknown field 'idx' (fields: id, value_type",
                "SELECT id seq                   | column 11: unexpected 'seq'",
                "WHERE                           | expected a condition such as value_type=0 after WHERE",
                "WHERE value_type                | expected '=' after value_type",
                "WHERE value_type 0              | column 18: expected '=' after value_type, got '0'",
                "WHERE value_type=               | expected a value for value_type",
                "WHERE value_type=,id=1          | column 18: expected a value for value_type, got ','",
                "WHERE value_type=65536          | value_type must be a number in 0..65535",
                "WHERE value_type=-1             | value_type must be a number in 0..65535 (decimal or 0x-hex), got '-1'",
                "WHERE id=18446744073709551616   | id must be a number in 0..18446744073709551615",
                "WHERE id=0x                     | got '0x'",
                "WHERE id=١٢                     | got '١٢'",
                "WHERE id=\"5\"                  | got '5'",
                "WHERE seq=1                     | seq cannot be a WHERE condition",
                "WHERE owner_pk=abc              | owner_pk must be a public key id of 40 hex digits, got 'abc'",
                "WHERE user_type=\"\"            | user_type needs a non-empty value",
                "WHERE user_type=\"text/plain    | column 17: unterminated quoted string",
                "WHERE id=1 WHERE id=2           | column 12: unexpected 'WHERE'",
                "WHERE id=1 SELECT id            | unexpected 'SELECT'",
                "WHERE \"id\"=1                  | unknown field 'id'",
            })
    void badTextIsRefusedNamingTheToken(String text, String message) {
        assertThatThrownBy(() -> Query.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bad query at ")
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "WHERE user_type=\u0000\u001b[2J",
                "\"\"\"\"\"\"\"",
                "WHERE id=1,,,,,,,,,,",
                "SELECT *,*",
                "=,=,=",
                "WHERE user_type=\"\\",
            })
    void hostileTextIsAnIllegalArgumentWithAPrintableMessage(String text) {
        assertThatThrownBy(() -> Query.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern("\\p{Cntrl}"));
    }

    @Test
    void controlCharactersAreKeptInQuotesRefusedOutsideAndNeverEchoedRaw() {
        assertThat(Query.parse("WHERE user_type=\"a\u0007b\"").where())
                .containsExactly(Query.Condition.userType("a\u0007b"));
        assertThatThrownBy(() -> Query.parse("WHERE user_type=a\u0007b"))
                .hasMessageContaining("column 18: control character U+0007 outside quotes")
                .hasMessageContaining("a\\u0007b")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u0007"));
    }

    @Test
    void aHugeQueryIsParsedInLinearTimeAndItsErrorMessageIsCut() {
        String many = "WHERE " + "id=1,".repeat(100_000) + "id=2";
        assertThat(Query.parse(many).where()).hasSize(100_001);

        String longJunk = "WHERE " + "x".repeat(1_000_000);
        assertThatThrownBy(() -> Query.parse(longJunk))
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(1_000));
    }

    @Test
    void nullIsRefused() {
        assertThatThrownBy(() -> Query.parse(null)).isInstanceOf(NullPointerException.class);
    }

    private static Object packet(String vector) {
        DecodeResult r = WireCodec.decode(GoldenVectors.load(vector));
        assertThat(r).isInstanceOf(DecodeResult.Complete.class);
        return ((DecodeResult.Complete) r).packet().message();
    }
}
