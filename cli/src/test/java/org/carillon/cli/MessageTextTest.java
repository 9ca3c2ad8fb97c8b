package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MessageTextTest {
    @Test
    void aTextWithinTheLimitPasses() {
        assertThat(MessageText.check("héllo", 6)).isEqualTo("héllo");
    }

    @Test
    void anEmptyOrBlankTextIsRefused() {
        assertThatThrownBy(() -> MessageText.check("", 10)).hasMessage("empty message: there is nothing to send");
        assertThatThrownBy(() -> MessageText.check(" \t", 10)).hasMessage("empty message: there is nothing to send");
    }

    @Test
    void aTooLargeTextNamesItsSizeInBytesAndTheLimit() {
        assertThatThrownBy(() -> MessageText.check("héllo!", 6))
                .hasMessage("the message is too large: 7 bytes of UTF-8 text, at most 6");
    }
}
