package io.connectdelta.sink.progress;

import io.connectdelta.event.LogPosition;

/**
 * How far one topic partition is applied in the target: the next offset to apply, and the highest source log
 * position applied from it (null while none is known). Both are written in the transaction of the data they
 * describe.
 *
 * @param nextOffset the offset after the last record applied, or {@link #NONE} when nothing was recorded yet
 * @param position   the highest source position applied from this partition, or null
 */
public record PartitionProgress(long nextOffset, LogPosition position) {
    /** No offset recorded (a partition claimed but not yet written). */
    public static final long NONE = -1;

    public boolean hasOffset() {
        return nextOffset >= 0;
    }
}
