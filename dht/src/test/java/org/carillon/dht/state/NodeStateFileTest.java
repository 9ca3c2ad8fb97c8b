package org.carillon.dht.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.carillon.dht.InfoHash;
import org.carillon.dht.state.NodeStateFile.Foreign;
import org.carillon.dht.state.NodeStateFile.Missing;
import org.carillon.dht.state.NodeStateFile.Nodes;
import org.carillon.dht.state.NodeStateFile.Unreadable;
import org.carillon.dht.wire.NodeInfo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeStateFileTest {
    private static final Instant WHEN = Instant.parse("2026-11-24T10:00:00Z");
    private final SplittableRandom random = new SplittableRandom(5);
    private final InfoHash self = InfoHash.random(random);

    @TempDir
    Path dir;

    private NodeInfo node(String ip, int port) throws Exception {
        return new NodeInfo(InfoHash.random(random), new InetSocketAddress(InetAddress.getByName(ip), port));
    }

    @Test
    void nodesOfBothFamiliesSurviveARoundTrip() throws Exception {
        List<NodeInfo> nodes = List.of(
                node("127.0.0.1", 4222), node("192.0.2.200", 65535), node("::1", 4301), node("2001:db8::17", 1));
        Path file = dir.resolve("state");

        NodeStateFile.write(file, self, nodes, WHEN);

        assertThat(NodeStateFile.read(file)).isEqualTo(new Nodes(nodes, 0));
        List<String> lines = Files.readAllLines(file);
        assertThat(lines.get(0)).isEqualTo(NodeStateFile.HEADER);
        assertThat(lines.get(1)).startsWith("#").contains(self.toString(), "2026-11-24T10:00:00Z");
        assertThat(lines.subList(2, lines.size()))
                .containsExactly(
                        nodes.get(0).id() + " 127.0.0.1:4222",
                        nodes.get(1).id() + " 192.0.2.200:65535",
                        nodes.get(2).id() + " [0:0:0:0:0:0:0:1]:4301",
                        nodes.get(3).id() + " [2001:db8:0:0:0:0:0:17]:1");
    }

    @Test
    void aRewriteReplacesTheListAndLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("state");
        NodeStateFile.write(file, self, List.of(node("127.0.0.1", 1), node("127.0.0.1", 2)), WHEN);
        List<NodeInfo> second = List.of(node("127.0.0.2", 3));

        NodeStateFile.write(file, self, second, WHEN);

        assertThat(NodeStateFile.read(file)).isEqualTo(new Nodes(second, 0));
        assertThat(filesIn(dir)).containsExactly(file);
    }

    @Test
    void aWriteThatDiesHalfwayLeavesTheOldFileWhole() throws Exception {
        Path file = dir.resolve("state");
        List<NodeInfo> saved = List.of(node("127.0.0.1", 1));
        NodeStateFile.write(file, self, saved, WHEN);
        String before = Files.readString(file);
        NodeInfo one = node("127.0.0.1", 2);
        List<NodeInfo> dying = new AbstractList<>() {
            @Override
            public NodeInfo get(int index) {
                if (index == 500) {
                    throw new IllegalStateException("crash while writing node " + index);
                }
                return one;
            }

            @Override
            public int size() {
                return 1000;
            }
        };

        assertThatThrownBy(() -> NodeStateFile.write(file, self, dying, WHEN))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("crash while writing node 500");

        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(filesIn(dir)).containsExactly(file);
    }

    @Test
    void malformedLinesAreSkippedAndCounted() throws Exception {
        NodeInfo good4 = node("10.1.2.3", 4222);
        NodeInfo good6 = node("fd00::2", 4223);
        String id = InfoHash.random(random).toString();
        Path file = dir.resolve("state");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        NodeStateFile.HEADER,
                        "# a comment",
                        "",
                        NodeStateFile.lineOf(good4),
                        "garbage",
                        id,
                        id + " 10.1.2.3",
                        id + " 10.1.2.3:0",
                        id + " 10.1.2.3:70000",
                        id + " 10.1.2.3:-1",
                        id + " 10.1.2.256:4222",
                        id + " 127.1:4222",
                        id + " localhost:4222",
                        id + " [localhost]:4222",
                        id + " [fe80::1%eth0]:4222",
                        id + " [::ffff:10.1.2.3]:4222",
                        id + " ::1:4222",
                        id.substring(1) + " 10.1.2.3:4222",
                        id.replace(id.charAt(0), 'g') + " 10.1.2.3:4222",
                        id + " 10.1.2.3:4222 extra",
                        "  " + NodeStateFile.lineOf(good6) + "  ",
                        id + " 10.1.2")); // a last line cut short

        assertThat(NodeStateFile.read(file)).isEqualTo(new Nodes(List.of(good4, good6), 17));
    }

    @Test
    void aMissingFileIsAFirstStart() {
        assertThat(NodeStateFile.read(dir.resolve("never-written"))).isInstanceOf(Missing.class);
    }

    @Test
    void aFileThatIsNotAStateFileIsForeign() throws Exception {
        Path text = dir.resolve("notes.txt");
        Files.writeString(text, "shopping list\n" + node("127.0.0.1", 1).id() + " 127.0.0.1:1\n");
        Path binary = dir.resolve("blob");
        byte[] junk = new byte[4096];
        new SplittableRandom(9).nextBytes(junk);
        junk[0] = (byte) 0xff; // never valid UTF-8
        Files.write(binary, junk);
        Path empty = dir.resolve("empty");
        Files.write(empty, new byte[0]);
        Path huge = dir.resolve("huge");
        Files.write(
                huge,
                (NodeStateFile.HEADER + "\n" + "#".repeat((int) NodeStateFile.MAX_BYTES))
                        .getBytes(StandardCharsets.UTF_8));

        assertThat(NodeStateFile.read(text)).isInstanceOf(Foreign.class);
        assertThat(NodeStateFile.read(binary)).isEqualTo(new Foreign("not UTF-8 text"));
        assertThat(NodeStateFile.read(empty)).isInstanceOf(Foreign.class);
        assertThat(NodeStateFile.read(huge)).isInstanceOf(Foreign.class);
    }

    @Test
    void aDirectoryIsUnreadable() {
        assertThat(NodeStateFile.read(dir)).isEqualTo(new Unreadable("it is a directory"));
    }

    @Test
    void noMoreThanMaxNodesAreRead() throws Exception {
        StringBuilder text = new StringBuilder(NodeStateFile.HEADER + "\n");
        int lines = NodeStateFile.MAX_NODES + 10;
        for (int i = 0; i < lines; i++) {
            text.append(NodeStateFile.lineOf(node("127.0.0.1", 1 + i))).append('\n');
        }
        Path file = dir.resolve("state");
        Files.writeString(file, text);

        Nodes read = (Nodes) NodeStateFile.read(file);

        assertThat(read.nodes()).hasSize(NodeStateFile.MAX_NODES);
        assertThat(read.skippedLines()).isEqualTo(10);
    }

    @Test
    void aMissingDirectoryIsNamedInTheError() {
        Path file = dir.resolve("no-such-dir").resolve("state");

        assertThatThrownBy(() -> NodeStateFile.write(file, self, List.of(), WHEN))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot save the node state to " + file + ": directory " + file.getParent()
                        + " does not exist");
    }

    @Test
    void aParentThatIsAFileIsNamedInTheError() throws Exception {
        Path notADir = Files.writeString(dir.resolve("plain"), "x");
        Path file = notADir.resolve("state");

        assertThatThrownBy(() -> NodeStateFile.write(file, self, List.of(), WHEN))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot save the node state to " + file + ": " + notADir + " is not a directory");
    }

    @Test
    void aReadOnlyDirectoryGivesAPermissionError() throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("ro"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Assumptions.assumeFalse(
                    Files.isWritable(readOnly), "running as root: a read-only directory is still writable");
            Path file = readOnly.resolve("state");

            assertThatThrownBy(() -> NodeStateFile.write(file, self, List.of(), WHEN))
                    .isInstanceOf(IOException.class)
                    .hasMessage("cannot save the node state to " + file + ": no permission to write in " + readOnly);
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static List<Path> filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.toList());
        }
    }
}
