package io.connectdelta.sink.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.event.ChangeEvent;
import io.connectdelta.sink.dialect.JsonPathTokens;
import org.apache.kafka.connect.errors.DataException;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * Turns an RFC 6902 patch over a row into column changes: a top-level add/replace sets the column, a top-level
 * remove sets it to NULL, a deeper path edits inside the column's json value, and an add at {@code /col/-}
 * appends to an array column.
 */
final class JsonPatchColumns {
    private JsonPatchColumns() {
    }

    static LinkedHashMap<String, ColumnChange> columns(ChangeEvent event) {
        LinkedHashMap<String, ColumnChange> columns = new LinkedHashMap<>();
        for (JsonNode operation : event.patch()) {
            String op = operation.path("op").asText("");
            List<String> path = pointer(operation, event);
            String column = path.get(0);
            List<String> inner = path.subList(1, path.size());
            ColumnChange change;
            switch (op) {
                case "add":
                case "replace":
                    JsonNode value = operation.get("value");
                    if (value == null) {
                        throw new DataException("JSON Patch '" + op + "' without a value in " + event.location());
                    }
                    Value bound = new Value(value.isNull() ? null : value, null);
                    if (inner.isEmpty()) {
                        change = ColumnChange.set(bound);
                    } else if (op.equals("add") && inner.size() == 1 && inner.get(0).equals("-")) {
                        change = ColumnChange.edit(new ColumnEdit.ArrayAppend(bound));
                    } else {
                        String last = inner.get(inner.size() - 1);
                        boolean insert = op.equals("add") && (JsonPathTokens.isIndex(last) || last.equals("-"));
                        change = ColumnChange.edit(new ColumnEdit.JsonSet(List.copyOf(inner), bound, insert));
                    }
                    break;
                case "remove":
                    change = inner.isEmpty() ? ColumnChange.set(Value.NULL)
                            : ColumnChange.edit(new ColumnEdit.JsonRemove(List.copyOf(inner)));
                    break;
                case "test":
                    continue;
                default:
                    throw new DataException("JSON Patch op '" + op + "' is not supported by the sink (add, replace, "
                            + "remove are; move and copy are not): " + event.location());
            }
            ColumnChange earlier = columns.get(column);
            columns.put(column, earlier == null ? change : earlier.then(change));
        }
        return columns;
    }

    private static List<String> pointer(JsonNode operation, ChangeEvent event) {
        List<String> path = event.patchPath(operation);
        if (path.isEmpty() || path.get(0).isEmpty()) {
            throw new DataException("JSON Patch path '" + operation.path("path").asText("")
                    + "' does not name a column: " + event.location());
        }
        return path;
    }
}
