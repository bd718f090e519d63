package io.connectdelta.sink.dialect.postgres;

import io.connectdelta.jdbc.dialect.JdbcDialect;
import io.connectdelta.sink.dialect.ArrayUpdate;
import io.connectdelta.sink.dialect.ColumnInfo;
import io.connectdelta.sink.dialect.Dialect;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code UPDATE "t" AS t SET "c" = CASE WHEN v.f1 THEN v.c1 ELSE t."c" END, ... FROM unnest(CAST(? AS "int8"[]),
 * CAST(? AS boolean[]), CAST(? AS "text"[]), ...) WITH ORDINALITY AS v(k1, f1, c1, ..., n) WHERE t."id" = v.k1
 * RETURNING v.n}. Each array is bound as the text of an array literal and cast to the column's type, so every
 * element is read by the column type's own input function, as a text parameter of a one-row UPDATE is. The casts
 * name the type without its modifier: assigning to varchar(n) or numeric(p, s) checks and rounds as before. The
 * unnest columns are named by position, so no column name, however hostile, clashes with another.
 */
final class PostgresArrayUpdate implements ArrayUpdate {
    /** Column types whose elements this class writes, by the name the driver reports, to the type cast to. */
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("int2", "int2"), Map.entry("smallserial", "int2"), Map.entry("int4", "int4"),
            Map.entry("serial", "int4"), Map.entry("int8", "int8"), Map.entry("bigserial", "int8"),
            Map.entry("float4", "float4"), Map.entry("float8", "float8"), Map.entry("numeric", "numeric"),
            Map.entry("bool", "bool"), Map.entry("text", "text"), Map.entry("varchar", "varchar"),
            Map.entry("bpchar", "bpchar"), Map.entry("date", "date"), Map.entry("time", "time"),
            Map.entry("timestamp", "timestamp"), Map.entry("timestamptz", "timestamptz"),
            Map.entry("uuid", "uuid"), Map.entry("bytea", "bytea"));
    /**
     * Key types whose equality in the database is equality of the values the planner told apart (it gives each key
     * at most one write per round): not bpchar (trailing spaces), floats (-0), uuid (letter case) or timestamptz.
     */
    private static final Set<String> KEY_TYPES = Set.of("int2", "int4", "int8", "numeric", "text", "varchar", "date",
            "timestamp");

    @Override
    public boolean takesKey(ColumnInfo column) {
        return KEY_TYPES.contains(castType(column));
    }

    @Override
    public boolean takes(ColumnInfo column) {
        return castType(column) != null;
    }

    private static String castType(ColumnInfo column) {
        return TYPES.get(column.lowerTypeName());
    }

    @Override
    public String element(Object value, ColumnInfo column) {
        if (value == null) {
            return "NULL";
        }
        String text = PostgresElementText.of(value, castType(column));
        return text == null ? null : quoted(text);
    }

    /** Quoted, so no text (commas, braces, the word NULL) reads as anything but itself. */
    private static String quoted(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\');
            }
            quoted.append(c);
        }
        return quoted.append('"').toString();
    }

    @Override
    public String array(List<String> elements) {
        return "{" + String.join(",", elements) + "}";
    }

    @Override
    public String flags(boolean[] set) {
        StringBuilder array = new StringBuilder(set.length * 2 + 2).append('{');
        for (int i = 0; i < set.length; i++) {
            array.append(i == 0 ? "" : ",").append(set[i] ? 't' : 'f');
        }
        return array.append('}').toString();
    }

    @Override
    public String sql(String quotedTable, List<ColumnInfo> keys, List<ColumnInfo> columns) {
        StringBuilder arrays = new StringBuilder();
        StringBuilder names = new StringBuilder();
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            ColumnInfo key = keys.get(i);
            arrays.append(i == 0 ? "" : ", ").append(arrayCast(key));
            names.append(i == 0 ? "" : ", ").append('k').append(i);
            where.append(i == 0 ? "" : " AND ").append("t.").append(quote(key.name())).append(" = v.k").append(i);
        }
        StringBuilder set = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            String column = quote(columns.get(i).name());
            arrays.append(", CAST(? AS bool[]), ").append(arrayCast(columns.get(i)));
            names.append(", f").append(i).append(", c").append(i);
            set.append(i == 0 ? "" : ", ").append(column).append(" = CASE WHEN v.f").append(i).append(" THEN v.c")
                    .append(i).append(" ELSE t.").append(column).append(" END");
        }
        return "UPDATE " + quotedTable + " AS t SET " + set + " FROM unnest(" + arrays + ") WITH ORDINALITY AS v("
                + names + ", n) WHERE " + where + " RETURNING v.n";
    }

    private static String arrayCast(ColumnInfo column) {
        return "CAST(? AS " + quote(castType(column)) + "[])";
    }

    private static String quote(String identifier) {
        return JdbcDialect.quoteWith('"', identifier);
    }
}
