package io.connectdelta.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.event.json.JsonPointers;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.DataException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One change event, whatever its shape on the wire: the one model that the transforms and the sink share.
 * Built by {@link ChangeEventReader}. Rows tell absent fields apart from null ones (see {@link Row}).
 */
public final class ChangeEvent {
    private final ConnectRecord<?> record;
    private final Shape shape;
    private final Op op;
    private final Row key;
    private final Row before;
    private final Row after;
    private final List<String> declaredChanges;
    private final JsonNode patch;
    private final ToastPlaceholder placeholder;
    private Set<String> unavailableFields;
    private final Object source;
    private SourcePosition position;
    private LogPosition logPosition;
    private boolean logPositionRead;
    private final TransactionBlock transaction;
    private final Long tsMs;
    private List<String> changedFields;

    ChangeEvent(ConnectRecord<?> record, Shape shape, Op op, Row key, Row before, Row after,
                List<String> declaredChanges, JsonNode patch, ToastPlaceholder placeholder, Object source,
                SourcePosition position, TransactionBlock transaction, Long tsMs) {
        this.record = record;
        this.shape = shape;
        this.op = op;
        this.key = key;
        this.before = before;
        this.after = after;
        this.declaredChanges = declaredChanges;
        this.patch = patch;
        this.placeholder = placeholder;
        this.source = source;
        this.position = position;
        this.transaction = transaction;
        this.tsMs = tsMs;
    }

    /**
     * This event as a full one carrying {@code row} as its new row (a row re-selected from the source for an
     * id-only event); record, key, op, source and transaction stay.
     */
    public ChangeEvent asFull(Row row) {
        return new ChangeEvent(record, Shape.FULL, op, key, null, row, null, null, placeholder, source, position,
                transaction, tsMs);
    }

    /**
     * This event with the fields that hold a TOAST placeholder taken from {@code row} (the source's current row);
     * fields {@code row} lacks keep their placeholder. Everything else stays.
     */
    public ChangeEvent withUnavailableFieldsFrom(Row row) {
        Row filled = after.overlay(row.select(unavailableFields()));
        return new ChangeEvent(record, shape, op, key, before, filled, declaredChanges, patch, placeholder, source,
                position, transaction, tsMs);
    }

    /** This event as a full delete of its key (its row is gone from the source); record, source and transaction stay. */
    public ChangeEvent asDelete() {
        return new ChangeEvent(record, Shape.FULL, Op.DELETE, key, null, null, null, null, placeholder, source,
                position, transaction, tsMs);
    }

    /** The record this event was read from. */
    public ConnectRecord<?> record() {
        return record;
    }

    public Shape shape() {
        return shape;
    }

    public Op op() {
        return op;
    }

    /** The row's key: the record key's fields, or the key carried in the value; null when there is none. */
    public Row key() {
        return key;
    }

    /** The old row image of a full event, when the source provided one (e.g. REPLICA IDENTITY FULL), else null. */
    public Row before() {
        return before;
    }

    /**
     * The new row: for a full event every field; for a delta event the key fields and the changed fields only;
     * null for deletes, truncates, tombstones, JSON Patch and id-only events.
     */
    public Row after() {
        return after;
    }

    /** The RFC 6902 patch of a JSON Patch event (an array node), else null. */
    public JsonNode patch() {
        return patch;
    }

    /**
     * The names of the fields this event changes, in row order.
     * Full inserts: every field. Full updates with a before image: the fields whose value differs.
     * Full updates without one (PostgreSQL REPLICA IDENTITY DEFAULT): every field but those holding a TOAST
     * placeholder. Delta events: the declared list. JSON Patch: the top-level fields its paths touch.
     * Deletes, truncates, tombstones and id-only events: none.
     * Fields holding a TOAST placeholder never count as changed.
     */
    public List<String> changedFields() {
        if (changedFields == null) {
            changedFields = Collections.unmodifiableList(computeChangedFields());
        }
        return changedFields;
    }

