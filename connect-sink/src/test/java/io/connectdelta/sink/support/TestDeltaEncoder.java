package io.connectdelta.sink.support;

import io.connectdelta.event.Formats;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.common.record.TimestampType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-only encoder of change events in every wire format of WIRE_FORMATS.md (full envelope, delta, json-patch,
 * id-only, tombstone, truncate), with schemas, for one table. It stands in for the ToDelta transform until the
 * transform's own output can feed these tests.
 */
public final class TestDeltaEncoder {
    public static final Schema SOURCE_SCHEMA = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("connector", Schema.STRING_SCHEMA).field("name", Schema.STRING_SCHEMA)
            .field("db", Schema.STRING_SCHEMA).field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
            .field("sequence", Schema.OPTIONAL_STRING_SCHEMA).build();

    private final String topic;
    private final String sourceTable;
    private final Schema keySchema;
    private final Schema rowSchema;
    private final Schema envelope;
    private final Schema deltaRow;
    private final Schema delta;
    private final Schema patch;
    private final Schema idOnly;
    private long offset;
    private boolean sourcePositions;
    private Long lsn;

    public TestDeltaEncoder(String topic, String sourceTable, Schema keySchema, Schema rowSchema) {
        this.topic = topic;
        this.sourceTable = sourceTable;
        this.keySchema = keySchema;
        this.rowSchema = optionalStruct(rowSchema);
        Schema optionalRow = optionalStruct(rowSchema);
        this.envelope = SchemaBuilder.struct().name("srv." + sourceTable + ".Envelope")
                .field("before", optionalRow).field("after", optionalRow).field("source", SOURCE_SCHEMA)
                .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
        this.deltaRow = optionalCopy(rowSchema, true);
        this.delta = SchemaBuilder.struct().name("srv." + sourceTable + ".Delta")
                .field("after", deltaRow).field("changed", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
                .field("source", SOURCE_SCHEMA).field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
        Schema optionalKey = optionalStruct(keySchema);
        this.patch = SchemaBuilder.struct().name("srv." + sourceTable + ".JsonPatch")
                .field("key", optionalKey).field("patch", Schema.OPTIONAL_STRING_SCHEMA)
                .field("source", SOURCE_SCHEMA).field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
        this.idOnly = SchemaBuilder.struct().name("srv." + sourceTable + ".IdOnly")
                .field("key", optionalKey).field("source", SOURCE_SCHEMA).field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
    }

    /** The same struct schema, itself optional (as Debezium's before/after), fields unchanged. */
    private static Schema optionalStruct(Schema schema) {
        if (schema.isOptional()) {
            return schema;
        }
        SchemaBuilder builder = SchemaBuilder.struct().name(schema.name()).optional();
        for (Field field : schema.fields()) {
            builder.field(field.name(), field.schema());
        }
        return builder.build();
    }

    /** The struct schema with every field optional; for delta rows marking the formerly required ones. */
    private static Schema optionalCopy(Schema schema, boolean markRequired) {
        SchemaBuilder builder = SchemaBuilder.struct().name(schema.name()).optional();
        for (Field field : schema.fields()) {
            Schema fs = field.schema();
            if (fs.isOptional()) {
                builder.field(field.name(), fs);
                continue;
            }
            SchemaBuilder copy = new SchemaBuilder(fs.type()).name(fs.name()).version(fs.version()).optional();
            if (fs.parameters() != null) {
                copy.parameters(fs.parameters());
            }
            if (markRequired) {
                copy.parameter(Formats.REQUIRED_PARAMETER, "true");
            }
            if (fs.type() == Schema.Type.ARRAY) {
                copy = SchemaBuilder.array(fs.valueSchema()).name(fs.name()).optional();
            }
            builder.field(field.name(), copy.build());
        }
        return builder.build();
    }

    public Schema rowSchema() {
        return rowSchema;
    }

    public String topic() {
        return topic;
    }

    /** A row of the full schema from name/value pairs; fields not named are null. */
    public Struct row(Object... namesAndValues) {
        Struct row = new Struct(rowSchema);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            row.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return row;
    }

    private Struct key(Struct row) {
        Struct key = new Struct(keySchema);
        for (Field field : keySchema.fields()) {
            key.put(field.name(), row.get(field.name()));
        }
        return key;
    }

    private Struct keyOf(Object... namesAndValues) {
        Struct key = new Struct(keySchema);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            key.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return key;
    }

    /**
     * From now on the source blocks carry Debezium PostgreSQL's {@code sequence} (last commit LSN, LSN), growing
     * with every event this encoder makes, as in a replication stream: the record at offset n is at LSN n + 1, so
     * records must then be put in the order they were made. A record sent again ({@link #resent}) keeps its
     * position.
     */
    public TestDeltaEncoder withSourcePositions() {
        this.sourcePositions = true;
        return this;
    }

    /**
     * The next event made carries Debezium PostgreSQL's {@code sequence} at this LSN (as the last commit's LSN and
     * the event's), the ones after it the following LSNs, whatever their offsets; null: no such LSNs.
     */
    public TestDeltaEncoder atLsn(Long lsn) {
        this.lsn = lsn;
        return this;
    }

    private Struct source() {
        return new Struct(SOURCE_SCHEMA).put("connector", "postgresql").put("name", "srv").put("db", "src")
                .put("schema", "public").put("table", sourceTable).put("ts_ms", 1_700_000_000_000L)
                .put("sequence", lsn != null ? "[\"" + lsn + "\",\"" + lsn++ + "\"]"
                        : sourcePositions ? "[null,\"" + (offset + 1) + "\"]" : null);
    }

    /** The same change at another offset of the topic: what a source sends again after an unclean stop. */
    public SinkRecord resent(SinkRecord record) {
        return new SinkRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                record.valueSchema(), record.value(), offset++, record.timestamp(), record.timestampType(),
                record.headers());
    }

