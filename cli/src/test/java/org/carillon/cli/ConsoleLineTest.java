package org.carillon.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConsoleLineTest {

    @Test
    void wordsAreSplitOnAnyWhiteSpace() {
        ConsoleLine line = ConsoleLine.parse("  p\tkey   value ");

        assertThat(line.verb()).isEqualTo("p");
        assertThat(line.args()).containsExactly("key", "value");
    }

    @Test
    void quotesKeepSpacesAndEscapesWorkInsideThem() {
        ConsoleLine line = ConsoleLine.parse("p key \"a b \\\"c\\\" \\\\ d\"");

        assertThat(line.args()).containsExactly("key", "a b \"c\" \\ d");
    }

    @Test
    void quotesCanBeJoinedToBareTextAndEmptyQuotesAreAnEmptyWord() {
        assertThat(ConsoleLine.parse("p pre\"fix suf\"fix \"\"").args()).containsExactly("prefix suffix", "");
    }

    @Test
    void backslashesOutsideQuotesAreKept() {
        assertThat(ConsoleLine.parse("p key a\\b").args()).containsExactly("key", "a\\b");
    }

    @Test
    void theRestOfTheLineIsRawForQueries() {
        ConsoleLine line = ConsoleLine.parse("q key   SELECT id,seq WHERE user_type=\"text/plain\"  ");

        assertThat(line.rawFrom(1)).isEqualTo("SELECT id,seq WHERE user_type=\"text/plain\"");
        assertThat(line.rawFrom(5)).isEmpty();
    }

    @Test
    void aBlankLineHasNoVerb() {
        assertThat(ConsoleLine.parse(" \t ").isEmpty()).isTrue();
        assertThat(ConsoleLine.parse("").verb()).isEmpty();
    }

    @Test
    void anUnterminatedQuoteIsAnErrorNamingWhereItStarts() {
        assertThatThrownBy(() -> ConsoleLine.parse("p key \"oops"))
                .isInstanceOf(CommandError.class)
                .hasMessage("unterminated quote starting at column 7");
        assertThatThrownBy(() -> ConsoleLine.parse("p key \"ends with backslash\\\""))
                .isInstanceOf(CommandError.class);
    }
}
