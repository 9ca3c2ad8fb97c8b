package org.carillon.dht.state;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.carillon.dht.InfoHash;
import org.carillon.dht.sim.VirtualScheduler;
import org.carillon.dht.wire.NodeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class NodeStateKeeperTest {
    private final SplittableRandom random = new SplittableRandom(11);
    private final VirtualScheduler clock = new VirtualScheduler(1_700_000_000_000L);
    private final List<NodeInfo> good = new ArrayList<>();

    private final Logger logger = (Logger) LoggerFactory.getLogger(NodeStateKeeper.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @TempDir
    Path dir;

    @BeforeEach
    void captureLogs() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        logger.detachAppender(logs);
    }

    private List<String> logged(Level atLeast) {
        return logs.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(atLeast))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private NodeInfo node(int port) throws Exception {
        return new NodeInfo(InfoHash.random(random), new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
    }

    private NodeStateKeeper keeper(Path file) {
        return new NodeStateKeeper(file, InfoHash.random(random), clock, () -> List.copyOf(good));
    }

    @Test
    void theGoodNodesAreSavedEveryTenMinutes() throws Exception {
        Path file = dir.resolve("state");
        NodeStateKeeper keeper = keeper(file);
        assertThat(keeper.load()).isEmpty();
        keeper.start();
        good.add(node(1));

        clock.runFor(NodeStateKeeper.SAVE_INTERVAL - 1);
        assertThat(file).doesNotExist();
        clock.runFor(1);
        assertThat(NodeStateFile.read(file)).isEqualTo(new NodeStateFile.Nodes(good, 0));

        good.add(node(2));
        clock.runFor(NodeStateKeeper.SAVE_INTERVAL);
        assertThat(NodeStateFile.read(file)).isEqualTo(new NodeStateFile.Nodes(good, 0));

        keeper.stop();
        good.add(node(3));
        clock.runFor(3 * NodeStateKeeper.SAVE_INTERVAL);
        assertThat(((NodeStateFile.Nodes) NodeStateFile.read(file)).nodes()).hasSize(2);
    }

    @Test
    void theSavedNodesAreWhatTheNextStartLoads() throws Exception {
        Path file = dir.resolve("state");
        good.add(node(1));
        good.add(node(2));
        assertThat(keeper(file).save()).isTrue();

        assertThat(keeper(file).load()).isEqualTo(good);
    }

    @Test
    void aNodeWithoutGoodNodesKeepsTheLastSavedList() throws Exception {
        Path file = dir.resolve("state");
        good.add(node(1));
        keeper(file).save();
        String saved = Files.readString(file);
        good.clear(); // offline: every node went silent

        assertThat(keeper(file).save()).isFalse();

        assertThat(Files.readString(file)).isEqualTo(saved);
    }

    @Test
    void aFileThatIsNotAStateFileIsNeverOverwritten() throws Exception {
        Path file = Files.writeString(dir.resolve("precious.txt"), "not a node list\n");
        NodeStateKeeper keeper = keeper(file);
        good.add(node(1));

        assertThat(keeper.load()).isEmpty();
        assertThat(logged(Level.ERROR))
                .singleElement()
                .asString()
                .contains(file.toString(), "not a node state file", "will not be overwritten");
        assertThat(keeper.save()).isFalse();
        keeper.start();
        clock.runFor(2 * NodeStateKeeper.SAVE_INTERVAL);

        assertThat(Files.readString(file)).isEqualTo("not a node list\n");
    }

    @Test
    void aCorruptStateFileStartsEmptyAndIsReplacedByTheNextSave() throws Exception {
        Path file = Files.writeString(
                dir.resolve("state"), NodeStateFile.HEADER + "\nhalf a li\n" + node(9).id() + " 127.0");
        NodeStateKeeper keeper = keeper(file);

        assertThat(keeper.load()).isEmpty();
        assertThat(logged(Level.WARN)).containsExactly("node state " + file + ": skipped 2 unreadable line(s)");

        good.add(node(1));
        assertThat(keeper.save()).isTrue();
        assertThat(NodeStateFile.read(file)).isEqualTo(new NodeStateFile.Nodes(good, 0));
    }

    @Test
    void anUnreadableFileIsReportedWithItsPath() {
        assertThat(keeper(dir).load()).isEmpty();

        assertThat(logged(Level.WARN))
                .containsExactly(
                        "cannot read the node state " + dir + " (it is a directory): starting without saved nodes");
    }

    @Test
    void aSaveThatCannotWriteReportsAndCarriesOn() throws Exception {
        Path file = dir.resolve("gone").resolve("state");
        NodeStateKeeper keeper = keeper(file);
        good.add(node(1));
        keeper.start();

        assertThat(keeper.save()).isFalse();
        assertThat(logged(Level.WARN)).singleElement().asString().contains(file.toString(), "does not exist");
        clock.runFor(2 * NodeStateKeeper.SAVE_INTERVAL); // the periodic save fails the same way, quietly
        assertThat(clock.pending()).isEqualTo(1);
    }
}
