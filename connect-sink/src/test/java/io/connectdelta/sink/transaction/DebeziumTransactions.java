package io.connectdelta.sink.transaction;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records shaped as Debezium's PostgreSQL connector sends them with provide.transaction.metadata=true: data events
 * with a transaction block on the tables' topics, BEGIN/END markers on the transaction topic. Offsets count up per
 * partition, as in Kafka.
 */
final class DebeziumTransactions {
    static final String ACCOUNTS = "db.public.accounts";
    static final String TRANSFERS = "db.public.transfers";
    static final String TX_TOPIC = "db.transaction";

    static final Schema ROW = SchemaBuilder.struct().name("db.public.row.Value")
            .field("id", Schema.INT32_SCHEMA).field("balance", Schema.INT64_SCHEMA).optional().build();
    static final Schema KEY = SchemaBuilder.struct().name("db.public.row.Key").field("id", Schema.INT32_SCHEMA).build();
    static final Schema TX = SchemaBuilder.struct().name("event.block")
            .field("id", Schema.STRING_SCHEMA).field("total_order", Schema.INT64_SCHEMA)
            .field("data_collection_order", Schema.INT64_SCHEMA).optional().build();
    static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("connector", Schema.STRING_SCHEMA).field("sequence", Schema.OPTIONAL_STRING_SCHEMA).optional().build();
    static final Schema ENVELOPE = SchemaBuilder.struct().name("db.public.row.Envelope")
            .field("before", ROW).field("after", ROW).field("op", Schema.STRING_SCHEMA)
            .field("transaction", TX).field("source", SOURCE).build();
    static final Schema COLLECTION = SchemaBuilder.struct().name("event.collection")
            .field("data_collection", Schema.STRING_SCHEMA).field("event_count", Schema.INT64_SCHEMA).build();
    static final Schema MARKER = SchemaBuilder.struct().name("io.debezium.connector.common.TransactionMetadataValue")
            .field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA)
            .field("event_count", Schema.OPTIONAL_INT64_SCHEMA)
            .field("data_collections", SchemaBuilder.array(COLLECTION).optional().build())
            .field("ts_ms", Schema.INT64_SCHEMA).build();

    private final Map<TopicPartition, Long> offsets = new HashMap<>();

    /** An upsert of row {id, balance}; in the source transaction {@code txId} unless it is null. */
    SinkRecord data(String topic, int partition, int id, long balance, String txId, long totalOrder) {
        Struct value = new Struct(ENVELOPE).put("after", new Struct(ROW).put("id", id).put("balance", balance)).put("op", "u");
        if (txId != null) {
            value.put("transaction", new Struct(TX).put("id", txId).put("total_order", totalOrder)
                    .put("data_collection_order", totalOrder));
        }
        return record(topic, partition, new Struct(KEY).put("id", id), ENVELOPE, value);
    }

    /**
     * An upsert as {@link #data}, in transaction {@code xid} with id {@code xid:lsn}, whose source block orders it
     * in the replication stream as Debezium's PostgreSQL connector does: {@code sequence} is
     * {@code ["<last commit LSN>","<lsn>"]}.
     */
    SinkRecord dataAt(String topic, int partition, int id, long balance, long xid, long lastCommitLsn, long lsn,
                      long totalOrder) {
        SinkRecord record = data(topic, partition, id, balance, xid + ":" + lsn, totalOrder);
        ((Struct) record.value()).put("source", new Struct(SOURCE).put("connector", "postgresql")
                .put("sequence", "[\"" + lastCommitLsn + "\",\"" + lsn + "\"]"));
        return record;
    }

    /** The same record at the next offset of its partition: what a source sends again after an unclean stop. */
    SinkRecord resent(SinkRecord record) {
        return record(record.topic(), record.kafkaPartition(), (Struct) record.key(), record.valueSchema(),
                (Struct) record.value());
    }

    /** A delete of row {@code id} in the source transaction {@code txId}. */
    SinkRecord delete(String topic, int partition, int id, String txId, long totalOrder) {
        Struct value = new Struct(ENVELOPE).put("before", new Struct(ROW).put("id", id).put("balance", 0L)).put("op", "d")
                .put("transaction", new Struct(TX).put("id", txId).put("total_order", totalOrder)
                        .put("data_collection_order", totalOrder));
        return record(topic, partition, new Struct(KEY).put("id", id), ENVELOPE, value);
    }

    /** The tombstone Debezium sends after a delete (tombstones.on.delete=true): the key, no value, no transaction. */
    SinkRecord tombstone(String topic, int partition, int id) {
        return record(topic, partition, new Struct(KEY).put("id", id), null, null);
    }

    /** A BEGIN (counts null) or END marker. */
    SinkRecord marker(String status, String txId, Map<String, Long> counts) {
        return marker(status, txId, counts, 0);
    }

    /** A BEGIN (counts null) or END marker on a partition of the transaction topic. */
    SinkRecord marker(String status, String txId, Map<String, Long> counts, int partition) {
        Struct value = new Struct(MARKER).put("status", status).put("id", txId).put("ts_ms", 1L);
        if (counts != null) {
            List<Struct> collections = new ArrayList<>();
            counts.forEach((name, count) -> collections.add(new Struct(COLLECTION).put("data_collection", name)
                    .put("event_count", count)));
            value.put("event_count", counts.values().stream().mapToLong(Long::longValue).sum());
            value.put("data_collections", collections);
        }
        return record(TX_TOPIC, partition, null, MARKER, value);
    }

    private SinkRecord record(String topic, int partition, Struct key, Schema schema, Struct value) {
        long offset = offsets.merge(new TopicPartition(topic, partition), 1L, Long::sum) - 1;
        return new SinkRecord(topic, partition, key == null ? null : KEY, key, schema, value, offset);
    }
}
