package io.connectdelta.sink.writer;

import io.connectdelta.sink.dialect.ArrayUpdate;
import io.connectdelta.sink.dialect.ColumnInfo;
import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.TableInfo;
import io.connectdelta.sink.plan.ColumnChange;
import io.connectdelta.sink.plan.RowWrite;
import io.connectdelta.sink.plan.Value;
import io.connectdelta.sink.plan.WriteKind;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns plain partial updates of one round into {@link ArrayUpdate}s of many rows each (dialects that have them).
 * The rows of a round are different rows (the planner puts the statements of one key in different rounds), which
 * an UPDATE ... FROM needs: a target row joined twice would be updated once. A row is left to the one-row UPDATEs
 * when a key column or a written column cannot go through an array (json, arrays, enums and other types), or when
 * one of its values might not arrive the same way.
 */
final class ArrayUpdates {
    private final Dialect dialect;
    private final ArrayUpdate syntax;
    private final StatementFactory statements;

    ArrayUpdates(Dialect dialect, StatementFactory statements) {
        this.dialect = dialect;
        this.syntax = dialect.arrayUpdate();
        this.statements = statements;
    }

    /** One row's array elements: its key values and its written columns' values. */
    private record Elements(RowWrite write, List<String> keys, Map<String, String> columns) {
    }

    /**
     * The array UPDATEs, of at most {@code maxRows} rows each, of those of {@code round} that can take one; the
     * others are added to {@code rest}.
     */
    List<ArrayUpdateChunk> take(TableInfo table, List<SqlStatement> round, int maxRows, List<SqlStatement> rest) {
        Map<List<String>, List<Elements>> byKeyColumns = new LinkedHashMap<>();
        for (SqlStatement statement : round) {
            Elements elements = statement.plainUpdate() ? elements(table, statement.write()) : null;
            if (elements == null) {
                rest.add(statement);
            } else {
                byKeyColumns.computeIfAbsent(List.copyOf(statement.write().key().fieldNames()), k -> new ArrayList<>())
                        .add(elements);
            }
        }
        List<ArrayUpdateChunk> chunks = new ArrayList<>();
        for (Map.Entry<List<String>, List<Elements>> group : byKeyColumns.entrySet()) {
            List<Elements> rows = group.getValue();
            for (int from = 0; from < rows.size(); from += maxRows) {
                chunks.add(chunk(table, group.getKey(), rows.subList(from, Math.min(rows.size(), from + maxRows))));
            }
        }
        return chunks;
    }

    private Elements elements(TableInfo table, RowWrite write) {
        if (write.kind() != WriteKind.UPDATE || write.key() == null) {
            return null;
        }
        List<String> keys = new ArrayList<>(write.key().size());
        for (Map.Entry<String, Object> key : write.key().values().entrySet()) {
            ColumnInfo info = table.column(key.getKey());
            String element = info == null || !syntax.takesKey(info) ? null
                    : element(new Value(key.getValue(), write.key().fieldSchema(key.getKey())), info);
            if (element == null) {
                return null;
            }
            keys.add(element);
        }
        Map<String, String> columns = new HashMap<>();
        for (Map.Entry<String, ColumnChange> column : write.columns().entrySet()) {
            ColumnInfo info = table.column(column.getKey());
            String element = info == null || !syntax.takes(info) ? null : element(column.getValue().base(), info);
            if (element == null) {
                return null;
            }
            columns.put(info.name(), element);
        }
        return new Elements(write, keys, columns);
    }

    private String element(Value value, ColumnInfo info) {
        return syntax.element(statements.bindable(value, info), info);
    }

    /** The statement over the columns these rows write, in table order: the same SQL for the same columns. */
    private ArrayUpdateChunk chunk(TableInfo table, List<String> keyNames, List<Elements> rows) {
        List<ColumnInfo> keys = new ArrayList<>();
        keyNames.forEach(name -> keys.add(table.column(name)));
        List<ColumnInfo> columns = new ArrayList<>();
        for (ColumnInfo info : table.columns().values()) {
            if (rows.stream().anyMatch(row -> row.columns().containsKey(info.name()))) {
                columns.add(info);
            }
        }
        List<Object> params = new ArrayList<>(keys.size() + 2 * columns.size());
        for (int k = 0; k < keys.size(); k++) {
            List<String> elements = new ArrayList<>(rows.size());
            for (Elements row : rows) {
                elements.add(row.keys().get(k));
            }
            params.add(syntax.array(elements));
        }
        for (ColumnInfo column : columns) {
            boolean[] set = new boolean[rows.size()];
            List<String> elements = new ArrayList<>(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                String element = rows.get(i).columns().get(column.name());
                set[i] = element != null;
                elements.add(element == null ? "NULL" : element);
            }
            params.add(syntax.flags(set));
            params.add(syntax.array(elements));
        }
        List<RowWrite> writes = new ArrayList<>(rows.size());
        rows.forEach(row -> writes.add(row.write()));
        return new ArrayUpdateChunk(syntax.sql(dialect.quoteTable(table.name()), keys, columns), params, writes);
    }
}
