package org.carillon.dht.index;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.carillon.dht.InfoHash;

/**
 * dhtnode's index verbs for a console: {@code ii <name> <key> <value>} and {@code il <name> <key>
 * [exact]}, with dhtnode 2.4.12's argument parsing, defaults and messages. As in dhtnode, an
 * index is created the first time a command names it, its {@link KeySpec} taken from that
 * command's key ({@link KeySpec#fittingKey}), and kept for the life of this object.
 *
 * <p>{@link #execute} returns the lines dhtnode would print for the command.
 */
public final class IndexConsole implements AutoCloseable {
    /** Indexes one console may create (dhtnode keeps every one for the life of the process). */
    static final int MAX_INDEXES = 1024;

    private final IndexStorage storage;
    private final Map<String, PrefixIndex> indexes = new HashMap<>();
    /** Canary coin flips for every index of this console. */
    private final RandomGenerator random = new SecureRandom();

    public IndexConsole(IndexStorage storage) {
        this.storage = storage;
    }

    /** Whether {@link #execute} handles this command word. */
    public static boolean handles(String verb) {
        return verb.equals("ii") || verb.equals("il");
    }

    /**
     * Runs one console line starting with {@code ii} or {@code il}; completes with the lines to
     * print (never exceptionally: failures are reported in the lines, as dhtnode does).
     */
    public CompletableFuture<List<String>> execute(String line) {
        String[] words = line.trim().split("\\s+");
        String verb = words.length > 0 ? words[0] : "";
        if (!handles(verb)) {
            throw new IllegalArgumentException("not an index command: " + line);
        }
        String name = words.length > 1 ? words[1] : "";
        String keyText = words.length > 2 ? words[2] : "";
        String third = words.length > 3 ? words[3] : "";
        if (name.isEmpty()) {
            return done("You must enter the index name.");
        }
        Map<String, byte[]> key = parseKey(keyText);
        PrefixIndex index;
        synchronized (indexes) {
            index = indexes.get(name);
            if (index == null) {
                if (key.isEmpty()) {
                    // dhtnode would create an index with no fields and crash on its first lookup
                    return done("The key must have at least one field: <field>:<value>[,<field>:<value>...]");
                }
                if (indexes.size() >= MAX_INDEXES) {
                    return done("Too many indexes (" + MAX_INDEXES + ").");
                }
                KeySpec spec;
                try {
                    spec = KeySpec.fittingKey(key);
                } catch (IllegalArgumentException e) {
                    return done("Invalid key: " + e.getMessage());
                }
                index = new PrefixIndex(name, spec, storage, InstantSource.system(), random);
                indexes.put(name, index);
            }
        }
        return verb.equals("ii") ? insert(index, key, third) : lookup(index, key, !third.equals("false"));
    }

    private static CompletableFuture<List<String>> insert(PrefixIndex index, Map<String, byte[]> key, String hash) {
        InfoHash h = parseInfoHash(hash);
        if (h == null) {
            return done("Syntax error: invalid InfoHash.");
        }
        CompletableFuture<Void> inserting;
        try {
            inserting = index.insert(key, new IndexValue(h, 0));
        } catch (IllegalArgumentException e) {
            return done(KeyLinearizer.INVALID_KEY);
        }
        return inserting.handle((ok, error) -> List.of("Pht::insert: " + (error == null ? "done." : "failed.")));
    }

    private static CompletableFuture<List<String>> lookup(PrefixIndex index, Map<String, byte[]> key, boolean exact) {
        long start = System.nanoTime();
        CompletableFuture<PrefixIndex.IndexLookup> looking;
        try {
            looking = index.lookupLeaf(key, exact);
        } catch (IllegalArgumentException e) {
            return done(KeyLinearizer.INVALID_KEY);
        }
        return looking.handle((found, error) -> {
            String took = " took " + duration(Duration.ofNanos(System.nanoTime() - start));
            if (error != null) {
                return List.of("Pht::lookup: failed." + took);
            }
            List<String> out = new ArrayList<>();
            if (!found.values().isEmpty()) {
                out.add("Pht::lookup: found entries!");
                out.addAll(describe(found.leaf()));
                out.add("   hash: " + found.leaf().key());
                out.add("   entries:");
                for (IndexValue v : found.values()) {
                    out.add("      " + v.hash() + "[vid: " + Long.toHexString(v.valueId()) + "]");
                }
            }
            out.add("Pht::lookup: done." + took);
            return List.copyOf(out);
        });
    }

