package org.carillon.dht.index;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.carillon.dht.DhtException;
import org.carillon.dht.index.NodeReader.NodeContents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One search for the leaf on a key's path (OpenDHT's {@code lookupStep}): a binary search over
 * the prefix lengths, reading node {@code mid} and node {@code mid+1} at each step. A node
 * without canary is below the leaf; a node with one whose child has none is the leaf. The
 * entries of every node read are gathered on the way, filtered by the {@link Mode}.
 *
 * <p>One object per search; its steps run one after the other, each on the thread that completed
 * the previous read.
 */
final class LeafSearch {
    private static final Logger LOG = LoggerFactory.getLogger(LeafSearch.class);
    /** Which entries a search keeps. */
    enum Mode {
        /** Entries whose key equals the searched key. */
        EXACT,
        /** Entries sharing the most leading bits with the searched key; retried on the sibling if none. */
        CLOSEST,
        /** Every entry (an insert counts them to decide on a split). */
        ALL
    }

    /** The leaf found and the entries gathered, in the order they were read. */
    record Result(Prefix leaf, List<IndexEntry> entries) {}

    /** Reads per search: a binary search needs ~2 log2(bits); retries add a few more. */
    static final int MAX_STEPS = 256;
    /** Sibling retries of a {@link Mode#CLOSEST} search (OpenDHT has no bound). */
    static final int MAX_RETRIES = 8;

    private final NodeReader reader;
    private final LeafCache cache;
    private final Mode mode;
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    /** Gathered entries by indexed value: the first entry read for a value wins. */
    private final Map<IndexValue, IndexEntry> entries = new LinkedHashMap<>();

    private Prefix key;
    private int lo;
    private int hi;
    private int closestBits;
    private int steps;
    private int retries;

    private LeafSearch(NodeReader reader, LeafCache cache, Mode mode, Prefix key, int lo, int hi) {
        this.reader = reader;
        this.cache = cache;
        this.mode = mode;
        this.key = key;
        this.lo = lo;
        this.hi = hi;
    }

    /**
     * Searches between prefix lengths {@code lo} and {@code hi}, trying length {@code start} first
     * when it is not negative (the cache's guess).
     */
    static CompletableFuture<Result> run(
            NodeReader reader, LeafCache cache, Mode mode, Prefix key, int lo, int hi, int start) {
        LeafSearch search = new LeafSearch(reader, cache, mode, key, lo, hi);
        int first = start >= 0 && start < key.contentBits() ? start : -1;
        try {
            search.step(first);
        } catch (RuntimeException e) {
            search.result.completeExceptionally(e);
        }
        return search.result;
    }

    private void step(int start) {
        if (++steps > MAX_STEPS) {
            result.completeExceptionally(
                    new DhtException("index search for " + key + " took over " + MAX_STEPS + " steps"));
            return;
        }
        int mid = start >= 0 ? start : (lo + hi) / 2;
        if (lo > hi) {
            leaf(mid);
            return;
        }
        // OpenDHT compares with an unsigned size-1: a zero-size key always reads the child too
        boolean readChild = (key.size() == 0 || mid < key.size() - 1) && mid + 1 < key.contentBits();
        CompletableFuture<NodeContents> node = reader.read(key.truncate(mid));
        CompletableFuture<NodeContents> child =
                readChild ? reader.read(key.truncate(mid + 1)) : CompletableFuture.completedFuture(NodeContents.ABSENT);
        node.handle((n, nodeError) -> {
            child.handle((c, childError) -> {
                try {
                    afterReads(mid, n, nodeError, c, childError);
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
                return null;
            });
            return null;
        });
    }

    private void afterReads(int mid, NodeContents node, Throwable nodeError, NodeContents child, Throwable childError) {
        if (LOG.isDebugEnabled()) {
            LOG.debug(
                    "{} search {}/{} [{}..{}] mid {}: node {} child {}",
                    mode,
                    key.toString(),
                    key.size(),
                    lo,
                    hi,
                    mid,
                    nodeError != null
                            ? nodeError.toString()
                            : node.isNode() + "/" + node.entries().size(),
                    childError != null
                            ? childError.toString()
                            : child.isNode() + "/" + child.entries().size());
        }
        if (nodeError != null) {
            result.completeExceptionally(nodeError);
            return;
        }
        gather(node.entries());
        if (!node.isNode()) {
            hi = mid - 1;
            step(-1);
            return;
        }
        if (childError != null) {
            result.completeExceptionally(childError);
            return;
        }
        gather(child.entries());
        if (child.isNode()) {
            lo = mid + 1;
            step(-1);
        } else {
            leaf(mid);
        }
    }

    private void leaf(int mid) {
        Prefix leaf = key.truncate(mid);
        cache.insert(leaf);
        if (mode == Mode.CLOSEST && entries.isEmpty() && mid > 0 && retries < MAX_RETRIES) {
            // nothing here: OpenDHT goes on from the leaf's sibling, searching its whole bytes
            Prefix sibling = leaf.sibling().fullSize();
            if (mid < sibling.contentBits()) {
                retries++;
                key = sibling;
                lo = mid;
                hi = sibling.size();
                step(-1);
                return;
            }
        }
        result.complete(new Result(leaf, List.copyOf(new ArrayList<>(entries.values()))));
    }

    private void gather(List<IndexEntry> read) {
        for (IndexEntry e : read) {
            if (entries.containsKey(e.value())) {
                continue;
            }
            switch (mode) {
                case ALL -> entries.put(e.value(), e);
                case EXACT -> {
                    if (key.contentEquals(e.prefix())) {
                        entries.put(e.value(), e);
                    }
                }
                case CLOSEST -> {
                    int common = Prefix.commonBits(key, e.fullPrefix());
                    if (entries.isEmpty() || common > closestBits) {
                        entries.clear();
                        entries.put(e.value(), e);
                        closestBits = common;
                    } else if (common == closestBits) {
                        entries.put(e.value(), e);
                    }
                }
            }
        }
    }
}
