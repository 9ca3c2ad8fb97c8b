package org.carillon.dht.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.carillon.dht.InfoHash;
import org.carillon.dht.wire.NodeInfo;

/**
 * The node state file: a text file of the good nodes a node knew, so that it can rejoin after
 * a restart without a bootstrap address. One node per line, {@code <40 hex digits id>
 * <address>:<port>}, the address an IPv4 literal or a bracketed IPv6 literal; {@code #} lines
 * are comments, and the first line names the format so a mistyped path is never taken for (or
 * overwritten as) a state file.
 *
 * <p>OpenDHT's {@code dhtnode --persist} writes a msgpack blob in place; this one is written to
 * a temporary file that replaces the old one atomically, so a crash leaves the old file or the
 * new one, never half of one.
 */
public final class NodeStateFile {
    /** The first line of every state file. */
    public static final String HEADER = "# carillon node state v1";
    /** A state file holds at most this many nodes; more lines are skipped (two full tables hold ~2600). */
    public static final int MAX_NODES = 4096;
    /** Larger files are not state files (4096 nodes take ~260 KB). */
    public static final long MAX_BYTES = 1 << 20;

    private static final Pattern ID = Pattern.compile("[0-9a-fA-F]{40}");
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

    private NodeStateFile() {}

    /** What reading a state file found. */
    public sealed interface Loaded {}

    /** There is no file at the path yet: a first start. */
    public record Missing() implements Loaded {}

    /**
     * A state file: the nodes of its well-formed lines, and how many other lines (neither
     * comments nor blank) were skipped.
     */
    public record Nodes(List<NodeInfo> nodes, int skippedLines) implements Loaded {
        public Nodes {
            nodes = List.copyOf(nodes);
        }
    }

    /** The file could not be read (permissions, a directory, an I/O error). */
    public record Unreadable(String reason) implements Loaded {}

    /** The file exists but is not a node state file: it must not be overwritten. */
    public record Foreign(String reason) implements Loaded {}

    /** Reads {@code file}; never throws. */
    public static Loaded read(Path file) {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                return new Unreadable("it is a directory");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                return new Foreign(size + " bytes, more than a state file ever holds (" + MAX_BYTES + ")");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new Missing();
        } catch (AccessDeniedException e) {
            return new Unreadable("permission denied");
        } catch (IOException | UncheckedIOException e) {
            return new Unreadable(e.toString());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return new Foreign("not UTF-8 text");
        }
        return parse(text);
    }

    /** Parses a state file's text. */
    static Loaded parse(String text) {
        String[] lines = text.split("\r?\n", -1);
        if (!lines[0].strip().equals(HEADER)) {
            return new Foreign("its first line is not \"" + HEADER + "\"");
        }
        List<NodeInfo> nodes = new ArrayList<>();
        int skipped = 0;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            NodeInfo node = nodeOf(line);
            if (node == null || nodes.size() >= MAX_NODES) {
                skipped++;
            } else {
                nodes.add(node);
            }
        }
        return new Nodes(nodes, skipped);
    }

    /** The node on one line, or null if the line is not {@code <id> <address>:<port>}. */
    static NodeInfo nodeOf(String line) {
        String[] words = line.split("\\s+");
        if (words.length != 2 || !ID.matcher(words[0]).matches()) {
            return null;
        }
        InetSocketAddress address = addressOf(words[1]);
        return address == null ? null : new NodeInfo(InfoHash.fromHex(words[0].toLowerCase()), address);
    }

    /** {@code 1.2.3.4:P} or {@code [v6]:P}, literals only: a state file never causes a DNS lookup. */
    private static InetSocketAddress addressOf(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1 || s.length() - colon > 6) {
            return null;
        }
        String host = s.substring(0, colon);
        String portText = s.substring(colon + 1);
        if (!portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int port = Integer.parseInt(portText);
        if (port < 1 || port > 65535) {
            return null;
        }
        boolean bracketed = host.startsWith("[") && host.endsWith("]");
        String literal = bracketed ? host.substring(1, host.length() - 1) : host;
        if (bracketed
                ? !IPV6.matcher(literal).matches() || literal.indexOf(':') < 0
                : !IPV4.matcher(literal).matches()) {
            return null;
        }
        try {
            // Only literals reach here (brackets make the JDK parse IPv6 without resolving).
            InetAddress ip = InetAddress.getByName(bracketed ? "[" + literal + "]" : literal);
            if (bracketed != (ip instanceof Inet6Address)) {
                return null; // an IPv4-mapped literal comes back as IPv4: keep one spelling per family
            }
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** How a node is written on its line. */
    static String lineOf(NodeInfo node) {
        InetAddress ip = node.address().getAddress();
        String host = ip instanceof Inet6Address ? "[" + ip.getHostAddress() + "]" : ip.getHostAddress();
        return node.id() + " " + host + ":" + node.address().getPort();
    }

    /**
     * Replaces {@code file} with one listing {@code nodes}: written beside it under a temporary
     * name, flushed to disk, then moved over it atomically.
     *
     * @throws IOException naming the file and what prevented the write
     */
    public static void write(Path file, InfoHash self, List<NodeInfo> nodes, Instant when) throws IOException {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (!Files.exists(dir)) {
            throw new IOException("cannot save the node state to " + file + ": directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException("cannot save the node state to " + file + ": " + dir + " is not a directory");
        }
        if (Files.isDirectory(target)) {
            throw new IOException("cannot save the node state to " + file + ": it is a directory");
        }
        Path temp;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        } catch (AccessDeniedException e) {
            throw new IOException("cannot save the node state to " + file + ": no permission to write in " + dir, e);
        } catch (IOException e) {
            throw new IOException("cannot save the node state to " + file + ": " + e, e);
        }
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                    Writer out = Channels.newWriter(channel, StandardCharsets.UTF_8)) {
                out.write(HEADER + "\n");
                out.write("# " + nodes.size() + " good nodes of " + self + " at " + when
                        + "; one \"<node id> <address>:<port>\" per line\n");
                for (NodeInfo n : nodes.subList(0, Math.min(nodes.size(), MAX_NODES))) {
                    out.write(lineOf(n) + "\n");
                }
                out.flush();
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp); // the old file, if any, is untouched
            throw new IOException("cannot save the node state to " + file + ": " + e, e);
        }
    }
}
