package io.connectdelta.sink.progress;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * A write found that another task instance has claimed one of its partitions since this one opened it (a task
 * that stalled past its rebalance and woke up): the write was rolled back, nothing of it was committed, and the
 * partition's current owner applies these records.
 */
public final class FencedException extends ConnectException {
    public FencedException(TopicPartition partition, String owner) {
        super("Not applied: " + partition + " is now owned by another task instance (this one, " + owner
                + ", lost it in a rebalance while its write was pending). The write was rolled back; the current "
                + "owner applies these records, exactly once.");
    }
}
