package io.connectdelta.sink.dialect;

import java.util.List;

/**
 * The shape of a plain UPDATE (no edits inside columns) that rows can share: the columns it assigns and the key
 * columns it finds the row by. Each row's parameters come in this order: per assignment its "is set" flag (flagged
 * assignments only) and its value, then the key values.
 */
public record UpdateShape(List<Assignment> assignments, List<ColumnInfo> keys) {

    /**
     * One assigned column. A flagged one takes a boolean parameter before its value: false keeps the column as it
     * is, so rows that change different columns can share the statement.
     */
    public record Assignment(ColumnInfo column, boolean flagged) {
    }

    public UpdateShape {
        assignments = List.copyOf(assignments);
        keys = List.copyOf(keys);
    }

    public int parametersPerRow() {
        int parameters = keys.size();
        for (Assignment assignment : assignments) {
            parameters += assignment.flagged() ? 2 : 1;
        }
        return parameters;
    }
}
