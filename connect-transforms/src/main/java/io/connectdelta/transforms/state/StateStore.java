package io.connectdelta.transforms.state;

/**
 * The last known full row of each key, per topic: what ToFull completes delta events from.
 * Keys are canonical key texts ({@link io.connectdelta.event.json.RowJson#keyText}).
 */
public interface StateStore extends AutoCloseable {

    /** The stored row, or null when none is stored. */
    StoredRow get(String topic, String key);

    void put(String topic, String key, StoredRow row);

    void remove(String topic, String key);

    /** Forgets every row of a topic (its table was truncated). */
    void removeTopic(String topic);

    @Override
    void close();
}
