package io.connectdelta.sink.dialect.postgres;

import io.connectdelta.event.LogPosition;
import io.connectdelta.jdbc.postgres.PostgresJdbcDialect;
import io.connectdelta.sink.dialect.ArrayUpdate;
import io.connectdelta.sink.dialect.ColumnInfo;
import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.JsonPathTokens;
import io.connectdelta.sink.dialect.SqlArray;
import io.connectdelta.sink.dialect.SqlExpression;
import io.connectdelta.jdbc.type.ColumnTypes;
import io.connectdelta.jdbc.type.ConnectValues;
import io.connectdelta.jdbc.type.TypeCategory;
import org.apache.kafka.connect.data.Schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;

/**
 * PostgreSQL: ON CONFLICT upserts, UPDATEs of many rows from arrays, jsonb_set / #- / array_append, native arrays,
 * TRUNCATE in transactions.
 */
public final class PostgresDialect extends PostgresJdbcDialect implements Dialect {
    private static final ArrayUpdate ARRAY_UPDATE = new PostgresArrayUpdate();

    @Override
    public Properties connectionProperties() {
        Properties properties = new Properties();
        // Text parameters typed by their target column: json, jsonb, uuid, enums, inet take strings as they are.
        properties.setProperty("stringtype", "unspecified");
        properties.setProperty("reWriteBatchedInserts", "true");
        return properties;
    }

    /** NAMEDATALEN - 1: PostgreSQL cuts longer identifiers to this many bytes, wherever they appear. */
    private static final int MAX_IDENTIFIER_BYTES = 63;

    @Override
    public String metadataCatalog(Connection connection, String schema) {
        return null;
    }

    @Override
    public String metadataSchema(Connection connection, String schema) throws SQLException {
        return schema != null ? schema : connection.getSchema();
    }

    @Override
    public String createSchema(String schema) {
        return "CREATE SCHEMA IF NOT EXISTS " + quote(schema);
    }

