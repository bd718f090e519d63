package io.connectdelta.transforms.state;

import io.connectdelta.event.Row;

/**
 * The last known full row of each key, per topic: what ToFull completes delta events from.
 * Keys are canonical key texts ({@link io.connectdelta.event.json.RowJson#keyText}).
 */
public interface StateStore extends AutoCloseable {

    /** The stored row, or null when none is stored. */
    Row get(String topic, String key);

    void put(String topic, String key, Row row);

    void remove(String topic, String key);

    /** Forgets every row of a topic (its table was truncated). */
    void removeTopic(String topic);

    @Override
    void close();
}
