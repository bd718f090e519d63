package io.connectdelta.sink.plan;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Row;
import org.apache.kafka.connect.data.Schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One statement for one row: its kind, its key (null without a primary key), the columns it writes (key columns
 * excluded) and the events it stands for.
 */
public final class RowWrite {
    private WriteKind kind;
    private final Row key;
    private final LinkedHashMap<String, ColumnChange> columns;
    private final Map<String, ColumnChange> columnsView;
    private boolean plainValues;
    private final Schema rowSchema;
    private final List<ChangeEvent> events = new ArrayList<>(1);

    /** A write of {@code columns}, a map the write takes over (the caller no longer changes it). */
    RowWrite(WriteKind kind, Row key, LinkedHashMap<String, ColumnChange> columns, Schema rowSchema, ChangeEvent event) {
        this.kind = kind;
        this.key = key;
        this.columns = columns;
        this.columnsView = Collections.unmodifiableMap(columns);
        this.plainValues = allPlain(columns);
        this.rowSchema = rowSchema;
        this.events.add(event);
    }

    private static boolean allPlain(Map<String, ColumnChange> columns) {
        for (ColumnChange change : columns.values()) {
            if (!change.isPlainValue()) {
                return false;
            }
        }
        return true;
    }

    /** True when every column gets a plain value (no edits inside columns): such writes share SQL by their shape. */
    public boolean hasOnlyPlainValues() {
        return plainValues;
    }

    public WriteKind kind() {
        return kind;
    }

    public Row key() {
        return key;
    }

    /** Columns to write in order (without the key columns); unmodifiable. */
    public Map<String, ColumnChange> columns() {
        return columnsView;
    }

    /** The Connect schema of the row the columns came from (for schema evolution), or null. */
    public Schema rowSchema() {
        return rowSchema;
    }

    /** The events merged into this write, oldest first. */
    public List<ChangeEvent> events() {
        return Collections.unmodifiableList(events);
    }

    /** The newest event merged into this write: the one named in errors. */
    public ChangeEvent lastEvent() {
        return events.get(events.size() - 1);
    }

    /**
     * Merges {@code later} (for the same key) into this write when one statement can have the effect of both;
     * returns false, changing nothing, when it cannot.
     */
    boolean absorb(RowWrite later, boolean missingRowsFail) {
        switch (later.kind) {
            case UPDATE:
                if (kind == WriteKind.DELETE) {
                    return false;
                }
                Map<String, ColumnChange> composed = new LinkedHashMap<>();
                for (Map.Entry<String, ColumnChange> column : later.columns.entrySet()) {
                    ColumnChange earlier = columns.get(column.getKey());
                    ColumnChange merged = earlier == null ? column.getValue() : earlier.then(column.getValue());
                    // An insert cannot read the row it creates: such an edit needs its own UPDATE.
                    if (kind != WriteKind.UPDATE && merged.readsCurrent()) {
                        return false;
                    }
                    composed.put(column.getKey(), merged);
                }
                columns.putAll(composed);
                plainValues = allPlain(columns);
                events.addAll(later.events);
                return true;
            case UPSERT:
                // An UPDATE before an upsert covering its columns changes nothing in the end, unless a missing row
                // must fail the task: then it has to run on its own.
                if (kind == WriteKind.UPSERT || (kind == WriteKind.UPDATE && !missingRowsFail
                        && later.columns.keySet().containsAll(columns.keySet()))) {
                    // The later full row wins column by column; columns it leaves out (placeholders) keep ours.
                    columns.putAll(later.columns);
                    plainValues = allPlain(columns);
                    kind = WriteKind.UPSERT;
                    events.addAll(later.events);
                    return true;
                }
                return false;
            default:
                return false;
        }
    }

    @Override
    public String toString() {
        return kind + " " + key + " " + columns;
    }
}
