package io.connectdelta.transforms.state;

import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A state store in memory that keeps the most recently used rows (and deletion markers), at most
 * {@code maxEntries} of them, and what it has seen of each partition.
 */
public final class MemoryStateStore implements StateStore {
    private final Map<Key, StoredRow> rows;
    private final Map<TopicPartition, SeenOffsets> seen = new HashMap<>();

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

    @Override
    public synchronized SeenOffsets seenOffsets(TopicPartition partition) {
        return seen.get(partition);
    }

    @Override
    public synchronized void putSeenOffsets(TopicPartition partition, SeenOffsets offsets) {
        seen.put(partition, offsets);
    }

    /** The number of rows (and deletion markers) held. */
    public synchronized int size() {
        return rows.size();
    }

    @Override
    public synchronized void close() {
        rows.clear();
        seen.clear();
    }

    private record Key(String topic, String key) {
    }
}
