package io.connectdelta.sink.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a statement writes into one column: a new value, or edits applied in order to a base that is either a
 * known value or the column's current content in the database.
 */
public final class ColumnChange {
    private final boolean readsCurrent;
    private final Value base;
    private final List<ColumnEdit> edits;

    private ColumnChange(boolean readsCurrent, Value base, List<ColumnEdit> edits) {
        this.readsCurrent = readsCurrent;
        this.base = base;
        this.edits = Collections.unmodifiableList(edits);
    }

    public static ColumnChange set(Value value) {
        return new ColumnChange(false, value, List.of());
    }

    /** An edit of whatever the column holds now. */
    public static ColumnChange edit(ColumnEdit edit) {
        return new ColumnChange(true, null, List.of(edit));
    }

    /** The change that has the effect of this one followed by {@code later}. */
    public ColumnChange then(ColumnChange later) {
        if (!later.readsCurrent) {
            return later;
        }
        List<ColumnEdit> combined = new ArrayList<>(edits);
        combined.addAll(later.edits);
        return new ColumnChange(readsCurrent, base, combined);
    }

    /** True when the result depends on the column's current value (it cannot be inserted as is). */
    public boolean readsCurrent() {
        return readsCurrent;
    }

    /** The base value when it does not read the current one. */
    public Value base() {
        return base;
    }

    public List<ColumnEdit> edits() {
        return edits;
    }

    /** True for a plain value without edits. */
    public boolean isPlainValue() {
        return !readsCurrent && edits.isEmpty();
    }

    @Override
    public String toString() {
        return (readsCurrent ? "<current>" : String.valueOf(base == null ? null : base.value())) + edits;
    }
}