    @Override
    public String unquotedName(String identifier) {
        // PostgreSQL folds unquoted names to lower case (ASCII letters in a multibyte encoding).
        StringBuilder folded = new StringBuilder(identifier.length());
        for (int i = 0; i < identifier.length(); i++) {
            char c = identifier.charAt(i);
            folded.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return folded.toString();
    }

    @Override
    public String fitIdentifier(String identifier) {
        // Three bytes at most per UTF-16 unit: short names need no counting.
        if (identifier.length() * 3 <= MAX_IDENTIFIER_BYTES) {
            return identifier;
        }
        int bytes = 0;
        for (int i = 0; i < identifier.length(); ) {
            int codePoint = identifier.codePointAt(i);
            int size = codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            if (bytes + size > MAX_IDENTIFIER_BYTES) {
                // As PostgreSQL does: cut at the last whole character that fits.
                return identifier.substring(0, i);
            }
            bytes += size;
            i += Character.charCount(codePoint);
        }
        return identifier;
    }

    @Override
    public String upsertClause(List<String> quotedKeys, List<String> quotedColumns, String onlyIf) {
        StringBuilder sql = new StringBuilder(" ON CONFLICT (").append(String.join(", ", quotedKeys)).append(')');
        if (quotedColumns.isEmpty()) {
            return sql.append(" DO NOTHING").toString();
        }
        sql.append(" DO UPDATE SET ");
        for (int i = 0; i < quotedColumns.size(); i++) {
            String column = quotedColumns.get(i);
            sql.append(i == 0 ? "" : ", ").append(column).append(" = ").append(proposed(column));
        }
        return onlyIf == null ? sql.toString() : sql.append(" WHERE ").append(onlyIf).toString();
    }

    @Override
    public String proposed(String quotedColumn) {
        return "EXCLUDED." + quotedColumn;
    }

    @Override
    public String logEnd(String encodedPosition) {
        return "(split_part(" + encodedPosition + ", '" + LogPosition.SEPARATOR + "', 1) || '" + LogPosition.LOG_END_SUFFIX
                + "')";
    }

    @Override
    public String positionColumnType() {
        return "TEXT COLLATE \"C\"";
    }

    @Override
    public ArrayUpdate arrayUpdate() {
        return ARRAY_UPDATE;
    }

    @Override
    public String truncate(String quotedTable) {
        return "TRUNCATE TABLE " + quotedTable;
    }

    @Override
    public String typedNull(ColumnInfo column) {
        // array_append and friends are polymorphic: an untyped NULL would not resolve.
        return "CAST(NULL AS " + quote(column.typeName()) + ")";
    }

    @Override
    public String jsonParameter(ColumnInfo column) {
        return "CAST(? AS jsonb)";
    }

    /** json columns are edited as jsonb and cast back. */
    private static String asJsonb(String base, ColumnInfo column) {
        return "jsonb".equals(column.lowerTypeName()) ? base : "CAST(" + base + " AS jsonb)";
    }

    private static String back(String jsonb, ColumnInfo column) {
        return "jsonb".equals(column.lowerTypeName()) ? jsonb : "CAST(" + jsonb + " AS " + column.lowerTypeName() + ")";
    }

    @Override
    public String jsonSet(String base, ColumnInfo column, List<String> path, String jsonValue, boolean insert,
                          SqlExpression types, List<Object> params) {
        // jsonb_set and #- read a path's numeric token by the value at that point (element or member) by themselves.
        String last = path.get(path.size() - 1);
        boolean append = last.equals("-");
        if (insert && !append && JsonPathTokens.isIndex(last)) {
            return back(insertElementOrAddMember(asJsonb(base, column), column, path, jsonValue, types, params), column);
        }
        List<String> target = path;
        if (append) {
            // RFC 6902 '-' (after the last element) is index -1 with insert_after in jsonb_insert.
            target = new java.util.ArrayList<>(path.subList(0, path.size() - 1));
            target.add("-1");
        }
        params.add(new SqlArray("text", target.toArray()));
        params.add(jsonValue);
        String function = insert ? "jsonb_insert" : "jsonb_set";
        return back(function + "(" + asJsonb(base, column) + ", ?, CAST(? AS jsonb)" + (append ? ", true" : "") + ")",
                column);
    }

    /**
     * RFC 6902 add at a numeric token: into an array it inserts an element before that index; into an object it
     * sets the member (jsonb_insert refuses an existing key), so the member is removed first where the value at
     * that point is not an array.
     */
    private static String insertElementOrAddMember(String jsonb, ColumnInfo column, List<String> path, String jsonValue,
                                                   SqlExpression types, List<Object> params) {
        SqlArray parent = new SqlArray("text", path.subList(0, path.size() - 1).toArray());
        SqlArray target = new SqlArray("text", path.toArray());
        params.addAll(types.params());
        params.add(parent);
        params.add(target);
        params.add(target);
        params.add(jsonValue);
        return "jsonb_insert((" + jsonb + " #- CASE WHEN jsonb_typeof(" + asJsonb(types.sql(), column)
                + " #> ?) = 'array' THEN CAST('{}' AS text[]) ELSE ? END), ?, CAST(? AS jsonb))";
    }

    @Override
    public String jsonRemove(String base, ColumnInfo column, List<String> path, SqlExpression types,
                             List<Object> params) {
        params.add(new SqlArray("text", path.toArray()));
        return back("(" + asJsonb(base, column) + " #- ?)", column);
    }

    @Override
    public String arrayAppend(String base, ColumnInfo column, Object element, String jsonElement, List<Object> params) {
        if (column.isArray()) {
            params.add(element);
            return "array_append(" + base + ", CAST(? AS " + elementType(column) + "))";
        }
        params.add(jsonElement);
        return back("(COALESCE(" + asJsonb(base, column) + ", '[]'::jsonb) || jsonb_build_array(CAST(? AS jsonb)))", column);
    }

    private static String elementType(ColumnInfo column) {
        String name = column.lowerTypeName();
        return name.startsWith("_") ? name.substring(1) : name.replace("[]", "");
    }

    @Override
    public Object adapt(Object value, ColumnInfo column) {
        if (value instanceof List) {
            if (column != null && column.isArray()) {
                return new SqlArray(elementType(column), ((List<?>) value).toArray());
            }
            return ConnectValues.toJsonText(null, value);
        }
        return value;
    }

    @Override
    public String columnType(Schema schema, boolean key) {
        TypeCategory category = ColumnTypes.of(schema).category();
        switch (category) {
            case INT8:
            case INT16: return "SMALLINT";
            case INT32: return "INTEGER";
            case INT64: return "BIGINT";
            case FLOAT32: return "REAL";
            case FLOAT64: return "DOUBLE PRECISION";
            case BOOLEAN: return "BOOLEAN";
            case BYTES: return "BYTEA";
            case DECIMAL: {
                Integer precision = TypeCategory.precision(schema);
                return precision == null ? "NUMERIC" : "NUMERIC(" + precision + ", " + TypeCategory.scale(schema) + ")";
            }
            case NUMERIC: return "NUMERIC";
            case DATE: return "DATE";
            case TIME_MILLIS: return "TIME(3)";
            case TIME_MICROS: return "TIME(6)";
            case TIMESTAMP_MILLIS: return "TIMESTAMP(3)";
            case TIMESTAMP_MICROS: return "TIMESTAMP(6)";
            case TIMESTAMP_WITH_ZONE: return "TIMESTAMPTZ";
            case UUID: return "UUID";
            case JSON: return "JSONB";
            case XML: return "XML";
            case ARRAY: return columnType(schema.valueSchema(), false) + "[]";
            default: return "TEXT";
        }
    }
}
