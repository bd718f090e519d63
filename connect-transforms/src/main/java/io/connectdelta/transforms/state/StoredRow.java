package io.connectdelta.transforms.state;

import io.connectdelta.event.Row;

/**
 * A stored full row, with the topic partition and offset of the event it was last written from (both -1 when
 * the event had none, e.g. in a source connector), so that ToFull can tell an event it already applied and a row
 * it can no longer trust ({@link PartitionOwnership}). A null row is a deletion marker: the key was deleted by the
 * event at that partition and offset, so an event from before it is recognised as read again.
 */
public record StoredRow(Row row, int partition, long offset) {
    public static final int UNKNOWN = -1;

    /** The marker of a key deleted by the event at {@code partition}/{@code offset}. */
    public static StoredRow deleted(int partition, long offset) {
        return new StoredRow(null, partition, offset);
    }

    public boolean isDeleted() {
        return row == null;
    }

    /** True when this row was written from the event at {@code partition}/{@code offset} or a later one. */
    public boolean isAtOrAfter(int partition, long offset) {
        return this.offset != UNKNOWN && offset != UNKNOWN && this.partition == partition && this.offset >= offset;
    }
}
