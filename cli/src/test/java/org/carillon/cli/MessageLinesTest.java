package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import org.carillon.core.account.AccountId;
import org.carillon.core.message.Message;
import org.carillon.core.message.MessageStatus;
import org.carillon.dht.InfoHash;
import org.jline.utils.AttributedStyle;
import org.junit.jupiter.api.Test;

class MessageLinesTest {
    private static final AccountId BOB = AccountId.parse("b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0");
    private static final long SENT = Instant.parse("2026-12-06T14:02:03.456Z").toEpochMilli();

    private final MessageLines lines = new MessageLines(ZoneOffset.UTC);

    static Message message(long id, boolean outgoing, String body, MessageStatus status) {
        return new Message(
                BOB,
                id,
                outgoing,
                InfoHash.fromHex("d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0"),
                "text/plain",
                body,
                SENT,
                1,
                SENT,
                status,
                0,
                false);
    }

    @Test
    void anOutgoingChatLineEndsWithItsStatusMark() {
        assertThat(lines.chatLine(3, ChatMessage.of(message(1, true, "hello", MessageStatus.SENDING)), "bob")
                        .toString())
                .isEqualTo("[3] 14:02 me: hello …");
        assertThat(lines.chatLine(3, ChatMessage.of(message(1, true, "hello", MessageStatus.SENT)), "bob")
                        .toString())
                .isEqualTo("[3] 14:02 me: hello ✓");
        assertThat(lines.chatLine(3, ChatMessage.of(message(1, true, "hello", MessageStatus.DELIVERED)), "bob")
                        .toString())
                .isEqualTo("[3] 14:02 me: hello ✓✓");
        assertThat(lines.chatLine(3, ChatMessage.of(message(1, true, "hello", MessageStatus.READ)), "bob")
                        .toString())
                .isEqualTo("[3] 14:02 me: hello ✓✓ read");
        assertThat(lines.chatLine(3, ChatMessage.of(message(1, true, "hello", MessageStatus.FAILED)), "bob")
                        .toString())
                .isEqualTo("[3] 14:02 me: hello !");
    }

    @Test
    void anIncomingChatLineNamesThePeerAndHasNoMark() {
        assertThat(lines.chatLine(4, ChatMessage.of(message(2, false, "hi", MessageStatus.RECEIVED)), "bob")
                        .toString())
                .isEqualTo("[4] 14:02 bob: hi");
    }

    @Test
    void readIsColouredAndFailedIsRed() {
        var read = lines.chatLine(1, ChatMessage.of(message(1, true, "x", MessageStatus.READ)), "bob");
        int at = read.toString().indexOf("read");
        assertThat(read.styleAt(at)).isEqualTo(StatusMarks.style(MessageStatus.READ));
        assertThat(StatusMarks.style(MessageStatus.READ).getStyle() & 0xff)
                .isNotEqualTo(StatusMarks.style(MessageStatus.SENT).getStyle() & 0xff);
        var failed = lines.chatLine(1, ChatMessage.of(message(1, true, "x", MessageStatus.FAILED)), "bob");
        assertThat(failed.styleAt(failed.length() - 1))
                .isEqualTo(
                        AttributedStyle.DEFAULT.foreground(AttributedStyle.RED).bold());
    }

    @Test
    void editedAndDeletedMessagesSaySo() {
        Message edited = message(1, true, "old", MessageStatus.DELIVERED).edited("new", SENT + 10, false);
        assertThat(lines.chatLine(1, ChatMessage.of(edited), "bob").toString())
                .isEqualTo("[1] 14:02 me: new (edited) ✓✓");
        Message deleted = message(2, false, "gone", MessageStatus.RECEIVED).edited("", SENT + 10, true);
        assertThat(lines.chatLine(2, ChatMessage.of(deleted), "bob").toString()).isEqualTo("[2] 14:02 bob: (deleted)");
    }

    @Test
    void aStatusChangeIsAShortLineWithTheNumber() {
        assertThat(lines.statusLine(5, MessageStatus.DELIVERED).toString()).isEqualTo("[5] ✓✓ delivered");
        assertThat(lines.statusLine(5, MessageStatus.FAILED).toString()).isEqualTo("[5] ! failed");
    }

    @Test
    void aListLineHasTheTimeTheFullIdTheDirectionAndTheMark() {
        assertThat(MessageLines.listLine(message(0xabcdefL, true, "hello", MessageStatus.DELIVERED)))
                .isEqualTo("2026-12-06T14:02:03Z            abcdef  me    ✓✓       hello");
        assertThat(MessageLines.listLine(message(-1L, false, "hi", MessageStatus.RECEIVED)))
                .isEqualTo("2026-12-06T14:02:03Z  ffffffffffffffff  them  -        hi");
    }

    @Test
    void aPeersEscapeSequencesAndBidiOverridesAreShownNotObeyed() {
        String hostile = "a\u001b[2J\u001b]0;pwned\u0007b\u202Ec\nd\te\u009bf";
        String shown = lines.chatLine(
                        1, ChatMessage.of(message(1, false, hostile, MessageStatus.RECEIVED)), "bob\u001b[31m")
                .toString();
        assertThat(shown)
                .doesNotContain("\u001b")
                .doesNotContain("\u0007")
                .doesNotContain("\u202E")
                .doesNotContain("\u009b")
                .doesNotContain("\n");
        assertThat(shown).isEqualTo("[1] 14:02 bob\uFFFD[31m: a\uFFFD[2J\uFFFD]0;pwned\uFFFDb\uFFFDc↵d e\uFFFDf");
        assertThat(MessageLines.listLine(message(1, false, hostile, MessageStatus.RECEIVED)))
                .doesNotContain("\u001b")
                .doesNotContain("\n");
    }
}
