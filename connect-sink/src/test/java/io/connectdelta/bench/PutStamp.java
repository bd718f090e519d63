package io.connectdelta.bench;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.Transformation;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The freshness benchmark's stamp at the sink: the first transform in a sink connector's chain records, per topic
 * partition offset, when the worker handed the converted record on towards put(). The worker runs in the
 * benchmark's JVM, so the benchmark reads the stamps from here; any sink connector can carry it.
 */
public final class PutStamp<R extends ConnectRecord<R>> implements Transformation<R> {
    private static final Map<String, Long> STAMPS = new ConcurrentHashMap<>();

    static String key(String topic, int partition, long offset) {
        return topic + '/' + partition + '/' + offset;
    }

    /** Microseconds since the epoch when the record passed, or null. */
    static Long stampOf(String topic, int partition, long offset) {
        return STAMPS.get(key(topic, partition, offset));
    }

    static void clear() {
        STAMPS.clear();
    }

    @Override
    public R apply(R record) {
        if (record instanceof SinkRecord sinkRecord) {
            STAMPS.put(key(sinkRecord.topic(), sinkRecord.kafkaPartition(), sinkRecord.kafkaOffset()), Stamps.nowMicros());
        }
        return record;
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public void close() {
    }
}
