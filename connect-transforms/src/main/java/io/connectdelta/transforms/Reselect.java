package io.connectdelta.transforms;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Formats;
import io.connectdelta.event.Op;
import io.connectdelta.event.RecordLocation;
import io.connectdelta.event.Row;
import io.connectdelta.event.Shape;
import io.connectdelta.event.ToastPlaceholder;
import io.connectdelta.transforms.reselect.SourceRowFetcher;
import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.transforms.util.SimpleConfig;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns id-only, delta and JSON Patch events, and full events with TOAST placeholders, into full events by
 * re-selecting the row from the source database. See docs/reselect.md.
 */
public class Reselect<R extends ConnectRecord<R>> extends ChangeEventTransformation<R> {

    public static final String OVERVIEW_DOC = "Makes full change events by re-selecting rows from the source "
            + "database over JDBC. Id-only, delta and JSON Patch events become Debezium envelopes whose 'after' is "
            + "the row as it is now; full events get their TOAST placeholder columns (and any reselect.columns) "
            + "filled in. A row that no longer exists becomes a delete (on.missing.row). The re-selected row is the "
            + "current one, not the one at the event's time: intermediate versions can be missed.";

    public static final String RESELECT_COLUMNS = "reselect.columns";
    public static final String ON_MISSING_ROW = "on.missing.row";
    public static final String ALL_COLUMNS = "*";

    /** What to do with an event whose row no longer exists. */
    public enum MissingRow { DELETE, FAIL, PASS }

    public static final ConfigDef CONFIG_DEF = definePlaceholder(SourceRowFetcher.addConfig(new ConfigDef()))
            .define(RESELECT_COLUMNS, ConfigDef.Type.LIST, "", ConfigDef.Importance.MEDIUM,
                    "Full events: the columns to re-select besides those holding a TOAST placeholder (which are "
                            + "always re-selected); '*' re-selects every column. Empty (the default): only the "
                            + "placeholder columns, so full events without placeholders pass unchanged. Id-only, "
                            + "delta and JSON Patch events always re-select the whole row.")
            .define(ON_MISSING_ROW, ConfigDef.Type.STRING, "delete",
                    ConfigDef.CaseInsensitiveValidString.in("delete", "fail", "pass"), ConfigDef.Importance.MEDIUM,
                    "When the row of an insert or update no longer exists in the source: 'delete' emits a delete "
                            + "event for it, 'fail' raises an error naming the record, 'pass' forwards the event "
                            + "unchanged.");

    private static final String PURPOSE = "re-selecting rows";

    private SourceRowFetcher fetcher;
    private Set<String> reselectColumns;
    private boolean allColumns;
    private MissingRow onMissingRow;
    private Cache<Schema, Schema> fullRowSchemas;

    @Override
    public void configure(Map<String, ?> props) {
        SimpleConfig config = new SimpleConfig(CONFIG_DEF, props);
        usePlaceholder(config.getString(ToastPlaceholder.CONFIG));
        List<String> columns = config.getList(RESELECT_COLUMNS);
        allColumns = columns.contains(ALL_COLUMNS);
        reselectColumns = new LinkedHashSet<>(columns);
        onMissingRow = MissingRow.valueOf(config.getString(ON_MISSING_ROW).toUpperCase(Locale.ROOT));
        fetcher = new SourceRowFetcher(props);
        fullRowSchemas = new SynchronizedCache<>(new LRUCache<>(16));
    }

    @Override
    R apply(R record, ChangeEvent event) {
        if (event.shape() == Shape.FULL) {
            return fromFull(event, record);
        }
        return fromPartial(event, record);
    }

