package io.connectdelta.transforms.reselect;

import org.apache.kafka.common.utils.Time;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recently re-selected rows (and rows found missing), least recently used first out, each valid for a time to
 * live. An entry only answers for an event whose change happened before the entry was fetched: a row read
 * before the change would be older than the event itself.
 */
final class RowCache {
    private final int maxEntries;
    private final long ttlMs;
    private final Time time;
    private final LinkedHashMap<Object, Entry> entries;

    private record Entry(SourceRowFetcher.Result row, long fetchedAtMs) {
    }

    RowCache(int maxEntries, long ttlMs, Time time) {
        this.maxEntries = maxEntries;
        this.ttlMs = ttlMs;
        this.time = time;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Object, Entry> eldest) {
                return size() > RowCache.this.maxEntries;
            }
        };
    }

    boolean enabled() {
        return maxEntries > 0 && ttlMs > 0;
    }

    /**
     * The cached row for {@code key}, if it is younger than the time to live and was fetched no earlier than
     * {@code changedAtMs} (the source's commit time of the event, null when unknown); else null.
     */
    synchronized SourceRowFetcher.Result get(Object key, Long changedAtMs) {
        if (!enabled()) {
            return null;
        }
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        long now = time.milliseconds();
        if (now - entry.fetchedAtMs >= ttlMs) {
            entries.remove(key);
            return null;
        }
        if (changedAtMs != null && entry.fetchedAtMs < changedAtMs) {
            return null;
        }
        return entry.row;
    }

    /** Remembers a row (or its absence) fetched at {@code fetchedAtMs}. */
    synchronized void put(Object key, SourceRowFetcher.Result row, long fetchedAtMs) {
        if (enabled()) {
            entries.put(key, new Entry(row, fetchedAtMs));
        }
    }

    synchronized void clear() {
        entries.clear();
    }

    synchronized int size() {
        return entries.size();
    }
}
