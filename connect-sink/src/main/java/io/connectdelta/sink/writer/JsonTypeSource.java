package io.connectdelta.sink.writer;

import io.connectdelta.sink.dialect.JsonPathTokens;
import io.connectdelta.sink.dialect.SqlExpression;
import io.connectdelta.sink.plan.ColumnEdit;

import java.util.List;

/**
 * Where an edit inside a json column reads the JSON type at the numeric tokens of its path (array: an element;
 * otherwise: a member). The value before the column's edits serves unless an earlier edit of the same statement
 * may have changed what is at one of those points; then the value as edited so far does. Reading the value before
 * the edits keeps the SQL small: the edited value is an expression that would be repeated once per such edit.
 */
final class JsonTypeSource {
    private JsonTypeSource() {
    }

    /**
     * The source for {@code edits.get(index)} over {@code path}: null without numeric tokens, {@code before} when
     * no earlier edit may have changed a point the path decides at, else {@code edited} with {@code editedParams}.
     */
    static SqlExpression pick(List<String> path, List<ColumnEdit> edits, int index, SqlExpression before,
                              String edited, List<Object> editedParams) {
        if (!JsonPathTokens.hasIndex(path)) {
            return null;
        }
        for (int token = 0; token < path.size(); token++) {
            if (!JsonPathTokens.isIndex(path.get(token))) {
                continue;
            }
            List<String> point = path.subList(0, token);
            for (int earlier = 0; earlier < index; earlier++) {
                if (mayChange(edits.get(earlier), point)) {
                    return new SqlExpression(edited, editedParams);
                }
            }
        }
        return before;
    }

    /**
     * True when {@code edit} may change the type of the value at {@code point}, or which value is there: it edits
     * that value or one above it, inserts into or removes from an array above it (indexes shift), or appends to it
     * (MariaDB wraps a non-array into an array).
     */
    static boolean mayChange(ColumnEdit edit, List<String> point) {
        List<String> path;
        boolean shifts;
        if (edit instanceof ColumnEdit.JsonSet set) {
            path = set.path();
            shifts = set.insert();
        } else if (edit instanceof ColumnEdit.JsonRemove remove) {
            path = remove.path();
            shifts = true;
        } else {
            return true;
        }
        int parent = path.size() - 1;
        if (parent > point.size() || !path.subList(0, parent).equals(point.subList(0, parent))) {
            return false;
        }
        if (parent == point.size()) {
            return path.get(parent).equals("-");
        }
        return shifts || path.get(parent).equals(point.get(parent));
    }
}
