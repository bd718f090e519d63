package io.connectdelta.transforms.state;

import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Which stored rows still hold, inferred from the offsets the store sees of each topic partition: a
 * transformation is not told when the worker assigns or revokes a partition. A row stored from an offset is
 * trusted while the store has seen every offset after it (up to gaps of at most {@code maxGap} offsets: transaction
 * markers, records an earlier transform dropped). When a partition jumps forward further, another task processed
 * the records in between and may have changed any key: the rows stored before the jump are treated as missing. A
 * jump back is the partition read again; rows from before it still hold, rows from after it are newer than the
 * events read again. What the store has seen is kept in the store, so a RocksDB store judges across restarts.
 * Topics and partitions are the ones the record was consumed from (KIP-793's original ones).
 */
public final class PartitionOwnership {
    private static final Logger log = LoggerFactory.getLogger(PartitionOwnership.class);

    private final StateStore store;
    private final long maxGap;
    private final Map<TopicPartition, SeenOffsets> seen = new HashMap<>();

    public PartitionOwnership(StateStore store, long maxGap) {
        this.store = store;
        this.maxGap = maxGap;
    }

    /** Notes the record at {@code offset} of the partition, before its key's row is read. */
    public void observe(String topic, int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        SeenOffsets known = seen.get(tp);
        if (known == null) {
            known = store.seenOffsets(tp);
        }
        SeenOffsets now = known == null ? SeenOffsets.first(offset) : known.next(offset, maxGap);
        if (known != null && now.startedAfter(known)) {
            log.info("Partition {} jumped from offset {} to {}: rows stored from it before offset {} are treated as "
                    + "missing, as the records in between were processed elsewhere", tp, known.last(), offset, offset);
        } else if (known != null && offset <= known.last()) {
            log.info("Partition {} is read again from offset {} (seen up to {}): events read again are not applied "
                    + "twice", tp, offset, known.last());
        }
        seen.put(tp, now);
        store.putSeenOffsets(tp, now);
    }

    /**
     * True when {@code row}, stored for a key of the record consumed from {@code topic}/{@code partition}, holds
     * for it: written untracked, or from the same partition with no gap since. A row from another partition (the
     * topic was repartitioned) is not trusted either: the order between the partitions is unknown.
     */
    public boolean trusts(String topic, int partition, StoredRow row) {
        if (row.offset() == StoredRow.UNKNOWN) {
            return true;
        }
        if (row.partition() != partition) {
            return false;
        }
        SeenOffsets known = seen.get(new TopicPartition(topic, partition));
        return known == null || known.covers(row.offset());
    }
}
