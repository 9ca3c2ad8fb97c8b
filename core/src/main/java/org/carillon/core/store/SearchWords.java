package org.carillon.core.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns what a user typed into an FTS5 query that FTS5 reads as plain words: each word becomes
 * a quoted string (a quote inside doubled) followed by {@code *}, a prefix match, and the words
 * are ANDed. Inside quotes nothing is an operator ({@code AND}, {@code NEAR(}, {@code -}, {@code
 * ^}, {@code column:}), and FTS5 tokenizes the string as it tokenized the bodies.
 */
final class SearchWords {
    /** More words than anyone types into a search box; a longer query is refused, not parsed. */
    static final int MAX_WORDS = 64;

    private SearchWords() {}

    /** The FTS5 query, or empty when {@code words} holds nothing FTS5 would index (blank, only punctuation). */
    static Optional<String> ftsQuery(String words) {
        if (words == null) {
            throw new IllegalArgumentException("a search needs words (an empty string finds nothing)");
        }
        List<String> terms = new ArrayList<>();
        for (String word : words.replace('\0', ' ').split("[\\s\\p{Z}]+")) {
            if (indexable(word)) {
                terms.add('"' + word.replace("\"", "\"\"") + "\"*");
            }
        }
        if (terms.size() > MAX_WORDS) {
            throw new IllegalArgumentException("a search takes at most " + MAX_WORDS + " words, not " + terms.size());
        }
        return terms.isEmpty() ? Optional.empty() : Optional.of(String.join(" ", terms));
    }

    /**
     * Whether the word holds a character the index's tokenizer keeps (its categories: letters,
     * numbers, private use, other symbols). A word without one would be an empty phrase, which
     * FTS5 matches with nothing.
     */
    private static boolean indexable(String word) {
        return word.codePoints().anyMatch(SearchWords::wordCharacter);
    }

    private static boolean wordCharacter(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.UPPERCASE_LETTER,
                    Character.LOWERCASE_LETTER,
                    Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER,
                    Character.OTHER_LETTER,
                    Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER,
                    Character.OTHER_NUMBER,
                    Character.PRIVATE_USE,
                    Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }
}
