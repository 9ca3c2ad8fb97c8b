package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.carillon.cli.MessageLinesTest.message;

import org.carillon.core.message.MessageStatus;
import org.junit.jupiter.api.Test;

class ChatTranscriptTest {
    private final ChatTranscript transcript = new ChatTranscript();

    @Test
    void messagesAreNumberedInTheOrderTheyAreShownAndKeepTheirNumber() {
        assertThat(transcript.number(ChatMessage.of(message(100, true, "a", MessageStatus.SENDING))))
                .isEqualTo(1);
        assertThat(transcript.number(ChatMessage.of(message(200, false, "b", MessageStatus.RECEIVED))))
                .isEqualTo(2);
        assertThat(transcript.number(ChatMessage.of(message(100, true, "a", MessageStatus.DELIVERED))))
                .isEqualTo(1);
        assertThat(transcript.numberOf(200)).contains(2);
        assertThat(transcript.numberOf(300)).isEmpty();
        assertThat(transcript.message(1).orElseThrow().status()).isEqualTo(MessageStatus.DELIVERED);
    }

    @Test
    void aMessageShownAsItIsIsKnownAndAnyChangeIsNot() {
        ChatMessage sent = ChatMessage.of(message(100, true, "a", MessageStatus.SENT));
        assertThat(transcript.shows(sent)).isFalse();
        transcript.number(sent);
        assertThat(transcript.shows(sent)).isTrue();
        assertThat(transcript.shows(sent.withStatus(MessageStatus.DELIVERED))).isFalse();
        assertThat(transcript.shows(ChatMessage.of(
                        message(100, true, "a", MessageStatus.SENT).edited("b", 5, false))))
                .isFalse();
    }

    @Test
    void onlyOwnMessagesThatExistAndAreNotDeletedCanBeChanged() {
        transcript.number(ChatMessage.of(message(100, true, "a", MessageStatus.SENT)));
        transcript.number(ChatMessage.of(message(200, false, "b", MessageStatus.RECEIVED)));
        transcript.number(
                ChatMessage.of(message(300, true, "c", MessageStatus.SENT).edited("", 1, true)));
        assertThat(transcript.ownMessage(1).id()).isEqualTo(100);
        assertThatThrownBy(() -> transcript.ownMessage(2))
                .hasMessage("[2] is not your message: only its author can change it");
        assertThatThrownBy(() -> transcript.ownMessage(3)).hasMessage("[3] is deleted already");
        assertThatThrownBy(() -> transcript.ownMessage(4)).hasMessage("no message [4] in this chat");
    }
}
