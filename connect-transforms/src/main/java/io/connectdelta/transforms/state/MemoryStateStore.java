package io.connectdelta.transforms.state;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A state store in memory that keeps the most recently used rows, at most {@code maxEntries} of them. */
public final class MemoryStateStore implements StateStore {
    private final Map<Key, StoredRow> rows;

    public MemoryStateStore(int maxEntries) {
        this.rows = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, StoredRow> eldest) {
                return size() > maxEntries;
            }
        };
    }

    @Override
    public synchronized StoredRow get(String topic, String key) {
        return rows.get(new Key(topic, key));
    }

    @Override
    public synchronized void put(String topic, String key, StoredRow row) {
        rows.put(new Key(topic, key), Objects.requireNonNull(row));
    }

    @Override
    public synchronized void remove(String topic, String key) {
        rows.remove(new Key(topic, key));
    }

    @Override
    public synchronized void removeTopic(String topic) {
        rows.keySet().removeIf(key -> key.topic.equals(topic));
    }

    /** The number of rows held. */
    public synchronized int size() {
        return rows.size();
    }

    @Override
    public synchronized void close() {
        rows.clear();
    }

    private record Key(String topic, String key) {
    }
}
