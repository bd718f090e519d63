package io.connectdelta.event;

import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;

/** Names a record in error messages: topic, partition and offset, as far as they are known. */
public final class RecordLocation {
    private RecordLocation() {
    }

    public static String describe(ConnectRecord<?> record) {
        StringBuilder sb = new StringBuilder("record of topic '").append(record.topic()).append('\'');
        if (record.kafkaPartition() != null) {
            sb.append(" partition ").append(record.kafkaPartition());
        }
        if (record instanceof SinkRecord) {
            SinkRecord sink = (SinkRecord) record;
            // originalKafkaOffset: the offset in the topic even after a transform replaced the record.
            sb.append(" offset ").append(sink.originalKafkaOffset());
        } else if (record instanceof SourceRecord && ((SourceRecord) record).sourceOffset() != null) {
            sb.append(" source offset ").append(((SourceRecord) record).sourceOffset());
        }
        return sb.toString();
    }
}