    /** The fields of {@link #after()} that hold a TOAST placeholder: their real value is unknown here. */
    public Set<String> unavailableFields() {
        if (unavailableFields == null) {
            // Found on demand: most events hold no placeholder, and the transforms rarely ask.
            unavailableFields = after == null ? Set.of() : fieldsHoldingPlaceholder(after);
        }
        return unavailableFields;
    }

    private Set<String> fieldsHoldingPlaceholder(Row row) {
        boolean withSchema = row.schema() != null;
        return row.fieldsHolding(value -> placeholder.matches(withSchema, value));
    }

    /** True when {@link #after()} holds at least one TOAST placeholder. */
    public boolean hasUnavailableFields() {
        return !unavailableFields().isEmpty();
    }

    /** The source block as it came (Struct or Map), or null. */
    public Object source() {
        return source;
    }

    /** The parsed source block: table, transaction id, LSN and timestamp where present; never null. */
    public SourcePosition position() {
        if (position == null) {
            // Parsed on demand: most consumers never ask.
            position = SourcePosition.of(source);
        }
        return position;
    }

    /**
     * Where this change stands in its source's log, comparable with other changes of the same log; null when the
     * event does not say (no source block, a snapshot, an unknown connector). See {@link LogPosition}.
     */
    public LogPosition logPosition() {
        if (!logPositionRead) {
            // Snapshot reads share one position (also where a trimmed source block lost its snapshot field).
            logPosition = op == Op.READ ? null : LogPosition.ofSource(source);
            logPositionRead = true;
        }
        return logPosition;
    }

    /** The Debezium transaction block, or null when the event has none. */
    public TransactionBlock transaction() {
        return transaction;
    }

    /** The envelope's ts_ms: when the connector processed the change, or null. */
    public Long tsMs() {
        return tsMs;
    }

    public boolean isTombstone() {
        return shape == Shape.TOMBSTONE;
    }

    /** True when the event was read from a record with a schema (Struct value), false for schemaless ones. */
    public boolean hasSchema() {
        return record.valueSchema() != null;
    }

    /** "record of topic 't' partition p offset o", for error messages. */
    public String location() {
        return RecordLocation.describe(record);
    }

    /**
     * The path of one of this event's JSON Patch operations as unescaped segments: the first names the column,
     * the rest the path inside the column's value; none for the whole row ("").
     *
     * @throws DataException naming this record if the path is not an RFC 6901 pointer
     */
    public List<String> patchPath(JsonNode operation) {
        String path = operation.path("path").asText("");
        try {
            return JsonPointers.segments(path);
        } catch (IllegalArgumentException e) {
            throw new DataException("JSON Patch path '" + path + "' is not a JSON pointer (RFC 6901): " + location(), e);
        }
    }

    private List<String> computeChangedFields() {
        switch (shape) {
            case DELTA:
                return declaredChanges;
            case JSON_PATCH:
                return patchedTopLevelFields();
            case FULL:
                return fullChangedFields();
            default:
                return List.of();
        }
    }

    private List<String> fullChangedFields() {
        if (after == null || !op.writesRow()) {
            return List.of();
        }
        // With a before image only the fields that differ can hold a placeholder: test those alone.
        Row candidates = before == null || op != Op.UPDATE ? after : after.select(after.differingFrom(before));
        return List.copyOf(candidates.without(fieldsHoldingPlaceholder(candidates)).fieldNames());
    }

    private List<String> patchedTopLevelFields() {
        Set<String> names = new LinkedHashSet<>();
        if (patch != null) {
            for (JsonNode operation : patch) {
                List<String> path = patchPath(operation);
                if (!path.isEmpty() && !path.get(0).isEmpty()) {
                    names.add(path.get(0));
                }
            }
        }
        return new ArrayList<>(names);
    }

    @Override
    public String toString() {
        return "ChangeEvent{" + shape.wireName() + ", op=" + (op == null ? null : op.code()) + ", key=" + key
                + ", " + location() + '}';
    }
}
