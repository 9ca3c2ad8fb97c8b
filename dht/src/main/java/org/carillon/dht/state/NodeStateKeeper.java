package org.carillon.dht.state;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.carillon.dht.InfoHash;
import org.carillon.dht.engine.Scheduler;
import org.carillon.dht.wire.NodeInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a node's {@link NodeStateFile}: reads it once at start, then saves the good nodes every
 * {@link #SAVE_INTERVAL} and when asked (at close). Runs on the node's thread (the scheduler's),
 * where the routing table may be read; the file is a few kilobytes written every ten minutes.
 *
 * <p>Two rules keep a useful file useful: a file that is not a state file is never overwritten,
 * and a node that knows no good node (offline) leaves the last saved list in place.
 */
public final class NodeStateKeeper {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStateKeeper.class);

    public static final long SAVE_INTERVAL = 10 * 60_000L;

    private final Path file;
    private final InfoHash self;
    private final Scheduler scheduler;
    private final Supplier<List<NodeInfo>> goodNodes;
    private final long interval;
    private boolean mayOverwrite = true;
    private Scheduler.Cancellable timer;

    /**
     * @param goodNodes the good nodes of both routing tables, read on the scheduler's thread
     */
    public NodeStateKeeper(Path file, InfoHash self, Scheduler scheduler, Supplier<List<NodeInfo>> goodNodes) {
        this(file, self, scheduler, goodNodes, SAVE_INTERVAL);
    }

    NodeStateKeeper(Path file, InfoHash self, Scheduler scheduler, Supplier<List<NodeInfo>> goodNodes, long interval) {
        this.file = file;
        this.self = self;
        this.scheduler = scheduler;
        this.goodNodes = goodNodes;
        this.interval = interval;
    }

    /** Reads the file and says in the log what it found; the nodes to rejoin through (maybe none). */
    public List<NodeInfo> load() {
        NodeStateFile.Loaded loaded = NodeStateFile.read(file);
        if (loaded instanceof NodeStateFile.Nodes n) {
            if (n.skippedLines() > 0) {
                LOG.warn("node state {}: skipped {} unreadable line(s)", file, n.skippedLines());
            }
            LOG.info("rejoining through {} saved node(s) from {}", n.nodes().size(), file);
            return n.nodes();
        }
        if (loaded instanceof NodeStateFile.Missing) {
            LOG.info("no node state at {} yet: it will be written there", file);
        } else if (loaded instanceof NodeStateFile.Unreadable u) {
            LOG.warn("cannot read the node state {} ({}): starting without saved nodes", file, u.reason());
        } else if (loaded instanceof NodeStateFile.Foreign f) {
            mayOverwrite = false;
            LOG.error(
                    "{} is not a node state file ({}): ignored, and it will not be overwritten;"
                            + " move it away or choose another state file",
                    file,
                    f.reason());
        }
        return List.of();
    }

    /** Arms the periodic save; on the scheduler's thread. */
    public void start() {
        timer = scheduler.schedule(interval, () -> {
            save();
            start();
        });
    }

    public void stop() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    /** Saves the good nodes now; whether the file was written. On the scheduler's thread. */
    public boolean save() {
        if (!mayOverwrite) {
            return false;
        }
        List<NodeInfo> nodes = goodNodes.get();
        if (nodes.isEmpty()) {
            LOG.debug("no good node to save: {} keeps its last list", file);
            return false;
        }
        try {
            NodeStateFile.write(file, self, nodes, Instant.ofEpochMilli(scheduler.now()));
            LOG.debug("saved {} good node(s) to {}", nodes.size(), file);
            return true;
        } catch (IOException e) {
            LOG.warn(e.getMessage());
            return false;
        }
    }
}
