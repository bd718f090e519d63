package io.connectdelta.sink.dialect.postgres;

import io.connectdelta.sink.dialect.ColumnInfo;
import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.UpdateShape;
import io.connectdelta.sink.dialect.UpdateShape.Assignment;


/**
 * PostgreSQL's UPDATE of many rows in one statement:
 * {@code UPDATE "t" AS t SET "c" = v.p1 FROM (VALUES (0, CAST(? AS "text"), CAST(? AS "int8")), ...)
 * AS v(n, p1, p2) WHERE t."id" = v.p2 RETURNING v.n}.
 * Every parameter is cast to its column's type: a VALUES list gives its parameters no type of their own, so NULLs,
 * text for json or enum columns and arrays would otherwise not resolve. The casts name the type without its
 * modifier, so assigning to varchar(n) or numeric(p, s) still checks and rounds as a one-row UPDATE does. The
 * VALUES columns are named by position (p1, p2, ...), so no column name, however hostile, appears twice, and the
 * row number n tells which rows found no target row.
 */
final class PostgresMultiRowUpdate {
    private static final String TARGET = "t";
    private static final String SOURCE = "v";

    private PostgresMultiRowUpdate() {
    }

    static String cast(String expression, ColumnInfo column) {
        return "CAST(" + expression + " AS " + quote(column.typeName()) + ")";
    }

    static String sql(String quotedTable, UpdateShape shape, int rows) {
        StringBuilder set = new StringBuilder();
        StringBuilder typedRow = new StringBuilder();
        int parameter = 0;
        for (Assignment assignment : shape.assignments()) {
            String column = quote(assignment.column().name());
            String value;
            if (assignment.flagged()) {
                String flag = position(++parameter);
                typedRow.append(", CAST(? AS boolean)");
                value = "CASE WHEN " + flag + " THEN " + position(++parameter) + " ELSE " + TARGET + "." + column
                        + " END";
            } else {
                value = position(++parameter);
            }
            typedRow.append(", ").append(cast("?", assignment.column()));
            set.append(set.length() == 0 ? "" : ", ").append(column).append(" = ").append(value);
        }
        StringBuilder where = new StringBuilder();
        for (ColumnInfo key : shape.keys()) {
            typedRow.append(", ").append(cast("?", key));
            where.append(where.length() == 0 ? "" : " AND ").append(TARGET).append('.').append(quote(key.name()))
                    .append(" = ").append(position(++parameter));
        }
        StringBuilder sql = new StringBuilder(64 + rows * (typedRow.length() + 8));
        sql.append("UPDATE ").append(quotedTable).append(" AS ").append(TARGET).append(" SET ").append(set)
                .append(" FROM (VALUES ");
        for (int row = 0; row < rows; row++) {
            sql.append(row == 0 ? "(" : ", (").append(row).append(typedRow).append(')');
        }
        sql.append(") AS ").append(SOURCE).append("(n");
        for (int i = 1; i <= parameter; i++) {
            sql.append(", p").append(i);
        }
        return sql.append(") WHERE ").append(where).append(" RETURNING ").append(SOURCE).append(".n").toString();
    }

    private static String position(int parameter) {
        return SOURCE + ".p" + parameter;
    }

    private static String quote(String identifier) {
        return Dialect.quoteWith('"', identifier);
    }
}
