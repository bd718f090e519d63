package io.connectdelta.sink.progress;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * The topic partition and offset a record was consumed from. A transform that renames topics (RegexRouter) or
 * replaces records changes {@code topic()} but not these (KIP-793): progress, offsets and ordering are kept by
 * what the consumer read, which is also what the worker hands to open, close and preCommit.
 */
public final class Partitions {
    private Partitions() {
    }

    public static TopicPartition of(SinkRecord record) {
        return new TopicPartition(record.originalTopic(), record.originalKafkaPartition());
    }

    public static long offset(SinkRecord record) {
        return record.originalKafkaOffset();
    }
}
