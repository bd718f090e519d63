package io.connectdelta.event;

import io.connectdelta.transforms.ToDelta;
import io.connectdelta.transforms.ToIdOnly;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Debezium's transaction markers, heartbeats and schema changes are told apart from change events, and transforms let them pass. */
class DebeziumMetadataTest {
    private static final Schema MARKER = SchemaBuilder.struct().name("io.debezium.connector.common.TransactionMetadataValue")
            .field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA)
            .field("event_count", Schema.OPTIONAL_INT64_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).build();
    private static final Schema HEARTBEAT = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat")
            .field("ts_ms", Schema.INT64_SCHEMA).build();
    /** What Debezium's binlog connectors send to the topic named by topic.prefix for DDL (include.schema.changes). */
    private static final Schema SCHEMA_CHANGE = SchemaBuilder.struct().name("io.debezium.connector.mariadb.SchemaChangeValue")
            .field("source", SchemaBuilder.struct().name("io.debezium.connector.mariadb.Source")
                    .field("server", Schema.STRING_SCHEMA).field("file", Schema.STRING_SCHEMA)
                    .field("pos", Schema.INT64_SCHEMA).build())
            .field("ts_ms", Schema.INT64_SCHEMA).field("databaseName", Schema.OPTIONAL_STRING_SCHEMA)
            .field("schemaName", Schema.OPTIONAL_STRING_SCHEMA).field("ddl", Schema.OPTIONAL_STRING_SCHEMA)
            .field("tableChanges", SchemaBuilder.array(Schema.STRING_SCHEMA).build()).build();
    /** A flattened row of a table that happens to have columns id and status. */
    private static final Schema ORDERS = SchemaBuilder.struct().name("db.public.orders.Value")
            .field("id", Schema.STRING_SCHEMA).field("status", Schema.STRING_SCHEMA).build();

    private static SourceRecord record(String topic, Schema schema, Object value) {
        return new SourceRecord(Map.of(), Map.of(), topic, 0, null, null, schema, value);
    }

    @Test
    void markersAndHeartbeatsAreMetadata() {
        SourceRecord begin = record("db.transaction", MARKER,
                new Struct(MARKER).put("status", "BEGIN").put("id", "7:1").put("ts_ms", 1L));
        SourceRecord heartbeat = record("__debezium-heartbeat.db", HEARTBEAT, new Struct(HEARTBEAT).put("ts_ms", 1L));
        SourceRecord schemaless = record("db.transaction", null, Map.of("status", "END", "id", "7:9", "event_count", 3));
        assertTrue(ChangeEventReader.isDebeziumMetadata(begin));
        assertTrue(ChangeEventReader.isDebeziumMetadata(heartbeat));
        assertTrue(ChangeEventReader.isDebeziumMetadata(schemaless));
    }

    private static SourceRecord schemaChange() {
        Struct source = new Struct(SCHEMA_CHANGE.field("source").schema()).put("server", "shop")
                .put("file", "mariadb-bin.000001").put("pos", 4L);
        return record("shop", SCHEMA_CHANGE, new Struct(SCHEMA_CHANGE).put("source", source).put("ts_ms", 1L)
                .put("databaseName", "inventory").put("ddl", "ALTER TABLE items ADD COLUMN note TEXT")
                .put("tableChanges", java.util.List.of()));
    }

    @Test
    void schemaChangeRecordsOfBinlogConnectorsAreMetadata() {
        assertTrue(ChangeEventReader.isDebeziumMetadata(schemaChange()));
        assertTrue(ChangeEventReader.isDebeziumMetadata(record("shop", null, Map.of("source", Map.of("file", "b.1"),
                "databaseName", "inventory", "ddl", "DROP TABLE t", "tableChanges", java.util.List.of()))));
        // A table's row with a column named ddl is not one.
        Schema migrations = SchemaBuilder.struct().name("shop.inventory.migrations.Value")
                .field("id", Schema.INT32_SCHEMA).field("ddl", Schema.STRING_SCHEMA).build();
        assertFalse(ChangeEventReader.isDebeziumMetadata(record("shop.inventory.migrations", migrations,
                new Struct(migrations).put("id", 1).put("ddl", "CREATE TABLE x (a INT)"))));
        assertFalse(ChangeEventReader.isDebeziumMetadata(record("shop.inventory.migrations", null,
                Map.of("op", "c", "after", Map.of("ddl", "x"), "ddl", "x", "tableChanges", java.util.List.of()))));
    }

    @Test
    void aRowWithIdAndStatusColumnsIsNotAMarker() {
        SourceRecord order = record("db.public.orders", ORDERS, new Struct(ORDERS).put("id", "o-1").put("status", "END"));
        assertFalse(TransactionMarker.isMarker(order));
        assertFalse(TransactionMarker.isMarker(record("db.public.orders", null,
                Map.of("id", "o-2", "status", "BEGIN", "total", 10))));
        assertFalse(TransactionMarker.isMarker(record("db.public.orders", null, Map.of("id", "o-3", "status", "NEW"))));
    }

    @Test
    void transformsPassMetadataThroughAndStillRejectWhatIsNoChangeEvent() {
        ToDelta<SourceRecord> toDelta = new ToDelta<>();
        toDelta.configure(Map.of());
        ToIdOnly<SourceRecord> toIdOnly = new ToIdOnly<>();
        toIdOnly.configure(Map.of());
        SourceRecord end = record("db.transaction", MARKER,
                new Struct(MARKER).put("status", "END").put("id", "7:9").put("event_count", 2L).put("ts_ms", 1L));
        assertSame(end, toDelta.apply(end));
        assertSame(end, toIdOnly.apply(end));
        SourceRecord ddl = schemaChange();
        assertSame(ddl, toDelta.apply(ddl));
        assertSame(ddl, toIdOnly.apply(ddl));
        SourceRecord order = record("db.public.orders", ORDERS, new Struct(ORDERS).put("id", "o-1").put("status", "END"));
        assertThrows(DataException.class, () -> toDelta.apply(order), "a flattened row still needs the envelope");
        toDelta.close();
        toIdOnly.close();
    }
}