    private SinkRecord record(Struct key, Schema valueSchema, Object value, String format) {
        ConnectHeaders headers = new ConnectHeaders();
        if (format != null) {
            headers.addString(Formats.FORMAT_HEADER, format);
        }
        return new SinkRecord(topic, 0, keySchema, key, valueSchema, value, offset++, 1_700_000_000_000L,
                TimestampType.CREATE_TIME, headers);
    }

    /** Debezium's envelope with op c, r or u (before may be null) or d (after null). */
    public SinkRecord full(String op, Struct before, Struct after) {
        Struct value = new Struct(envelope).put("before", before).put("after", after).put("source", source())
                .put("op", op).put("ts_ms", 1_700_000_000_001L);
        return record(key(after != null ? after : before), envelope, value, "full");
    }

    /** A delta event: the key fields plus the named changed fields (op c, r, u; d with only the key). */
    public SinkRecord delta(String op, Struct keyRow, Map<String, Object> changed) {
        Struct after = new Struct(deltaRow);
        for (Field field : keySchema.fields()) {
            after.put(field.name(), keyRow.get(field.name()));
        }
        List<String> names = new ArrayList<>();
        for (Field field : rowSchema.fields()) {
            if (changed.containsKey(field.name())) {
                after.put(field.name(), changed.get(field.name()));
                names.add(field.name());
            }
        }
        Struct value = new Struct(delta).put("after", after).put("changed", names).put("source", source())
                .put("op", op).put("ts_ms", 1_700_000_000_001L);
        return record(key(keyRow), delta, value, "delta");
    }

    /** Convenience: a delta update of the row with key {@code id} (single key field "id"). */
    public SinkRecord deltaUpdate(Object id, Object... namesAndValues) {
        Map<String, Object> changed = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            changed.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return delta("u", row("id", id), changed);
    }

    /** A JSON Patch event with the given RFC 6902 text (null for deletes). */
    public SinkRecord patch(String op, Struct keyRow, String patchJson) {
        Struct key = key(keyRow);
        Struct value = new Struct(this.patch).put("key", carriedKey(this.patch, key)).put("patch", patchJson).put("source", source())
                .put("op", op).put("ts_ms", 1_700_000_000_001L);
        return record(key, this.patch, value, "json-patch");
    }

    /** The key as the value's optional {@code key} field of {@code envelope} carries it. */
    private Struct carriedKey(Schema envelope, Struct key) {
        Struct carried = new Struct(envelope.field("key").schema());
        for (Field field : keySchema.fields()) {
            carried.put(field.name(), key.get(field.name()));
        }
        return carried;
    }

    public SinkRecord idOnlyEvent(String op, Struct keyRow) {
        Struct key = key(keyRow);
        Struct value = new Struct(idOnly).put("key", carriedKey(idOnly, key)).put("source", source()).put("op", op)
                .put("ts_ms", 1_700_000_000_001L);
        return record(key, idOnly, value, "id-only");
    }

    public SinkRecord tombstone(Struct keyRow) {
        return record(key(keyRow), null, null, null);
    }

    public SinkRecord truncate() {
        Struct value = new Struct(envelope).put("source", source()).put("op", "t").put("ts_ms", 1_700_000_000_001L);
        return new SinkRecord(topic, 0, null, null, envelope, value, offset++);
    }

    /** The next offset this encoder hands out. */
    public long nextOffset() {
        return offset;
    }

    public void resetOffset(long next) {
        offset = next;
    }

    /** Key-only struct for a single "id" key. */
    public Struct id(Object id) {
        return keyOf("id", id);
    }
}
