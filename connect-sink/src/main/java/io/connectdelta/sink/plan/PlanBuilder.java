package io.connectdelta.sink.plan;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Op;
import io.connectdelta.event.Row;
import io.connectdelta.event.Shape;
import io.connectdelta.sink.DeltaJdbcSinkConfig;
import io.connectdelta.sink.DeltaJdbcSinkConfig.InsertMode;
import io.connectdelta.sink.DeltaJdbcSinkConfig.PrimaryKeyMode;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Turns change events of every shape into a {@link FlushPlan}: full rows become upserts (without the columns
 * holding a TOAST placeholder), deltas and JSON Patches become updates of exactly the changed columns, deletes and
 * tombstones become deletes, truncates clear the table's plan and truncate it.
 */
public final class PlanBuilder {

    static final String KAFKA_TOPIC = "__connect_topic";
    static final String KAFKA_PARTITION = "__connect_partition";
    static final String KAFKA_OFFSET = "__connect_offset";
    private static final Schema KAFKA_KEY_SCHEMA = SchemaBuilder.struct()
            .field(KAFKA_TOPIC, Schema.STRING_SCHEMA).field(KAFKA_PARTITION, Schema.INT32_SCHEMA)
            .field(KAFKA_OFFSET, Schema.INT64_SCHEMA).build();

    /** What became of an event. */
    public enum Outcome { PLANNED, IGNORED_DELETE, IGNORED_TRUNCATE, IGNORED_ID_ONLY }

    private final DeltaJdbcSinkConfig config;
    private final TableNaming naming;
    private final TargetColumns targetColumns;
    /** False when every field is written under its own name: then rows need no mapping. */
    private final boolean mapsColumns;
    // Read from the config once: its getters look values up (and parse enums) on every call.
    private final InsertMode insertMode;
    private final PrimaryKeyMode primaryKeyMode;
    private final List<String> primaryKeyFields;
    private final boolean deleteEnabled;
    private final boolean truncateEnabled;
    private final boolean ignoreIdOnlyEvents;
    private final Predicate<String> inSourceOrder;
    private FlushPlan plan;

    public PlanBuilder(DeltaJdbcSinkConfig config) {
        this(config, new TableNaming(config.collectionNameFormat(), Identifiers.of(config)));
    }

    /** A builder sharing {@code naming} (which remembers the tables of topics) with others. */
    public PlanBuilder(DeltaJdbcSinkConfig config, TableNaming naming) {
        this(config, naming, table -> false);
    }

    /**
     * A builder that keeps the statements of the tables {@code inSourceOrder} names in the order of their events
     * (see {@link TablePlan#inSourceOrder}).
     */
    public PlanBuilder(DeltaJdbcSinkConfig config, TableNaming naming, Predicate<String> inSourceOrder) {
        this.config = config;
        this.inSourceOrder = inSourceOrder;
        this.naming = naming;
        FieldFilter filter = FieldFilter.of(config.fieldIncludeList(), config.fieldExcludeList());
        Identifiers identifiers = Identifiers.of(config);
        this.targetColumns = new TargetColumns(filter, identifiers);
        this.mapsColumns = !filter.keepsAll() || !identifiers.quoted();
        this.insertMode = config.insertMode();
        this.primaryKeyMode = config.primaryKeyMode();
        this.primaryKeyFields = config.primaryKeyFields();
        this.deleteEnabled = config.deleteEnabled();
        this.truncateEnabled = config.truncateEnabled();
        this.ignoreIdOnlyEvents = config.ignoreIdOnlyEvents();
        this.plan = newPlan();
    }

    private FlushPlan newPlan() {
        return new FlushPlan(config.useReductionBuffer(),
                config.missingRowMode() == DeltaJdbcSinkConfig.MissingRowMode.FAIL, inSourceOrder);
    }

    /** Adds one event; a DataException (naming the record) leaves the plan as it was. */
    public Outcome add(ChangeEvent event) {
        if (event.shape() == Shape.ID_ONLY) {
            if (ignoreIdOnlyEvents) {
                return Outcome.IGNORED_ID_ONLY;
            }
            throw new DataException("An id-only event carries no row data and cannot be written: "
                    + event.location() + ". Set " + DeltaJdbcSinkConfig.RESELECT_CONNECTION_URL + " to re-select their rows in the "
                    + "sink, put the Reselect transform before the sink, or set " + DeltaJdbcSinkConfig.ID_ONLY_IGNORE + "=true to skip them.");
        }
        String table = naming.tableFor(event);
        Op op = event.op();
        if (op == Op.TRUNCATE) {
            if (!truncateEnabled) {
                return Outcome.IGNORED_TRUNCATE;
            }
            plan.table(table).truncateNow();
            return Outcome.PLANNED;
        }
        if (op == Op.DELETE) {
            if (!deleteEnabled) {
                return Outcome.IGNORED_DELETE;
            }
            Row key = targetKey(requireKey(event), event);
            plan.add(table, new RowWrite(WriteKind.DELETE, key, new LinkedHashMap<>(), null, event));
            return Outcome.PLANNED;
        }
        RowWrite write = event.shape() == Shape.JSON_PATCH ? patchWrite(event) : rowWrite(event);
        plan.add(table, write);
        return Outcome.PLANNED;
    }

    /** The plan built so far; starts a new one. */
    public FlushPlan take() {
        FlushPlan taken = plan;
        plan = newPlan();
        return taken;
    }

