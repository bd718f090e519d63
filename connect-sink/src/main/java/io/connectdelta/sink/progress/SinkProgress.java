package io.connectdelta.sink.progress;

import io.connectdelta.event.LogPosition;
import io.connectdelta.sink.metrics.SinkTaskMetrics;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The sink's exactly-once bookkeeping, in one place: per partition (the original topic partition a record was
 * consumed from, see {@link Partitions}) what the target records as applied, what this task has accepted since,
 * and what may be committed to Kafka.
 * <ul>
 *   <li><b>Offsets.</b> A record below the next offset recorded in the target was applied before (a replay after
 *       a restart, a rebalance or an offset reset).</li>
 *   <li><b>Source positions.</b> Debezium is at-least-once: after an unclean stop it sends changes again, at new
 *       offsets. A change at or below the highest source position applied or accepted from its partition is one
 *       of those. Each partition keeps the source's order, so one high-water mark per partition tells them apart,
 *       whatever other partitions and tasks do. A change without a position ({@link LogPosition}) is never taken
 *       for a re-sent one.</li>
 *   <li><b>Fencing.</b> Each task instance claims its partitions in the target when it opens them; every write
 *       checks the claim in its transaction ({@link FencedException}), so a task that lost its partitions while it
 *       stalled cannot commit after the new owner read the progress.</li>
 * </ul>
 * Progress recorded with a write is exactly that of the records it applies ({@link #progressAfter}), never that of
 * records still held: what is held is read again after a crash.
 */
public final class SinkProgress {
    /** Why a record is not applied again. */
    public enum Verdict { NEW, APPLIED_BEFORE_OFFSET, RESENT }

    private final boolean enabled;
    private final boolean trackPositions;
    private final SinkTaskMetrics metrics;
    private final String owner = UUID.randomUUID().toString();
    /** What the target records, as of the partition's opening and this task's writes since. */
    private final Map<TopicPartition, PartitionProgress> recorded = new HashMap<>();
    /**
     * Records below these offsets were applied before: for partitions the target had progress for when they were
     * opened (a replay after a restart, a rebalance or an offset reset), raised by this task's writes.
     */
    private final Map<TopicPartition, Long> appliedBelow = new HashMap<>();
    /** The highest source position accepted per partition: recorded, or handed on to be applied. */
    private final Map<TopicPartition, LogPosition> accepted = new HashMap<>();
    /** The offset after the last record applied (or reported), per partition: what may be committed. */
    private final Map<TopicPartition, Long> committable = new HashMap<>();

    /**
     * @param enabled        exactly.once.enabled: progress is kept in the target
     * @param trackPositions skip re-sent changes by their source position (needs {@code enabled})
     */
    public SinkProgress(boolean enabled, boolean trackPositions, SinkTaskMetrics metrics) {
        this.enabled = enabled;
        this.trackPositions = enabled && trackPositions;
        this.metrics = metrics;
    }

    public boolean enabled() {
        return enabled;
    }

    /** This task instance's claim on the partitions it opens. */
    public String owner() {
        return owner;
    }

    /**
     * Takes what the target records for newly opened partitions; returns the offsets to resume from (the worker's
     * consumer is moved there).
     */
    public Map<TopicPartition, Long> opened(Map<TopicPartition, PartitionProgress> fromTarget) {
        Map<TopicPartition, Long> resume = new HashMap<>();
        fromTarget.forEach((partition, progress) -> {
            recorded.put(partition, progress);
            if (progress.position() != null) {
                accepted.put(partition, progress.position());
            } else {
                accepted.remove(partition);
            }
            if (progress.hasOffset()) {
                resume.put(partition, progress.nextOffset());
                appliedBelow.put(partition, progress.nextOffset());
            } else {
                appliedBelow.remove(partition);
            }
        });
        return resume;
    }

    /** Forgets partitions this task no longer owns. */
    public void closed(Collection<TopicPartition> partitions) {
        partitions.forEach(partition -> {
            recorded.remove(partition);
            appliedBelow.remove(partition);
            accepted.remove(partition);
            committable.remove(partition);
        });
    }

    /** True when the record lies below the next offset the target records for its partition. */
    public boolean appliedBeforeByOffset(SinkRecord record) {
        if (!enabled) {
            return false;
        }
        Long below = appliedBelow.get(Partitions.of(record));
        if (below != null && Partitions.offset(record) < below) {
            metrics.recordAlreadyApplied();
            return true;
        }
        return false;
    }

    /**
     * Whether a record at {@code position} (null: unknown) is new or a change its source sent again; a new one
     * raises its partition's high-water mark. Call once per record, in offset order.
     */
    public Verdict accept(SinkRecord record, LogPosition position) {
        if (!trackPositions || position == null) {
            return Verdict.NEW;
        }
        TopicPartition partition = Partitions.of(record);
        LogPosition highest = accepted.get(partition);
        if (highest != null && position.isAtOrBefore(highest)) {
            metrics.recordResentSkipped();
            return Verdict.RESENT;
        }
        // Higher, or of another log (a new source, a failover): later in the partition means newer.
        accepted.put(partition, position);
        return Verdict.NEW;
    }

    /**
     * The progress to record with a write of {@code records} (in offset order per partition, each partition's
     * records a prefix of what is not yet applied): per partition the offset after the last of them, and the
     * highest of the recorded position and theirs.
     */
    public Map<TopicPartition, PartitionProgress> progressAfter(Iterable<SinkRecord> records,
                                                               Function<SinkRecord, LogPosition> positionOf) {
        Map<TopicPartition, PartitionProgress> next = new HashMap<>();
        for (SinkRecord record : records) {
            TopicPartition partition = Partitions.of(record);
            PartitionProgress before = next.get(partition);
            if (before == null) {
                before = recorded.getOrDefault(partition, new PartitionProgress(PartitionProgress.NONE, null));
            }
            LogPosition position = trackPositions ? positionOf.apply(record) : null;
            LogPosition highest = before.position();
            if (position != null && (highest == null || !position.comparableTo(highest) || position.compareTo(highest) > 0)) {
                highest = position;
            }
            next.put(partition, new PartitionProgress(Math.max(before.nextOffset(), Partitions.offset(record) + 1), highest));
        }
        return next;
    }

    /** A write recording {@code progress} committed. */
    public void applied(Map<TopicPartition, PartitionProgress> progress) {
        progress.forEach((partition, p) -> {
            if (enabled) {
                recorded.put(partition, p);
                appliedBelow.computeIfPresent(partition, (k, below) -> Math.max(below, p.nextOffset()));
            }
            committable.merge(partition, p.nextOffset(), Math::max);
        });
    }

    /** The offsets that may be committed to Kafka for these partitions: only those of applied records. */
    public Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            Long next = committable.get(partition);
            if (next != null) {
                offsets.put(partition, new OffsetAndMetadata(next));
            }
        }
        return offsets;
    }
}
