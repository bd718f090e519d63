package io.connectdelta.transforms.state;

import org.apache.kafka.common.TopicPartition;

/**
 * The last known full row of each key, per topic: what ToFull completes delta events from; and what the store
 * has seen of each topic partition ({@link PartitionOwnership}).
 * Keys are canonical key texts ({@link io.connectdelta.event.json.RowJson#keyText}).
 */
public interface StateStore extends AutoCloseable {

    /** The stored row (or deletion marker), or null when none is stored. */
    StoredRow get(String topic, String key);

    void put(String topic, String key, StoredRow row);

    void remove(String topic, String key);

    /** Forgets every row of a topic (its table was truncated). */
    void removeTopic(String topic);

    /** What the store has seen of a partition, or null when it never saw it. */
    SeenOffsets seenOffsets(TopicPartition partition);

    void putSeenOffsets(TopicPartition partition, SeenOffsets seen);

    @Override
    void close();
}
