package org.carillon.dht.index;

import org.carillon.dht.Value;

/**
 * The user types that tell one index's values apart: entries carry {@code index.pht.<name>},
 * canaries {@code index.pht.<name>.canary}. Keys are shared by all indexes (the name is not in
 * them), so these are the only way to know whose a value is.
 */
final class IndexNames {
    static final String INDEX_PREFIX = "index.pht.";

    private final String entryType;
    private final String canaryType;

    IndexNames(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an index needs a name");
        }
        this.entryType = INDEX_PREFIX + name;
        this.canaryType = entryType + ".canary";
    }

    String entryType() {
        return entryType;
    }

    String canaryType() {
        return canaryType;
    }

    /**
     * OpenDHT takes every user type that starts with the entry type (so index {@code foo} also
     * reads index {@code foobar}'s values); this one only takes its own.
     */
    boolean isEntry(Value v) {
        return !v.isEncrypted() && v.userType().equals(entryType);
    }

    boolean isCanary(Value v) {
        return !v.isEncrypted() && v.userType().equals(canaryType);
    }

    Value canary() {
        return Value.of(0, IndexStorage.VALUE_TYPE.id(), new byte[0], canaryType);
    }

    Value entry(IndexEntry entry) {
        return Value.of(0, IndexStorage.VALUE_TYPE.id(), IndexEntryCodec.encode(entry), entryType);
    }
}