    private R fromFull(ChangeEvent event, R record) {
        if (!event.op().writesRow()) {
            return record;
        }
        if (fetcher.usesQuery()) {
            return fromQuery(event, record);
        }
        Set<String> columns = null;
        if (!allColumns) {
            columns = new LinkedHashSet<>(reselectColumns);
            columns.addAll(event.unavailableFields());
            if (columns.isEmpty()) {
                return record;
            }
        }
        Row after = event.after();
        SourceRowFetcher.Result result = fetcher.select(event, after.schema(), columns);
        if (result.row().isEmpty()) {
            return missingRow(event, record, result.schema());
        }
        Row merged = after.overlay(result.row().get());
        if (isFlattened(record)) {
            return flattened(record, merged.values(), false);
        }
        if (event.hasSchema()) {
            Struct value = requireStruct(record);
            Struct out = copy(value, value.schema());
            out.put(Formats.AFTER, struct(merged, value.schema().field(Formats.AFTER).schema()));
            return full(record, value.schema(), out);
        }
        Map<String, Object> out = new LinkedHashMap<>(requireMap(record));
        out.put(Formats.AFTER, new LinkedHashMap<>(merged.values()));
        return full(record, null, out);
    }

    private R fromQuery(ChangeEvent event, R record) {
        SourceRowFetcher.Result result = fetcher.select(event, null, null);
        if (result.row().isEmpty()) {
            return missingRow(event, record, result.schema());
        }
        return envelope(event, record, result.schema(), result.row().get(), event.op());
    }

    private R fromPartial(ChangeEvent event, R record) {
        Schema rowSchema = event.shape() == Shape.DELTA && event.hasSchema() && !fetcher.usesQuery()
                ? fullRowSchema(event.after() != null ? event.after().schema() : deltaRowSchema(record)) : null;
        if (event.op() == Op.TRUNCATE) {
            // A truncate names no row (and no key to learn the row schema by): it passes as it came.
            return record;
        }
        if (event.op() == Op.DELETE) {
            // A delete has no row to select; it becomes a full delete envelope, its schema learnt from the table.
            return envelope(event, record, rowSchema != null || !event.hasSchema() ? rowSchema
                    : fetcher.select(event, null, null).schema(), null, event.op());
        }
        SourceRowFetcher.Result result = fetcher.select(event, rowSchema, null);
        if (result.row().isEmpty()) {
            return missingRow(event, record, result.schema());
        }
        return envelope(event, record, result.schema(), result.row().get(), event.op());
    }

    private R missingRow(ChangeEvent event, R record, Schema rowSchema) {
        switch (onMissingRow) {
            case PASS:
                return record;
            case FAIL:
                throw new DataException("The row of the " + event.op().name().toLowerCase(Locale.ROOT) + " event in "
                        + event.location() + " (key " + event.key() + ") no longer exists in the source database");
            default:
                break;
        }
        if (event.shape() == Shape.FULL && isFlattened(record)) {
            return flattened(record, Map.of(), true);
        }
        if (event.shape() == Shape.FULL && !fetcher.usesQuery()) {
            // Same envelope; 'before' is the last row the stream knew, unless it holds placeholders.
            Row before = event.unavailableFields().isEmpty() ? event.after() : null;
            if (event.hasSchema()) {
                Struct value = requireStruct(record);
                Struct out = copy(value, value.schema());
                Schema rowField = value.schema().field(Formats.AFTER).schema();
                out.put(Formats.BEFORE, before == null ? null : struct(before, rowField));
                out.put(Formats.AFTER, null);
                out.put(Formats.OP, Op.DELETE.code());
                return full(record, value.schema(), out);
            }
            Map<String, Object> out = new LinkedHashMap<>(requireMap(record));
            out.put(Formats.BEFORE, before == null ? null : new LinkedHashMap<>(before.values()));
            out.put(Formats.AFTER, null);
            out.put(Formats.OP, Op.DELETE.code());
            return full(record, null, out);
        }
        return envelope(event, record, rowSchema, null, Op.DELETE);
    }

    /** A flattened row (ExtractNewRecordState): the value is the row itself, not an envelope. */
    private static boolean isFlattened(ConnectRecord<?> record) {
        Object value = record.value();
        return value instanceof Struct ? ((Struct) value).schema().field(Formats.OP) == null
                : !((Map<?, ?>) value).containsKey(Formats.OP);
    }