    /**
     * dhtnode's {@code parseStringMap}: pieces split on ',', each read as {@code key:value} pairs
     * with {@code std::getline}, whose stream semantics decide the odd cases: in {@code a:1:b} the
     * key {@code b} keeps the value read before it, while {@code a:1:b:} gives {@code b} an empty one.
     */
    public static Map<String, String> parseStringMap(String text) {
        Map<String, String> map = new TreeMap<>(KeySpec.NAME_ORDER);
        for (String piece : text.split(",", -1)) {
            ColonReader in = new ColonReader(piece);
            String value = "";
            String key;
            while ((key = in.next(null)) != null) {
                value = in.next(value);
                map.put(key, value == null ? "" : value);
                if (value == null) {
                    value = "";
                }
            }
        }
        return map;
    }

    /** {@code std::getline(stream, s, ':')} on a string stream. */
    private static final class ColonReader {
        private final String s;
        private int pos;
        private boolean eof;

        ColonReader(String s) {
            this.s = s;
        }

        /**
         * The next field; on failure {@code unchanged} when the stream was already at its end (the
         * target string is left alone), null when the read itself found nothing (it was erased).
         */
        String next(String unchanged) {
            if (eof) {
                return unchanged;
            }
            int colon = s.indexOf(':', pos);
            if (colon >= 0) {
                String field = s.substring(pos, colon);
                pos = colon + 1;
                return field;
            }
            String field = s.substring(pos);
            pos = s.length();
            eof = true;
            return field.isEmpty() ? null : field;
        }
    }

    /** The key of a command: dhtnode's {@code createPhtKey(parseStringMap(...))}. */
    public static Map<String, byte[]> parseKey(String text) {
        Map<String, byte[]> key = new LinkedHashMap<>();
        parseStringMap(text).forEach((k, v) -> key.put(k, v.getBytes(StandardCharsets.UTF_8)));
        return key;
    }

    /** dhtnode's InfoHash parsing: the first 40 characters as hex; anything else (or zero) is invalid. */
    static InfoHash parseInfoHash(String text) {
        if (text.length() < 2 * InfoHash.SIZE) {
            return null;
        }
        String hex = text.substring(0, 2 * InfoHash.SIZE);
        if (!hex.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128)) {
            return null;
        }
        InfoHash h = InfoHash.fromHex(hex.toLowerCase(Locale.ROOT));
        return h.isZero() ? null : h;
    }

    /** dhtnode's {@code Prefix::toString}, flags shown as all set over the prefix's bits. */
    private static List<String> describe(Prefix leaf) {
        byte[] content = leaf.content();
        byte[] flags = new byte[content.length];
        for (int i = 0; i < leaf.size(); i++) {
            flags[i / 8] |= (byte) (0x80 >>> (i % 8));
        }
        return List.of(
                "Prefix : ",
                "\tContent_ : \"" + blobToString(content) + "\"",
                "\tFlags_   : \"" + blobToString(flags) + "\"",
                "");
    }

    /** OpenDHT's {@code blobToString}: every byte in bits, then (sic) size%8 bits of byte size/8. */
    private static String blobToString(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%8s", Integer.toBinaryString(x & 0xff)).replace(' ', '0'))
                    .append(' ');
        }
        for (int i = 0; i < b.length % 8; i++) {
            sb.append(((b[b.length / 8] >> (7 - i)) & 1) != 0 ? '1' : '0');
        }
        return sb.toString();
    }

    /** OpenDHT's {@code print_duration}: three significant digits and a unit. */
    static String duration(Duration d) {
        double nanos = d.toNanos();
        if (nanos < 1e6) {
            return significant(nanos / 1e3) + " us";
        }
        if (nanos < 1e9) {
            return significant(nanos / 1e6) + " ms";
        }
        return significant(nanos / 1e9) + " s";
    }

    private static String significant(double v) {
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static CompletableFuture<List<String>> done(String line) {
        return CompletableFuture.completedFuture(List.of(line));
    }

    /** Closes every index this console created. */
    @Override
    public void close() {
        synchronized (indexes) {
            indexes.values().forEach(PrefixIndex::close);
            indexes.clear();
        }
    }
}
