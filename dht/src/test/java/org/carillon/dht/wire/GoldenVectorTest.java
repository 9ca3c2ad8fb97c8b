package org.carillon.dht.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.carillon.dht.Field;
import org.carillon.dht.InfoHash;
import org.carillon.dht.Query;
import org.carillon.dht.Value;
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
import org.carillon.dht.wire.Message.ValueParts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GoldenVectorTest {
    private static final InfoHash TESTKEY = InfoHash.fromHex("913a73b565c8e2c8ed94497580f619397709b8b6");
    private static final long HELLO_ID = Long.parseUnsignedLong("17321408955565057253");

    static Stream<String> singleDatagramVectors() {
        return GoldenVectors.NAMES.stream().filter(n -> !n.matches("(18|19|20|21|31|32|33|34|35|36|37|38)-.*"));
    }

    @ParameterizedTest
    @MethodSource("singleDatagramVectors")
    void decodesAndReencodesByteForByte(String name) {
        byte[] wire = GoldenVectors.load(name);
        Packet packet = complete(wire);
        List<byte[]> again = WireCodec.encode(packet);
        assertThat(again).hasSize(1);
        assertThat(HexFormat.of().formatHex(again.get(0)))
                .isEqualTo(HexFormat.of().formatHex(wire));
    }

    static Stream<Arguments> fragmentedVectors() {
        return Stream.of(
                Arguments.of(List.of(
                        "18-put-request-fragmented-header", "19-value-part-0", "20-value-part-1", "21-value-part-2")),
                Arguments.of(List.of("31-put-signed-value-header", "32-put-signed-value-part")),
                Arguments.of(List.of(
                        "33-put-encrypted-value-header",
                        "34-put-encrypted-value-part-0",
                        "35-put-encrypted-value-part-1")),
                Arguments.of(List.of(
                        "36-put-certificate-header", "37-put-certificate-part-0", "38-put-certificate-part-1")));
    }

    @ParameterizedTest
    @MethodSource("fragmentedVectors")
    void fragmentedPutsReassembleAndReencodeIntoTheSameDatagrams(List<String> names) {
        DecodeResult header = WireCodec.decode(GoldenVectors.load(names.get(0)));
        assertThat(header).isInstanceOf(DecodeResult.AwaitingParts.class);
        DecodeResult.AwaitingParts awaiting = (DecodeResult.AwaitingParts) header;
        assertThat(awaiting.sizes()).hasSize(1);
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        for (String part : names.subList(1, names.size())) {
            Packet p = complete(GoldenVectors.load(part));
            assertThat(p.tid()).isEqualTo(awaiting.header().tid());
            ValueParts.Part fragment = ((ValueParts) p.message()).parts().get(0);
            assertThat(fragment.offset()).isEqualTo(value.size());
            value.writeBytes(fragment.data());
        }
        assertThat(value.size()).isEqualTo(awaiting.sizes().get(0));
        Packet whole = complete(WireCodec.assemble(awaiting.header(), List.of(value.toByteArray())));

        List<String> expected = names.stream()
                .map(n -> HexFormat.of().formatHex(GoldenVectors.load(n)))
                .toList();
        List<String> actual = new ArrayList<>();
        WireCodec.encode(whole).forEach(b -> actual.add(HexFormat.of().formatHex(b)));
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void pingCarriesSenderAndTransaction() {
        Packet p = complete(GoldenVectors.load("01-ping-request"));
        assertThat(p.tid()).isEqualTo(2548585368L);
        assertThat(p.agent()).isEqualTo("RNG1");
        assertThat(p.network()).isZero();
        assertThat(((Ping) p.message()).sender().toString()).startsWith("4d556b3e68cc7f76");
    }

    @Test
    void pongReportsTheRequesterAddress() throws Exception {
        Reply r = (Reply) complete(GoldenVectors.load("02-ping-reply")).message();
        assertThat(r.reportedAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        Reply r6 = (Reply) complete(GoldenVectors.load("25-ping-reply-ipv6")).message();
        assertThat(r6.reportedAddress()).isEqualTo(InetAddress.getByName("::1"));
    }

    @Test
    void findAsksForBothFamiliesAndReplyCarriesNodesAndToken() throws Exception {
        Find f = (Find) complete(GoldenVectors.load("03-find-request-want46")).message();
        assertThat(f.want()).containsExactly(2L, 10L);
        Reply r = (Reply) complete(GoldenVectors.load("04-find-reply-n4-token")).message();
        assertThat(r.nodes4()).hasSize(1);
        assertThat(r.nodes4().get(0).address().getPort()).isEqualTo(4301);
        assertThat(r.nodes4().get(0).address().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(r.nodes4().get(0).id().toString()).startsWith("e4f330046ca5e702");
        assertThat(r.token()).hasSize(32);
        Reply r6 = (Reply) complete(GoldenVectors.load("26-find-reply-n6")).message();
        assertThat(r6.nodes6()).hasSize(1);
        assertThat(r6.nodes6().get(0).address().getAddress()).isEqualTo(InetAddress.getByName("::1"));
    }

    @Test
    void paginatedGetSelectsIdsThenFetchesById() {
        Get select =
                (Get) complete(GoldenVectors.load("05-get-request-select-id")).message();
        assertThat(select.key()).isEqualTo(TESTKEY);
        assertThat(select.query()).isEqualTo(new Query(List.of(Field.ID), List.of()));
        Reply fields =
                (Reply) complete(GoldenVectors.load("06-get-reply-fileds")).message();
        assertThat(fields.projection().fields()).containsExactly(Field.ID);
        assertThat(fields.projection().rows()).containsExactly(List.of(HELLO_ID));
        Get byId = (Get) complete(GoldenVectors.load("07-get-request-where-id")).message();
        assertThat(byId.query().where()).containsExactly(Query.Condition.id(HELLO_ID));
        Reply values =
                (Reply) complete(GoldenVectors.load("08-get-reply-values")).message();
        assertThat(values.values())
                .containsExactly(Value.of(HELLO_ID, 0, "hello_from_A".getBytes(StandardCharsets.UTF_8), "text/plain"));
    }

    @Test
    void putCarriesCreationTimeTokenAndValue() {
        Put put = (Put)
                complete(GoldenVectors.load("09-put-request-with-created")).message();
        assertThat(put.created()).isEqualTo(1795395629L);
        assertThat(put.token()).hasSize(32);
        assertThat(put.values()).extracting(Value::id).containsExactly(HELLO_ID);
        Reply ack = (Reply) complete(GoldenVectors.load("10-put-reply-vid")).message();
        assertThat(ack.valueId()).isEqualTo(HELLO_ID);
    }

    @Test
    void listenAndItsPushes() {
        Listen l = (Listen) complete(GoldenVectors.load("11-listen-request")).message();
        assertThat(l.version()).isEqualTo(1);
        assertThat(l.socketId()).isEqualTo(2038019778L);
        Update u = (Update)
                complete(GoldenVectors.load("13-update-request-new-value")).message();
        assertThat(u.socketId()).isEqualTo(2038019778L);
        assertThat(u.values()).hasSize(1);
        UpdateIds exp = (UpdateIds)
                complete(GoldenVectors.load("14-update-request-expired")).message();
        assertThat(exp.kind()).isEqualTo(UpdateIds.Kind.EXPIRED);
        assertThat(exp.valueIds()).containsExactly(Long.parseUnsignedLong("13573622494646406760"));
        UpdateIds re = (UpdateIds)
                complete(GoldenVectors.load("15-update-request-refreshed")).message();
        assertThat(re.kind()).isEqualTo(UpdateIds.Kind.REFRESHED);
        Listen withQuery = (Listen)
                complete(GoldenVectors.load("30-listen-request-where-usertype")).message();
        assertThat(withQuery.query().where()).containsExactly(Query.Condition.userType("text/plain"));
    }

    @Test
    void refreshAndItsReply() {
        Refresh r = (Refresh) complete(GoldenVectors.load("16-refresh-request")).message();
        assertThat(r.valueId()).isEqualTo(Long.parseUnsignedLong("10444475603600177676"));
        Reply ack = (Reply) complete(GoldenVectors.load("17-refresh-reply")).message();
        assertThat(ack.valueId()).isEqualTo(r.valueId());
    }

    @Test
    void errorsCarryCodeTextAndSender() {
        ErrorReply e401 = (ErrorReply)
                complete(GoldenVectors.load("22-error-401-put-wrong-token")).message();
        assertThat(e401.code()).isEqualTo(401);
        assertThat(e401.text()).isEqualTo("Put with wrong token");
        assertThat(((ErrorReply) complete(GoldenVectors.load("23-error-203-get-no-infohash"))
                                .message())
                        .code())
                .isEqualTo(203);
        assertThat(((ErrorReply) complete(GoldenVectors.load("24-error-404-unknown-storage"))
                                .message())
                        .code())
                .isEqualTo(404);
    }

    @Test
    void networkIdTravelsAsN() {
        assertThat(complete(GoldenVectors.load("27-ping-request-netid42")).network())
                .isEqualTo(42);
        assertThat(complete(GoldenVectors.load("28-ping-reply-netid42")).network())
                .isEqualTo(42);
    }

    @Test
    void selectWithWhereOnType() {
        Get g = (Get) complete(GoldenVectors.load("29-get-request-select-id-seq-where-type"))
                .message();
        assertThat(g.query())
                .isEqualTo(new Query(List.of(Field.ID, Field.SEQ_NUM), List.of(Query.Condition.valueType(0))));
    }

    @Test
    void signedEncryptedAndCertificateValuesDecodeWithAllTheirFields() {
        Value signed = onlyValue("31-put-signed-value-header", "32-put-signed-value-part");
        assertThat(signed.isSigned()).isTrue();
        assertThat(signed.owner()).hasSize(550);
        assertThat(signed.signature()).hasSize(512);
        assertThat(signed.ownerKeyId().toString()).isEqualTo("c2b7267d4ba686bfecadd90754f0999464ef6abb");
        assertThat(signed.userType()).isEqualTo("text/plain");
        Value encrypted = onlyValue(
                "33-put-encrypted-value-header", "34-put-encrypted-value-part-0", "35-put-encrypted-value-part-1");
        assertThat(encrypted.isEncrypted()).isTrue();
        assertThat(encrypted.cypher()).hasSize(1697);
        Value cert = onlyValue("36-put-certificate-header", "37-put-certificate-part-0", "38-put-certificate-part-1");
        assertThat(cert.id()).isEqualTo(1);
        assertThat(cert.type()).isEqualTo(8);
    }

    @Test
    void toSignBytesAreTheBodyOnTheWire() {
        Value signed = onlyValue("31-put-signed-value-header", "32-put-signed-value-part");
        byte[] packed = WireEncoder.packValue(signed);
        byte[] body = WireCodec.toSignBytes(signed);
        // {id, dat: {body: <to-sign>, sig}}: the to-sign bytes appear verbatim in the packed value.
        assertThat(HexFormat.of().formatHex(packed)).contains(HexFormat.of().formatHex(body));
        assertThat(body.length).isEqualTo(607);
    }

    private static Value onlyValue(String... names) {
        DecodeResult.AwaitingParts header = (DecodeResult.AwaitingParts) WireCodec.decode(GoldenVectors.load(names[0]));
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        for (int i = 1; i < names.length; i++) {
            value.writeBytes(
                    ((ValueParts) complete(GoldenVectors.load(names[i])).message())
                            .parts()
                            .get(0)
                            .data());
        }
        Put put = (Put) complete(WireCodec.assemble(header.header(), List.of(value.toByteArray())))
                .message();
        return put.values().get(0);
    }

    private static Packet complete(byte[] wire) {
        return complete(WireCodec.decode(wire));
    }

    private static Packet complete(DecodeResult r) {
        assertThat(r).isInstanceOf(DecodeResult.Complete.class);
        return ((DecodeResult.Complete) r).packet();
    }
}