    /**
     * The flattened row with re-selected values laid over it; for a deleted row, the row marked
     * {@code __deleted=true} when it has that field (ExtractNewRecordState's rewrite mode), else a tombstone.
     */
    private R flattened(R record, Map<String, Object> values, boolean deleted) {
        Object value = record.value();
        boolean marksDeletes = value instanceof Struct
                ? ((Struct) value).schema().field(Formats.FLATTENED_DELETED) != null
                : ((Map<?, ?>) value).containsKey(Formats.FLATTENED_DELETED);
        if (deleted && !marksDeletes) {
            return full(record, record.valueSchema(), null);
        }
        if (value instanceof Struct) {
            Struct out = copy((Struct) value, record.valueSchema());
            values.forEach(out::put);
            if (deleted) {
                out.put(Formats.FLATTENED_DELETED, "true");
            }
            return full(record, record.valueSchema(), out);
        }
        Map<String, Object> out = new LinkedHashMap<>(requireMap(record));
        out.putAll(values);
        if (deleted) {
            out.put(Formats.FLATTENED_DELETED, "true");
        }
        return full(record, null, out);
    }

    /** A Debezium envelope (before null, after = row) carrying the event's source, transaction and timestamps. */
    private R envelope(ChangeEvent event, R record, Schema rowSchema, Row row, Op op) {
        if (!event.hasSchema()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put(Formats.BEFORE, null);
            out.put(Formats.AFTER, row == null ? null : new LinkedHashMap<>(row.values()));
            EventSchemas.copyMetadata(requireMap(record), out, MetadataFields.KEEP_ALL);
            out.put(Formats.OP, op.code());
            return full(record, null, out);
        }
        Struct in = requireStruct(record);
        Schema envelopeSchema = envelopeSchema(in.schema(), rowSchema);
        Struct out = new Struct(envelopeSchema);
        EventSchemas.copyMetadata(in, out);
        out.put(Formats.AFTER, row == null ? null : struct(row, rowSchema));
        out.put(Formats.OP, op.code());
        return full(record, envelopeSchema, out);
    }

    /** Debezium's envelope of the row schema, named and built as the other transforms build it (cached). */
    private Schema envelopeSchema(Schema eventSchema, Schema rowSchema) {
        if (rowSchema == null) {
            throw new DataException("No row schema to build the envelope from for " + eventSchema.name());
        }
        return cachedSchema(() -> EventSchemas.envelope(eventSchema, rowSchema), eventSchema, rowSchema);
    }

    private static Schema deltaRowSchema(ConnectRecord<?> record) {
        Field after = record.valueSchema().field(Formats.AFTER);
        if (after == null) {
            throw new DataException("A delta event has no 'after' field in its schema: " + RecordLocation.describe(record));
        }
        return after.schema();
    }

    /**
     * The full row schema of a delta row schema (cached): fields marked required in the delta are again; null for
     * a row schema of the carried fields only.
     */
    private Schema fullRowSchema(Schema deltaRow) {
        if (EventSchemas.isCarriedRow(deltaRow)) {
            // Only the carried fields: the row schema is learnt from the selected row instead.
            return null;
        }
        Schema cached = fullRowSchemas.get(deltaRow);
        if (cached == null) {
            cached = EventSchemas.fullRow(deltaRow);
            fullRowSchemas.put(deltaRow, cached);
        }
        return cached;
    }

    private static Struct struct(Row row, Schema schema) {
        Struct struct = new Struct(schema);
        for (Field field : schema.fields()) {
            if (row.has(field.name())) {
                struct.put(field, row.get(field.name()));
            }
        }
        return struct;
    }

    private static Struct copy(Struct value, Schema schema) {
        Struct out = new Struct(schema);
        for (Field field : schema.fields()) {
            out.put(field, value.get(field));
        }
        return out;
    }

    private static Struct requireStruct(ConnectRecord<?> record) {
        return requireStruct(record, PURPOSE);
    }

    private static Map<String, Object> requireMap(ConnectRecord<?> record) {
        return requireMap(record, PURPOSE);
    }

    private R full(R record, Schema valueSchema, Object value) {
        return emit(record, valueSchema, value, Shape.FULL);
    }

    /** The fetcher, for tests that look at its cache. */
    SourceRowFetcher fetcher() {
        return fetcher;
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
        if (fetcher != null) {
            fetcher.close();
        }
    }
}
