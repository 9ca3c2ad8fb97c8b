package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChatInputTest {
    @Test
    void plainTextIsSentAsTyped() {
        assertThat(ChatInput.parse("  hello  there ")).isEqualTo(new ChatInput.Send("  hello  there "));
    }

    @Test
    void aDoubleSlashSendsATextThatStartsWithASlash() {
        assertThat(ChatInput.parse("//edit is a command")).isEqualTo(new ChatInput.Send("/edit is a command"));
    }

    @Test
    void emptyLinesDoNothing() {
        assertThat(ChatInput.parse("")).isEqualTo(new ChatInput.Nothing());
        assertThat(ChatInput.parse("   ")).isEqualTo(new ChatInput.Nothing());
        assertThat(ChatInput.parse(null)).isEqualTo(new ChatInput.Nothing());
    }

    @Test
    void editKeepsTheNewTextWithItsInnerSpaces() {
        assertThat(ChatInput.parse("/edit 3 new  text here")).isEqualTo(new ChatInput.Edit(3, "new  text here"));
        assertThat(ChatInput.parse("/EDIT [12] x")).isEqualTo(new ChatInput.Edit(12, "x"));
    }

    @Test
    void deleteQuitAndHelp() {
        assertThat(ChatInput.parse("/delete 7")).isEqualTo(new ChatInput.Delete(7));
        assertThat(ChatInput.parse("/quit")).isEqualTo(new ChatInput.Quit());
        assertThat(ChatInput.parse(" /exit ")).isEqualTo(new ChatInput.Quit());
        assertThat(ChatInput.parse("/help")).isEqualTo(new ChatInput.Help());
    }

    @Test
    void malformedCommandsSayWhatIsWrong() {
        assertThat(reason("/edit 3")).contains("/edit needs a message number and the new text");
        assertThat(reason("/edit x hello")).contains("'x' is not a message number");
        assertThat(reason("/edit 0 hello")).contains("'0' is not a message number");
        assertThat(reason("/edit 99999999999 hello")).contains("is not a message number");
        assertThat(reason("/delete")).contains("/delete needs one message number");
        assertThat(reason("/delete 1 2")).contains("/delete needs one message number");
        assertThat(reason("/delete -1")).contains("'-1' is not a message number");
        assertThat(reason("/quit now")).contains("/quit takes nothing after it");
        assertThat(reason("/frobnicate"))
                .contains("unknown command /frobnicate")
                .contains("/help");
    }

    private static String reason(String line) {
        ChatInput input = ChatInput.parse(line);
        assertThat(input).isInstanceOf(ChatInput.Invalid.class);
        return ((ChatInput.Invalid) input).reason();
    }
}
