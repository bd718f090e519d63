package io.connectdelta.sink.writer;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.sink.dialect.ColumnInfo;
import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.SqlExpression;
import io.connectdelta.sink.dialect.TableInfo;
import io.connectdelta.sink.plan.ColumnChange;
import io.connectdelta.sink.plan.ColumnEdit;
import io.connectdelta.sink.plan.RowWrite;
import io.connectdelta.sink.plan.Value;
import io.connectdelta.sink.plan.WriteKind;
import org.apache.kafka.connect.errors.DataException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the SQL of a {@link RowWrite} for one table and one dialect. Statements for writes of the same kind over
 * the same columns (and the same edits) get identical SQL, which is what lets the writer batch them.
 */
final class StatementFactory {
    private static final int SQL_CACHE_SIZE = 1024;

    private final Dialect dialect;
    /** The ordering guard, or null when it is off. */
    private final OrderingGuard guard;
    /**
     * The SQL of writes of plain values, by their shape: it depends only on the table, the kind and the key and
     * column names, so it is built once per shape instead of once per row.
     */
    private final Map<Shape, SqlStatement> sqlByShape = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Shape, SqlStatement> eldest) {
            return size() > SQL_CACHE_SIZE;
        }
    };

    private record Shape(String table, WriteKind kind, List<String> keys, List<String> columns, boolean guarded) {
    }

    StatementFactory(Dialect dialect, OrderingGuard guard) {
        this.dialect = dialect;
        this.guard = guard;
    }

    /** The position the write stores and is conditional on, or null (guard off, or an event without one). */
    private String position(RowWrite write) {
        return guard == null ? null : OrderingGuard.position(write);
    }

    SqlStatement statement(TableInfo table, RowWrite write) {
        if (write.kind() == WriteKind.UPDATE && write.columns().isEmpty()) {
            return null;
        }
        return build(table, write, write.kind());
    }

    /** The UPDATE by key of an upsert's columns (then an INSERT where it finds no row). */
    SqlStatement updateInstead(TableInfo table, RowWrite write) {
        return build(table, write, WriteKind.UPDATE);
    }

    /** The INSERT of an UPDATE that found no row (missing.row.mode=insert): edits start from NULL. */
    SqlStatement insertInstead(TableInfo table, RowWrite write) {
        return build(table, write, WriteKind.INSERT);
    }

    private SqlStatement build(TableInfo table, RowWrite write, WriteKind kind) {
        if (!write.hasOnlyPlainValues()) {
            return buildUncached(table, write, kind);
        }
        String position = position(write);
        Shape shape = new Shape(table.name(), kind, write.key() == null ? List.of() : List.copyOf(write.key().fieldNames()),
                kind == WriteKind.DELETE ? List.of() : List.copyOf(write.columns().keySet()), position != null);
        SqlStatement cached = sqlByShape.get(shape);
        if (cached == null) {
            SqlStatement built = buildUncached(table, write, kind);
            sqlByShape.put(shape, built);
            return built;
        }
        return new SqlStatement(cached.sql(), plainParams(table, write, kind, position), write, cached.plainUpdate());
    }

    private SqlStatement buildUncached(TableInfo table, RowWrite write, WriteKind kind) {
        switch (kind) {
            case DELETE:
                return delete(table, write);
            case UPDATE:
                return update(table, write);
            default:
                return insert(table, write, kind);
        }
    }

    /**
     * The parameters of a plain write in the order its SQL takes them: DELETE its keys, INSERT keys then columns,
     * UPDATE columns then keys; with a position (guard on), INSERT and UPDATE store it after the columns, and
     * UPDATE and DELETE compare it after the keys.
     */
    private List<Object> plainParams(TableInfo table, RowWrite write, WriteKind kind, String position) {
        int keys = write.key() == null ? 0 : write.key().size();
        List<Object> params = new ArrayList<>(keys + write.columns().size() + 3);
        if (kind == WriteKind.DELETE) {
            addKeyParams(table, write, params);
            onlyIfAllowed(table, position, params);
        } else if (kind == WriteKind.INSERT || kind == WriteKind.UPSERT) {
            addKeyParams(table, write, params);
            addColumnParams(table, write, params);
            storePosition(position, params);
        } else {
            addColumnParams(table, write, params);
            storePosition(position, params);
            addKeyParams(table, write, params);
            onlyIfAllowed(table, position, params);
        }
        return params;
    }

    private void addKeyParams(TableInfo table, RowWrite write, List<Object> params) {
        if (write.key() == null) {
            return;
        }
        for (Map.Entry<String, Object> key : write.key().values().entrySet()) {
            ColumnInfo info = column(table, key.getKey(), write);
            params.add(bindable(new Value(key.getValue(), write.key().fieldSchema(key.getKey())), info));
        }
    }

    private void addColumnParams(TableInfo table, RowWrite write, List<Object> params) {
        for (Map.Entry<String, ColumnChange> column : write.columns().entrySet()) {
            params.add(bindable(column.getValue().base(), column(table, column.getKey(), write)));
        }
    }

    /** With a position: the assignment that stores it in an UPDATE (and its parameter); else nothing. */
    private String storePosition(String position, List<Object> params) {
        if (position == null) {
            return "";
        }
        params.add(position);
        return ", " + guard.quotedColumn() + " = ?";
    }

    /** With a position: the condition an UPDATE or DELETE adds to its WHERE (and its parameters); else nothing. */
    private String onlyIfAllowed(TableInfo table, String position, List<Object> params) {
        return position == null ? "" : " AND " + guard.allows(table, position, params);
    }

    private SqlStatement delete(TableInfo table, RowWrite write) {
        List<Object> params = new ArrayList<>();
        String sql = "DELETE FROM " + dialect.quoteTable(table.name()) + where(table, write, params)
                + onlyIfAllowed(table, position(write), params);
        return new SqlStatement(sql, params, write);
    }

    private SqlStatement update(TableInfo table, RowWrite write) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("UPDATE ").append(dialect.quoteTable(table.name())).append(" SET ");
        boolean first = true;
        for (Map.Entry<String, ColumnChange> column : write.columns().entrySet()) {
            ColumnInfo info = column(table, column.getKey(), write);
            String quoted = dialect.quote(info.name());
            sql.append(first ? "" : ", ").append(quoted).append(" = ")
                    .append(expression(quoted, info, column.getValue(), params, write));
            first = false;
        }
        String position = position(write);
        sql.append(storePosition(position, params)).append(where(table, write, params))
                .append(onlyIfAllowed(table, position, params));
        return new SqlStatement(sql.toString(), params, write, write.hasOnlyPlainValues());
    }

    /**
     * One statement shape for plain UPDATEs over different column sets: every column of their union is assigned
     * {@code CASE WHEN <is set> THEN <value> ELSE <itself> END}, so a column a row does not change keeps its value.
     */
    List<SqlStatement> flaggedUpdates(TableInfo table, List<RowWrite> writes) {
        java.util.Set<String> union = new java.util.HashSet<>();
        writes.forEach(w -> union.addAll(w.columns().keySet()));
        List<ColumnInfo> columns = new ArrayList<>();
        for (RowWrite write : writes) {
            for (String name : write.columns().keySet()) {
                column(table, name, write);
            }
        }
        for (ColumnInfo info : table.columns().values()) {
            if (union.contains(info.name())) {
                columns.add(info);
            }
        }
        StringBuilder set = new StringBuilder("UPDATE ").append(dialect.quoteTable(table.name())).append(" SET ");
        for (int i = 0; i < columns.size(); i++) {
            String quoted = dialect.quote(columns.get(i).name());
            set.append(i == 0 ? "" : ", ").append(quoted).append(" = CASE WHEN ? THEN ? ELSE ").append(quoted)
                    .append(" END");
        }
        List<SqlStatement> statements = new ArrayList<>(writes.size());
        for (RowWrite write : writes) {
            List<Object> params = new ArrayList<>();
            for (ColumnInfo info : columns) {
                ColumnChange change = write.columns().get(info.name());
                params.add(change != null);
                params.add(change == null ? null : bindable(change.base(), info));
            }
            String position = position(write);
            String sql = set + storePosition(position, params) + where(table, write, params)
                    + onlyIfAllowed(table, position, params);
            statements.add(new SqlStatement(sql, params, write));
        }
        return statements;
    }

    private SqlStatement insert(TableInfo table, RowWrite write, WriteKind kind) {
        List<Object> params = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        if (write.key() != null) {
            for (Map.Entry<String, Object> key : write.key().values().entrySet()) {
                ColumnInfo info = column(table, key.getKey(), write);
                String quoted = dialect.quote(info.name());
                keys.add(quoted);
                names.add(quoted);
                values.add("?");
                params.add(bindable(new Value(key.getValue(), write.key().fieldSchema(key.getKey())), info));
            }
        }
        List<String> updated = new ArrayList<>();
        for (Map.Entry<String, ColumnChange> column : write.columns().entrySet()) {
            ColumnInfo info = column(table, column.getKey(), write);
            String quoted = dialect.quote(info.name());
            names.add(quoted);
            updated.add(quoted);
            values.add(expression(dialect.typedNull(info), info, column.getValue(), params, write));
        }
        String position = position(write);
        if (position != null) {
            // Last: MariaDB assigns left to right, and the guard's condition reads the stored position.
            names.add(guard.quotedColumn());
            updated.add(guard.quotedColumn());
            values.add("?");
            params.add(position);
        }
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(dialect.quoteTable(table.name())).append(" (")
                .append(String.join(", ", names)).append(") VALUES (").append(String.join(", ", values)).append(')');
        if (kind == WriteKind.UPSERT) {
            sql.append(dialect.upsertClause(keys, updated, position == null ? null : guard.allowsProposed(table)));
        }
        return new SqlStatement(sql.toString(), params, write);
    }

    private String where(TableInfo table, RowWrite write, List<Object> params) {
        StringBuilder sql = new StringBuilder(" WHERE ");
        boolean first = true;
        for (Map.Entry<String, Object> key : write.key().values().entrySet()) {
            ColumnInfo info = column(table, key.getKey(), write);
            sql.append(first ? "" : " AND ").append(dialect.quote(info.name())).append(" = ?");
            params.add(bindable(new Value(key.getValue(), write.key().fieldSchema(key.getKey())), info));
            first = false;
        }
        return sql.toString();
    }

    /**
     * A query returning the index in {@code writes} of each write whose row exists (by key); appends its parameters.
     */
    String existingRows(TableInfo table, List<RowWrite> writes, List<Object> params) {
        StringBuilder sql = new StringBuilder();
        for (int i = 0; i < writes.size(); i++) {
            sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i).append(" FROM ")
                    .append(dialect.quoteTable(table.name())).append(where(table, writes.get(i), params));
        }
        return sql.toString();
    }

    /**
     * The SQL expression of a column's new content: a parameter, or edits nested around the current column
     * ({@code current}) or around a known base value.
     */
    private String expression(String current, ColumnInfo info, ColumnChange change, List<Object> params, RowWrite write) {
        if (change.isPlainValue()) {
            params.add(bindable(change.base(), info));
            return "?";
        }
        List<Object> editParams = new ArrayList<>();
        String expression;
        if (change.readsCurrent()) {
            expression = current;
        } else if (info.isArray()) {
            editParams.add(bindable(change.base(), info));
            expression = "?";
        } else {
            // The known base value as the column would store it (JSON text for json columns).
            Object base = ValueConverter.toJdbc(change.base(), info);
            editParams.add(base == null || base instanceof String ? base : ValueConverter.toJsonText(change.base()));
            expression = dialect.jsonParameter(info);
        }
        SqlExpression before = new SqlExpression(expression, editParams);
        List<ColumnEdit> edits = change.edits();
        for (int i = 0; i < edits.size(); i++) {
            ColumnEdit edit = edits.get(i);
            if (edit instanceof ColumnEdit.JsonSet) {
                ColumnEdit.JsonSet set = (ColumnEdit.JsonSet) edit;
                requireJson(info, write);
                SqlExpression types = JsonTypeSource.pick(set.path(), edits, i, before, expression, editParams);
                expression = dialect.jsonSet(expression, info, set.path(), ValueConverter.toJsonText(set.value()),
                        set.insert(), types, editParams);
            } else if (edit instanceof ColumnEdit.JsonRemove) {
                requireJson(info, write);
                List<String> path = ((ColumnEdit.JsonRemove) edit).path();
                SqlExpression types = JsonTypeSource.pick(path, edits, i, before, expression, editParams);
                expression = dialect.jsonRemove(expression, info, path, types, editParams);
            } else {
                Value element = ((ColumnEdit.ArrayAppend) edit).element();
                if (!info.isArray()) {
                    requireJson(info, write);
                }
                Object nativeElement = info.isArray() ? ValueConverter.toJdbc(element, null) : null;
                expression = dialect.arrayAppend(expression, info, nativeElement, ValueConverter.toJsonText(element),
                        editParams);
            }
        }
        params.addAll(editParams);
        return expression;
    }

    private void requireJson(ColumnInfo info, RowWrite write) {
        if (!info.isJson()) {
            throw new DataException("A JSON Patch path inside column '" + info.name() + "' needs a json column or an "
                    + "array column (append), but it is " + info.typeName() + ": " + describe(write));
        }
    }

    /** The value as this dialect binds it for the column. */
    Object bindable(Value value, ColumnInfo info) {
        try {
            return dialect.adapt(ValueConverter.toJdbc(value, info), info);
        } catch (DataException e) {
            throw e;
        } catch (RuntimeException e) {
            // NumberFormatException, DateTimeException, ...: the value does not fit the column; say which.
            throw new DataException("Cannot write " + abbreviate(value) + " into column '" + info.name() + "' ("
                    + info.typeName() + "): " + e, e);
        }
    }

    private static String abbreviate(Value value) {
        String text = String.valueOf(value == null ? null : value.value());
        return text.length() <= 60 ? "'" + text + "'" : "'" + text.substring(0, 57) + "...'";
    }

    private static ColumnInfo column(TableInfo table, String name, RowWrite write) {
        ColumnInfo info = table.column(name);
        if (info == null) {
            throw new DataException("Table '" + table.name() + "' has no column '" + name + "' (set schema.evolution="
                    + "basic to add missing columns): " + describe(write));
        }
        return info;
    }

    static String describe(RowWrite write) {
        ChangeEvent event = write.lastEvent();
        return event.location();
    }
}
