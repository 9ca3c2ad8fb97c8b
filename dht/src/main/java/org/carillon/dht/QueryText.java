package org.carillon.dht;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The text form of a {@link Query}, as dhtnode's console reads it: {@code SELECT id,seq WHERE
 * value_type=0,user_type=text/plain}.
 *
 * <p>Grammar: {@code [SELECT (* | field {, field})] [WHERE field=operand {, field=operand}]},
 * keywords in any case, spaces allowed around {@code ,} and {@code =}. Fields are {@code id},
 * {@code value_type}, {@code owner_pk}, {@code seq} and {@code user_type}; an operand is a bare
 * word or a double-quoted string with {@code \"} and {@code \\} escapes. OpenDHT's own parser
 * silently skips what it does not understand; this one refuses it and names the token, so a
 * typo never turns into a query for everything.
 */
final class QueryText {
    private static final String FIELDS = "id, value_type, owner_pk, seq, user_type";

    private final String text;
    private int pos;

    private QueryText(String text) {
        this.text = text;
    }

    static Query parse(String text) {
        Objects.requireNonNull(text, "query text");
        return new QueryText(text).query();
    }

    /** The text {@link #parse} reads back into {@code query}. */
    static String format(Query query) {
        StringBuilder s = new StringBuilder("SELECT ");
        if (query.select().isEmpty()) {
            s.append('*');
        } else {
            for (int i = 0; i < query.select().size(); i++) {
                s.append(i == 0 ? "" : ",").append(name(query.select().get(i)));
            }
        }
        for (int i = 0; i < query.where().size(); i++) {
            Query.Condition c = query.where().get(i);
            s.append(i == 0 ? " WHERE " : ",").append(name(c.field())).append('=');
            Object operand = c.operand();
            if (c.field() == Field.ID) {
                s.append(Long.toUnsignedString((Long) operand));
            } else if (operand instanceof byte[] bytes) {
                s.append(quoteIfNeeded(new String(bytes, StandardCharsets.UTF_8)));
            } else {
                s.append(operand);
            }
        }
        return s.toString();
    }

    private Query query() {
        List<Field> select = new ArrayList<>();
        List<Query.Condition> where = new ArrayList<>();
        Token first = next();
        if (first == null) {
            return Query.ALL;
        }
        Token token = first;
        if (token.isKeyword("SELECT")) {
            token = selectList(token, select);
        }
        if (token != null && token.isKeyword("WHERE")) {
            token = conditions(token, where);
        }
        if (token != null) {
            throw error(
                    token,
                    token == first
                            ? "expected SELECT or WHERE, got '" + token.text + "'"
                            : "unexpected '" + token.text + "'");
        }
        return new Query(select, where);
    }

    /** Reads the fields after SELECT; returns the token that follows them. */
    private Token selectList(Token selectKeyword, List<Field> select) {
        Token token = next();
        if (token == null || token.isKeyword("WHERE")) {
            throw error(token == null ? endToken() : token, "SELECT needs '*' or fields (" + FIELDS + ")");
        }
        if (token.is("*")) {
            return next();
        }
        while (true) {
            Field field = field(token);
            if (!select.contains(field)) {
                select.add(field);
            }
            token = next();
            if (token == null || !token.is(",")) {
                return token;
            }
            token = required(next(), "a field after ','");
        }
    }

    /** Reads the conditions after WHERE; returns the token that follows them. */
    private Token conditions(Token whereKeyword, List<Query.Condition> where) {
        Token token = required(next(), "a condition such as value_type=0 after WHERE");
        while (true) {
            Field field = field(token);
            Token equals = required(next(), "'=' after " + token.text);
            if (!equals.is("=")) {
                throw error(equals, "expected '=' after " + token.text + ", got '" + equals.text + "'");
            }
            Token operand = required(next(), "a value for " + token.text);
            if (operand.isPunctuation()) {
                throw error(operand, "expected a value for " + token.text + ", got '" + operand.text + "'");
            }
            where.add(condition(field, token, operand));
            token = next();
            if (token == null || !token.is(",")) {
                return token;
            }
            token = required(next(), "a condition after ','");
        }
    }

    private Query.Condition condition(Field field, Token name, Token operand) {
        String v = operand.text;
        switch (field) {
            case ID:
                return Query.Condition.id(unsigned(operand, name.text, 64));
            case VALUE_TYPE:
                return Query.Condition.valueType((int) unsigned(operand, name.text, 16));
            case OWNER_PK:
                if (v.length() != 2 * InfoHash.SIZE || !v.chars().allMatch(QueryText::isAsciiHex)) {
                    throw error(operand, "owner_pk must be a public key id of 40 hex digits, got '" + v + "'");
                }
                return new Query.Condition(Field.OWNER_PK, InfoHash.fromHex(v.toLowerCase(Locale.ROOT)));
            case USER_TYPE:
                if (v.isEmpty()) {
                    throw error(operand, "user_type needs a non-empty value");
                }
                return Query.Condition.userType(v);
            default:
                throw error(name, "seq cannot be a WHERE condition (OpenDHT 2.4.12 cannot encode it)");
        }
    }

    /** A decimal or 0x-hex number of at most {@code bits} bits. */
    private long unsigned(Token operand, String fieldName, int bits) {
        String v = operand.text;
        boolean hex = v.length() > 2 && (v.startsWith("0x") || v.startsWith("0X"));
        String digits = hex ? v.substring(2) : v;
        int radix = hex ? 16 : 10;
        boolean valid = !operand.quoted
                && !digits.isEmpty()
                && digits.chars().allMatch(c -> c < 128 && Character.digit(c, radix) >= 0);
        long max = bits == 64 ? -1L : (1L << bits) - 1;
        try {
            if (valid) {
                long n = Long.parseUnsignedLong(digits, radix);
                if (bits == 64 || Long.compareUnsigned(n, max) <= 0) {
                    return n;
                }
            }
        } catch (NumberFormatException tooLarge) {
            // reported below
        }
        throw error(
                operand,
                fieldName + " must be a number in 0.." + Long.toUnsignedString(max) + " (decimal or 0x-hex), got '" + v
                        + "'");
    }

    private Field field(Token token) {
        if (!token.quoted) {
            switch (token.text.toLowerCase(Locale.ROOT)) {
                case "id":
                    return Field.ID;
                case "value_type":
                    return Field.VALUE_TYPE;
                case "owner_pk":
                    return Field.OWNER_PK;
                case "seq":
                    return Field.SEQ_NUM;
                case "user_type":
                    return Field.USER_TYPE;
                default:
                    break;
            }
        }
        throw error(token, "unknown field '" + token.text + "' (fields: " + FIELDS + ")");
    }

    private static String name(Field field) {
        switch (field) {
            case ID:
                return "id";
            case VALUE_TYPE:
                return "value_type";
            case OWNER_PK:
                return "owner_pk";
            case SEQ_NUM:
                return "seq";
            default:
                return "user_type";
        }
    }

    // ---------------------------------------------------------------- tokens

    /** A word, a quoted string or one of {@code , = *}, at column {@code at} (0-based). */
    private record Token(String text, boolean quoted, int at) {
        boolean is(String punctuation) {
            return !quoted && text.equals(punctuation);
        }

        boolean isPunctuation() {
            return is(",") || is("=");
        }

        boolean isKeyword(String keyword) {
            return !quoted && text.equalsIgnoreCase(keyword);
        }
    }

    private Token required(Token token, String what) {
        if (token == null) {
            throw error(endToken(), "expected " + what);
        }
        return token;
    }

    private Token endToken() {
        return new Token("", false, text.length());
    }

    private Token next() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        if (pos >= text.length()) {
            return null;
        }
        int start = pos;
        char c = text.charAt(pos);
        if (c == ',' || c == '=' || c == '*') {
            pos++;
            return new Token(String.valueOf(c), false, start);
        }
        if (c == '"') {
            return quoted(start);
        }
        while (pos < text.length() && !isDelimiter(text.charAt(pos))) {
            if (Character.isISOControl(text.charAt(pos))) {
                throw error(
                        new Token("", false, pos),
                        String.format("control character U+%04X outside quotes", (int) text.charAt(pos)));
            }
            pos++;
        }
        return new Token(text.substring(start, pos), false, start);
    }

    private Token quoted(int start) {
        StringBuilder s = new StringBuilder();
        pos++;
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return new Token(s.toString(), true, start);
            }
            if (c == '\\' && pos < text.length()) {
                c = text.charAt(pos++);
            }
            s.append(c);
        }
        throw error(new Token(text.substring(start), true, start), "unterminated quoted string");
    }

    private static boolean isDelimiter(char c) {
        return Character.isWhitespace(c) || c == ',' || c == '=' || c == '"';
    }

    private static String quoteIfNeeded(String s) {
        boolean bare = !s.isEmpty()
                && !s.equals("*")
                && !s.equalsIgnoreCase("SELECT")
                && !s.equalsIgnoreCase("WHERE")
                && s.chars().noneMatch(c -> isDelimiter((char) c) || c == '\\' || Character.isISOControl(c));
        if (bare) {
            return s;
        }
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static boolean isAsciiHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private IllegalArgumentException error(Token at, String message) {
        return new IllegalArgumentException("bad query at column " + (at.at + 1) + ": " + printable(message, 300)
                + " in \"" + printable(text, 200) + "\"");
    }

    /**
     * At most {@code limit} characters on one printable line: a hostile query must not flood a
     * console or a log, nor move its cursor with control characters.
     */
    private static String printable(String s, int limit) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), limit); i++) {
            char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return s.length() > limit ? b + "…" : b.toString();
    }
}