    private RowWrite rowWrite(ChangeEvent event) {
        Row after = event.after();
        Row key = keyOrNull(event);
        Set<String> skipped = new HashSet<>(event.unavailableFields());
        if (key != null) {
            skipped.addAll(key.fieldNames());
        }
        String topic = event.record().topic();
        LinkedHashMap<String, ColumnChange> columns = new LinkedHashMap<>();
        if (event.shape() != Shape.DELTA && after.schema() != null) {
            // A whole row from a Struct: by the schema's fields, without looking each one up by name.
            for (Field field : after.schema().fields()) {
                if (!skipped.contains(field.name()) && (!mapsColumns || targetColumns.keeps(topic, field.name()))) {
                    columns.put(column(field.name(), event), ColumnChange.set(new Value(after.get(field), field.schema())));
                }
            }
        } else {
            Iterable<String> written = event.shape() == Shape.DELTA ? event.changedFields() : after.fieldNames();
            for (String name : written) {
                if (!skipped.contains(name) && (!mapsColumns || targetColumns.keeps(topic, name))) {
                    columns.put(column(name, event), ColumnChange.set(new Value(after.get(name), after.fieldSchema(name))));
                }
            }
        }
        WriteKind kind = event.shape() == Shape.DELTA && event.op() == Op.UPDATE ? WriteKind.UPDATE : fullKind();
        Schema rowSchema = mapsColumns ? targetColumns.schema(after.schema(), event) : after.schema();
        return new RowWrite(kind, targetKey(key, event), columns, rowSchema, event);
    }

    /** A field's column name: the field's own name unless identifiers are folded (or too long: cut or refused). */
    private String column(String field, ChangeEvent event) {
        if (!mapsColumns && field.length() <= Identifiers.ALWAYS_FITS) {
            return field;
        }
        return targetColumns.column(field, event);
    }

    private Row targetKey(Row key, ChangeEvent event) {
        return key == null || primaryKeyMode == PrimaryKeyMode.KAFKA ? key : targetColumns.key(key, event);
    }

    private RowWrite patchWrite(ChangeEvent event) {
        Row key = keyOrNull(event);
        LinkedHashMap<String, ColumnChange> columns = JsonPatchColumns.columns(event);
        if (key != null) {
            columns.keySet().removeAll(key.fieldNames());
            key = targetKey(key, event);
        }
        columns = targetColumns.columns(columns, event);
        WriteKind kind = event.op() == Op.UPDATE ? WriteKind.UPDATE : fullKind();
        if (kind != WriteKind.UPDATE) {
            for (ColumnChange change : columns.values()) {
                if (change.readsCurrent()) {
                    throw new DataException("A JSON Patch insert must set whole columns, not paths inside them: "
                            + event.location());
                }
            }
        }
        return new RowWrite(kind, key, columns, null, event);
    }

    private WriteKind fullKind() {
        return insertMode == InsertMode.INSERT ? WriteKind.INSERT
                : insertMode == InsertMode.UPDATE ? WriteKind.UPDATE : WriteKind.UPSERT;
    }

    private Row keyOrNull(ChangeEvent event) {
        return primaryKeyMode == PrimaryKeyMode.NONE ? null : requireKey(event);
    }

    /** primary.key.mode=kafka: the record's coordinates, under the Debezium JDBC sink's column names. */
    private static Row kafkaKey(ChangeEvent event) {
        Map<String, Object> coordinates = new LinkedHashMap<>();
        coordinates.put(KAFKA_TOPIC, event.record().topic());
        coordinates.put(KAFKA_PARTITION, event.record().kafkaPartition());
        coordinates.put(KAFKA_OFFSET, event.record() instanceof SinkRecord sink ? sink.kafkaOffset() : null);
        return Row.of(KAFKA_KEY_SCHEMA, coordinates);
    }

    /** The primary key columns and their values, per primary.key.mode. */
    private Row requireKey(ChangeEvent event) {
        List<String> fields = primaryKeyFields;
        Row source;
        switch (primaryKeyMode) {
            case RECORD_KEY:
                source = event.key();
                if (source == null) {
                    Object raw = event.record().key();
                    if (raw != null && fields.size() == 1) {
                        Map<String, Object> single = new LinkedHashMap<>();
                        single.put(fields.get(0), raw);
                        Schema schema = event.record().keySchema() == null ? null
                                : SchemaBuilder.struct().field(fields.get(0), event.record().keySchema()).build();
                        return Row.of(schema, single);
                    }
                    throw new DataException("primary.key.mode=record_key needs a record key (a struct or map, or a "
                            + "primitive with one primary.key.fields name): " + event.location());
                }
                break;
            case RECORD_VALUE:
                source = event.after() != null ? event.after() : event.before();
                if (source == null) {
                    source = event.key();
                }
                if (source == null) {
                    throw new DataException("primary.key.mode=record_value needs the key fields in the row, which "
                            + "this event does not carry: " + event.location());
                }
                break;
            case KAFKA:
                return kafkaKey(event);
            default:
                throw new DataException("primary.key.mode=none cannot apply deletes or updates: " + event.location());
        }
        Row key = fields.isEmpty() ? source : source.select(fields);
        if (key.isEmpty() || (!fields.isEmpty() && key.size() != fields.size())) {
            throw new DataException("The event does not carry the primary key fields " + (fields.isEmpty()
                    ? "(the record key is empty)" : fields) + ": " + event.location());
        }
        for (Object value : key.values().values()) {
            if (value == null) {
                throw new DataException("A primary key field is null: " + event.location());
            }
        }
        return key;
    }

}
