package io.connectdelta.sink.plan;

import java.util.List;

/** An edit inside a column's value, applied by the database to whatever the column holds. */
public sealed interface ColumnEdit {

    /** Sets (or, with {@code insert}, inserts into an array at) a path inside a json value. */
    record JsonSet(List<String> path, Value value, boolean insert) implements ColumnEdit {
    }

    /** Removes a path inside a json value. */
    record JsonRemove(List<String> path) implements ColumnEdit {
    }

    /** Appends one element to an array column (a PostgreSQL array or a JSON array). */
    record ArrayAppend(Value element) implements ColumnEdit {
    }
}
