package org.carillon.dht.index;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;
import org.carillon.dht.index.LeafSearch.Mode;
import org.carillon.dht.index.LeafSearch.Result;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An index on the DHT in OpenDHT's prefix-hash-tree layout ({@code dht::indexation::Pht}, the
 * index behind dhtnode's {@code ii}/{@code il}): keys of a few named fields map to {@link
 * IndexValue}s, found again by exact key or by the closest key. An index written by OpenDHT with
 * the same name and {@link KeySpec} is read here, and the reverse.
 *
 * <p>The trie lives in ordinary 10-minute values: entries and "canary" markers at SHA-1 keys of
 * key prefixes (see {@code docs/pht.md}). Nothing refreshes them, as in OpenDHT. Values at index
 * keys that are not entries of this index are left out and counted ({@link #counters()}), never
 * fatal. Thread-safe; operations complete on the storage's callback threads.
 */
public final class PrefixIndex implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrefixIndex.class);

    /** Entries a node takes before an insert splits it ({@code MAX_NODE_ENTRY_COUNT}). */
    public static final int MAX_NODE_ENTRY_COUNT = 16;

    /** How long index values live: the lifetime of OpenDHT's USER_DATA type. */
    static final Duration ENTRY_LIFETIME = IndexStorage.VALUE_TYPE.expiration();

    private final String name;
    private final KeySpec spec;
    private final IndexStorage storage;
    private final InstantSource clock;
    private final RandomGenerator random;
    private final IndexNames names;
    private final KeyLinearizer linearizer;
    private final IndexCounters counters = new IndexCounters();
    private final NodeReader reader;
    private final LeafCache cache;
    private final SplitWatches splitWatches;

    /** An index named {@code name} (OpenDHT adds the {@code index.pht.} prefix to its user types). */
    public PrefixIndex(String name, KeySpec spec, IndexStorage storage) {
        this(name, spec, storage, InstantSource.system(), new SecureRandom());
    }

    /** With an explicit clock (cache and lifetimes) and source of the canary coin flips. */
    public PrefixIndex(String name, KeySpec spec, IndexStorage storage, InstantSource clock, RandomGenerator random) {
        this.name = Objects.requireNonNull(name, "name");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.storage = Objects.requireNonNull(storage, "storage");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.names = new IndexNames(name);
        this.linearizer = new KeyLinearizer(spec);
        this.reader = new NodeReader(storage, names, spec.linearizedLength(), counters);
        this.cache = new LeafCache(clock);
        this.splitWatches = new SplitWatches(storage, clock, names::isCanary, counters);
    }

    public String name() {
        return name;
    }

    public KeySpec spec() {
        return spec;
    }

    /**
     * Inserts {@code value} under {@code key}. Completes when the entry is stored (canaries and
     * split follow-ups continue in the background); fails with {@code DhtException} when the DHT
     * could not be read or written.
     *
     * @throws IllegalArgumentException at once when the key does not fit the spec
     */
    public CompletableFuture<Void> insert(Map<String, byte[]> key, IndexValue value) {
        Objects.requireNonNull(value, "value");
        Prefix linearized = linearizer.linearize(key);
        IndexEntry entry = new IndexEntry(linearized.content(), value);
        return insert(linearized, entry, clock.instant(), true);
    }

    /**
     * The values under {@code key} ({@code exact}), or under the keys sharing the most leading
     * bits with it ({@code exact == false}: OpenDHT's inexact match). Empty when none.
     *
     * @throws IllegalArgumentException at once when the key does not fit the spec
     */
    public CompletableFuture<List<IndexValue>> lookup(Map<String, byte[]> key, boolean exact) {
        return lookupLeaf(key, exact).thenApply(IndexLookup::values);
    }

    /** The values found and the key of the leaf they were found from (dhtnode prints it). */
    record IndexLookup(Prefix leaf, List<IndexValue> values) {}

    CompletableFuture<IndexLookup> lookupLeaf(Map<String, byte[]> key, boolean exact) {
        Prefix linearized = linearizer.linearize(key);
        return LeafSearch.run(
                        reader,
                        cache,
                        exact ? Mode.EXACT : Mode.CLOSEST,
                        linearized,
                        0,
                        linearized.size(),
                        cache.depth(linearized))
                .thenApply(r -> new IndexLookup(
                        r.leaf(), r.entries().stream().map(IndexEntry::value).toList()));
    }

    /** Counts of what the index skipped or did in the background, by event name. */
    public Map<String, Long> counters() {
        return counters.snapshot();
    }

    /** Stops the listens that follow node splits. */
    @Override
    public void close() {
        splitWatches.close();
    }

    // ------------------------------------------------------------------ insert

    private CompletableFuture<Void> insert(Prefix key, IndexEntry entry, Instant created, boolean checkSplit) {
        if (created.plus(ENTRY_LIFETIME).isBefore(clock.instant())) {
            return CompletableFuture.completedFuture(null); // the entry has expired: nothing to move
        }
        return LeafSearch.run(reader, cache, Mode.ALL, key, 0, key.size(), cache.depth(key))
                .thenCompose(found -> {
                    if (!checkSplit || found.leaf().size() == key.size()) {
                        return store(found.leaf(), entry, created);
                    }
                    if (found.entries().size() < MAX_NODE_ENTRY_COUNT) {
                        return roomiestOf(found.leaf()).thenCompose(node -> store(node, entry, created));
                    }
                    return split(found, entry, created);
                });
    }

    /**
     * OpenDHT's {@code getRealPrefix}: when the leaf, its parent and the leaf's sibling hold fewer
     * than {@link #MAX_NODE_ENTRY_COUNT} values together, the entry goes to the parent (and moves
     * down again through its split watch); else to the leaf. A failed read counts as empty.
     */
    private CompletableFuture<Prefix> roomiestOf(Prefix leaf) {
        if (leaf.size() == 0) {
            return CompletableFuture.completedFuture(leaf);
        }
        Prefix parent = leaf.parent();
        List<CompletableFuture<Integer>> counts =
                List.of(countValues(parent), countValues(leaf), countValues(leaf.sibling()));
        return CompletableFuture.allOf(counts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            int total = counts.stream().mapToInt(CompletableFuture::join).sum();
            return total < MAX_NODE_ENTRY_COUNT ? parent : leaf;
        });
    }

    private CompletableFuture<Integer> countValues(Prefix node) {
        return reader.read(node).handle((contents, error) -> error == null ? contents.nonCanaryValues() : 0);
    }

    /**
     * The leaf is full: the new entry gets a leaf of its own just below the first bit where its
     * key parts from the entries met, and every node from there up to the old leaf gets a canary.
     */
    private CompletableFuture<Void> split(Result found, IndexEntry entry, Instant created) {
        Prefix full = entry.fullPrefix();
        int location = splitLocation(full, found.entries());
        LOG.debug(
                "index {}: leaf {} full ({} entries), split at {}",
                name,
                found.leaf(),
                found.entries().size(),
                location);
        for (int length = location; length >= found.leaf().size(); length--) {
            markNode(full.truncate(length));
        }
        return store(full.truncate(location), entry, created);
    }

    /** One past the first bit where {@code full} differs from any entry ({@code findSplitLocation}). */
    static int splitLocation(Prefix full, List<IndexEntry> entries) {
        int last = full.contentBits() - 1;
        int first = last;
        for (IndexEntry e : entries) {
            int d = full.firstDifference(e.prefix());
            if (d >= 0 && d < last) {
                first = Math.min(first, d + 1);
            }
        }
        return first;
    }

    /** OpenDHT's {@code real_insert}: mark the node, follow its splits, remember it, put the entry. */
    private CompletableFuture<Void> store(Prefix node, IndexEntry entry, Instant created) {
        LOG.debug("index {}: {} goes to {}", name, entry, node);
        markNode(node);
        followSplits(node, entry, created);
        cache.insert(node);
        return storage.put(node.key(), names.entry(entry)).thenApply(id -> null);
    }

    /**
     * Puts canaries at {@code node} and at its sibling, then, with probability ½, does the same for
     * the parent ({@code updateCanary}); canaries never get refreshed otherwise, so the coin
     * spreads the refreshing of inner nodes over many inserts.
     */
    private void markNode(Prefix node) {
        storage.put(node.key(), names.canary()).whenComplete((id, error) -> {
            if (error != null) {
                LOG.debug("index {}: canary at {} not stored: {}", name, node, error.toString());
            }
            if (node.size() > 0 && random.nextBoolean()) {
                markNode(node.parent());
            }
        });
        if (node.size() > 0) {
            storage.put(node.sibling().key(), names.canary());
        }
    }

    /** When the node the entry went to splits, insert the entry again (without split check). */
    private void followSplits(Prefix node, IndexEntry entry, Instant created) {
        Prefix full = entry.fullPrefix();
        if ((node.size() + 7) / 8 * 8 >= full.contentBits()) {
            return;
        }
        Prefix child = full.truncate(node.size() + 1);
        splitWatches.watch(child.key(), created.plus(ENTRY_LIFETIME), () -> {
            counters.increment(IndexCounters.REINSERTED);
            try {
                insert(full, entry, created, false).whenComplete((ok, error) -> {
                    if (error != null) {
                        LOG.debug("index {}: re-insert of {} failed: {}", name, entry, error.toString());
                    }
                });
            } catch (RuntimeException e) {
                LOG.debug("index {}: re-insert of {} failed: {}", name, entry, e.toString());
            }
        });
    }
}
