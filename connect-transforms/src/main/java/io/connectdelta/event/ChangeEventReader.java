package io.connectdelta.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connectdelta.event.json.RowJson;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Header;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Kafka Connect record of any shape into a {@link ChangeEvent}, with a schema (Struct values) or
 * without (Map values). The {@value Formats#FORMAT_HEADER} header decides the shape when present; otherwise the
 * value's fields do:
 * <ul>
 *   <li>null value: a tombstone;</li>
 *   <li>{@code op} with {@code after} and {@code changed}: a delta event;</li>
 *   <li>{@code op} with {@code patch}: a JSON Patch event;</li>
 *   <li>{@code op} with {@code key} and nothing of a row: an id-only event;</li>
 *   <li>{@code op} with {@code before} or {@code after}: Debezium's envelope (ops c, r, u, d, t);</li>
 *   <li>anything else with fields: a flattened row (ExtractNewRecordState), whose {@code __op} or
 *       {@code __deleted} fields give the op; without them it is an upsert of the row.</li>
 * </ul>
 * Anything else raises a DataException naming the topic, partition and offset, and what was expected.
 */
public final class ChangeEventReader {
    // Exact decimals: a patch's numbers must come back as the values they were written from.
    private static final ObjectMapper JSON = RowJson.mapper();
    private static final Set<String> ENVELOPE_METADATA =
            Set.of(Formats.SOURCE, Formats.TRANSACTION, Formats.OP, Formats.TS_MS, "ts_us", "ts_ns");
    private static final Set<String> FLATTENED_METADATA = Set.of(
            Formats.FLATTENED_DELETED, Formats.FLATTENED_OP, "__table", "__db", "__schema", "__lsn", "__txId",
            "__ts_ms", "__ts_us", "__ts_ns", "__name", "__connector", "__version", "__snapshot", "__sequence",
            "__xmin", "__source_ts_ms", "__source_ts_us", "__source_ts_ns");

    private final ToastPlaceholder placeholder;

    public ChangeEventReader(ToastPlaceholder placeholder) {
        this.placeholder = placeholder;
    }

    public ChangeEventReader() {
        this(ToastPlaceholder.defaults());
    }

    public ToastPlaceholder placeholder() {
        return placeholder;
    }

    private static final String HEARTBEAT_SCHEMA = "io.debezium.connector.common.Heartbeat";
    /** Debezium names it after the connector's package: io.debezium.connector.mysql.SchemaChangeValue, ... */
    private static final String SCHEMA_CHANGE_SUFFIX = ".SchemaChangeValue";
    private static final String DDL = "ddl";
    private static final String TABLE_CHANGES = "tableChanges";

    /**
     * True for Debezium's own metadata records that a source connector sends beside the change events: transaction
     * BEGIN/END markers, heartbeats and the schema change records (DDL) of the binlog connectors
     * ({@code include.schema.changes}, on by default). Transforms pass them through, as Debezium's own do.
     */
    public static boolean isDebeziumMetadata(ConnectRecord<?> record) {
        return TransactionMarker.isMarker(record)
                || (record.valueSchema() != null && HEARTBEAT_SCHEMA.equals(record.valueSchema().name()))
                || isSchemaChange(record);
    }

    private static boolean isSchemaChange(ConnectRecord<?> record) {
        Schema schema = record.valueSchema();
        if (schema != null && schema.type() == Schema.Type.STRUCT) {
            return schema.name() != null && schema.name().endsWith(SCHEMA_CHANGE_SUFFIX) && schema.field(DDL) != null;
        }
        return record.value() instanceof Map<?, ?> map && map.containsKey(DDL) && map.containsKey(TABLE_CHANGES)
                && !map.containsKey(Formats.OP);
    }

    public ChangeEvent read(ConnectRecord<?> record) {
        Row key = keyRow(record);
        Object value = record.value();
        if (value == null) {
            return new ChangeEvent(record, Shape.TOMBSTONE, Op.DELETE, key, null, null, List.of(), null, placeholder,
                    null, SourcePosition.UNKNOWN, null, null);
        }
        if (!(value instanceof Struct) && !(value instanceof Map)) {
            throw new DataException("Expected a change event (a Struct or a Map value) in " + RecordLocation.describe(record)
                    + " but found " + value.getClass().getSimpleName());
        }
        Shape shape = declaredShape(record);
        if (shape == null) {
            shape = detectShape(value);
        }
        if (shape == null) {
            return readFlattened(record, key, value);
        }
        switch (shape) {
            case FULL:
                return readEnvelope(record, key, value);
            case DELTA:
                return readDelta(record, key, value);
            case JSON_PATCH:
                return readPatch(record, key, value);
            case ID_ONLY:
                return readIdOnly(record, key, value);
            default:
                throw new DataException("A record with a value cannot be a " + shape.wireName() + " event: "
                        + RecordLocation.describe(record));
        }
    }

    private static Shape declaredShape(ConnectRecord<?> record) {
        Header header = record.headers().lastWithName(Formats.FORMAT_HEADER);
        if (header == null || header.value() == null) {
            return null;
        }
        Shape shape = Shape.fromWireName(header.value().toString());
        if (shape == null || shape == Shape.TOMBSTONE) {
            throw new DataException("Unknown " + Formats.FORMAT_HEADER + " header '" + header.value() + "' in "
                    + RecordLocation.describe(record) + ": expected full, delta, json-patch or id-only");
        }
        // A full event without an envelope (a flattened row) is detected by its fields.
        return shape == Shape.FULL && !has(record.value(), Formats.OP) ? null : shape;
    }

    /** The shape from the value's fields, or null for a flattened row. */
    private Shape detectShape(Object value) {
        if (value instanceof Struct) {
            // The records of a topic share their schema instance: detect once per schema, not per record.
            Schema schema = ((Struct) value).schema();
            DetectedShape last = lastDetected;
            if (last != null && last.schema == schema) {
                return last.shape;
            }
            Shape shape = detectShapeOf(value);
            lastDetected = new DetectedShape(schema, shape);
            return shape;
        }
        return detectShapeOf(value);
    }

    private record DetectedShape(Schema schema, Shape shape) {
    }

    private volatile DetectedShape lastDetected;

    private static Shape detectShapeOf(Object value) {
        Set<String> names = fieldNames(value);
        if (!names.contains(Formats.OP)) {
            return null;
        }
        Set<String> rest = new HashSet<>(names);
        rest.removeAll(ENVELOPE_METADATA);
        if (rest.equals(Set.of(Formats.AFTER, Formats.CHANGED))) {
            return Shape.DELTA;
        }
        if (rest.contains(Formats.PATCH) && !rest.contains(Formats.AFTER) && !rest.contains(Formats.BEFORE)) {
            return Shape.JSON_PATCH;
        }
        if (rest.equals(Set.of(Formats.KEY))) {
            return Shape.ID_ONLY;
        }
        if ((rest.contains(Formats.BEFORE) || rest.contains(Formats.AFTER))
                && Set.of(Formats.BEFORE, Formats.AFTER).containsAll(rest)) {
            return Shape.FULL;
        }
        return null;
    }

    private ChangeEvent readEnvelope(ConnectRecord<?> record, Row key, Object value) {
        Op op = op(record, value);
        Row before = row(get(value, Formats.BEFORE));
        Row after = row(get(value, Formats.AFTER));
        if (op.writesRow() && after == null) {
            throw new DataException("A change event with op '" + op.code() + "' has no 'after' row: "
                    + RecordLocation.describe(record));
        }
        return new ChangeEvent(record, Shape.FULL, op, key, before, after, List.of(), null, placeholder,
                get(value, Formats.SOURCE), null, TransactionBlock.of(value), tsMs(value));
    }

    private ChangeEvent readDelta(ConnectRecord<?> record, Row key, Object value) {
        Op op = op(record, value);
        List<String> changed = changedList(record, get(value, Formats.CHANGED));
        Object afterValue = get(value, Formats.AFTER);
        Row after = null;
        if (afterValue instanceof Struct) {
            Struct struct = (Struct) afterValue;
            for (String name : changed) {
                if (struct.schema().field(name) == null) {
                    throw new DataException("Delta event names changed field '" + name + "' that its 'after' row "
                            + "does not have: " + RecordLocation.describe(record));
                }
            }
            Set<String> present = new HashSet<>(changed);
            if (key != null) {
                present.addAll(key.fieldNames());
            }
            after = Row.ofStruct(struct, present::contains);
        } else if (afterValue instanceof Map) {
            after = Row.ofMap((Map<?, ?>) afterValue);
            for (String name : changed) {
                if (!after.has(name)) {
                    throw new DataException("Delta event names changed field '" + name + "' that its 'after' row "
                            + "does not carry: " + RecordLocation.describe(record));
                }
            }
        } else if (afterValue != null) {
            throw new DataException("Delta event 'after' must be a Struct or a Map in " + RecordLocation.describe(record));
        }
        if (after == null && op.writesRow()) {
            throw new DataException("A delta event with op '" + op.code() + "' has no 'after' row: "
                    + RecordLocation.describe(record));
        }
        return new ChangeEvent(record, Shape.DELTA, op, key, null, after, changed, null, placeholder,
                get(value, Formats.SOURCE), null, TransactionBlock.of(value), tsMs(value));
    }

    private ChangeEvent readPatch(ConnectRecord<?> record, Row key, Object value) {
        Op op = op(record, value);
        Object raw = get(value, Formats.PATCH);
        JsonNode patch;
        try {
            patch = raw == null ? JSON.createArrayNode()
                    : raw instanceof String ? JSON.readTree((String) raw) : JSON.valueToTree(raw);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new DataException("JSON Patch event has a 'patch' that is not JSON in " + RecordLocation.describe(record), e);
        }
        if (!patch.isArray()) {
            throw new DataException("JSON Patch event 'patch' must be an RFC 6902 array in " + RecordLocation.describe(record));
        }
        Row carriedKey = key != null ? key : row(get(value, Formats.KEY));
        return new ChangeEvent(record, Shape.JSON_PATCH, op, carriedKey, null, null, List.of(), patch, placeholder,
                get(value, Formats.SOURCE), null, TransactionBlock.of(value), tsMs(value));
    }

    private ChangeEvent readIdOnly(ConnectRecord<?> record, Row key, Object value) {
        Op op = op(record, value);
        Row carriedKey = key != null ? key : row(get(value, Formats.KEY));
        return new ChangeEvent(record, Shape.ID_ONLY, op, carriedKey, null, null, List.of(), null, placeholder,
                get(value, Formats.SOURCE), null, TransactionBlock.of(value), tsMs(value));
    }

    private ChangeEvent readFlattened(ConnectRecord<?> record, Row key, Object value) {
        Row full = row(value);
        Object opCode = full.get(Formats.FLATTENED_OP);
        Object deleted = full.get(Formats.FLATTENED_DELETED);
        Op op;
        if (opCode != null) {
            op = Op.fromCode(opCode.toString());
            if (op == null) {
                throw unknownOp(record, opCode);
            }
        } else if ("true".equals(String.valueOf(deleted))) {
            op = Op.DELETE;
        } else {
            op = Op.UPDATE;
        }
        Set<String> metadata = new HashSet<>(full.fieldNames());
        metadata.retainAll(FLATTENED_METADATA);
        Row row = full.without(metadata);
        SourcePosition position = new SourcePosition(null, null, str(full.get("__db")), str(full.get("__schema")),
                str(full.get("__table")), str(full.get("__txId")), SourcePosition.number(full.get("__lsn")),
                SourcePosition.number(full.has("__source_ts_ms") ? full.get("__source_ts_ms") : full.get("__ts_ms")), null);
        Row before = op == Op.DELETE ? row : null;
        Row after = op.writesRow() ? row : null;
        return new ChangeEvent(record, Shape.FULL, op, key, before, after, List.of(), null, placeholder,
                null, position, null, null);
    }

    private static Op op(ConnectRecord<?> record, Object value) {
        Object code = get(value, Formats.OP);
        Op op = code == null ? null : Op.fromCode(code.toString());
        if (op == null) {
            throw unknownOp(record, code);
        }
        return op;
    }

    private static DataException unknownOp(ConnectRecord<?> record, Object code) {
        return new DataException("Unknown op '" + code + "' in " + RecordLocation.describe(record)
                + ": expected one of c, r, u, d, t");
    }

    private static List<String> changedList(ConnectRecord<?> record, Object raw) {
        if (!(raw instanceof List)) {
            throw new DataException("Delta event must carry the list of changed field names in '" + Formats.CHANGED
                    + "': " + RecordLocation.describe(record));
        }
        List<String> names = new ArrayList<>();
        for (Object name : (List<?>) raw) {
            if (!(name instanceof String)) {
                throw new DataException("Delta event '" + Formats.CHANGED + "' must hold field names (strings): "
                        + RecordLocation.describe(record));
            }
            names.add((String) name);
        }
        return Collections.unmodifiableList(names);
    }

    private static Row keyRow(ConnectRecord<?> record) {
        return row(record.key());
    }

    private static Row row(Object value) {
        if (value instanceof Struct) {
            return Row.ofStruct((Struct) value);
        }
        if (value instanceof Map) {
            return Row.ofMap((Map<?, ?>) value);
        }
        return null;
    }

    private static Long tsMs(Object value) {
        return SourcePosition.number(get(value, Formats.TS_MS));
    }

    private static String str(Object value) {
        return value == null ? null : value.toString();
    }

    /** A field of a Struct or a Map, or null when the container has no such field. */
    static Object get(Object container, String name) {
        if (container instanceof Struct) {
            Struct struct = (Struct) container;
            Field field = struct.schema().field(name);
            return field == null ? null : struct.get(field);
        }
        if (container instanceof Map) {
            return ((Map<?, ?>) container).get(name);
        }
        return null;
    }

    private static boolean has(Object container, String name) {
        if (container instanceof Struct) {
            return ((Struct) container).schema().field(name) != null;
        }
        return container instanceof Map && ((Map<?, ?>) container).containsKey(name);
    }

    private static Set<String> fieldNames(Object container) {
        if (container instanceof Struct) {
            Set<String> names = new LinkedHashSet<>();
            for (Field field : ((Struct) container).schema().fields()) {
                names.add(field.name());
            }
            return names;
        }
        Set<String> names = new LinkedHashSet<>();
        for (Object k : ((Map<?, ?>) container).keySet()) {
            names.add(String.valueOf(k));
        }
        return names;
    }
}
