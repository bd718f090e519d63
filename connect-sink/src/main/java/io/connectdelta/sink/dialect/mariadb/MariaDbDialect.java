package io.connectdelta.sink.dialect.mariadb;

import io.connectdelta.event.LogPosition;
import io.connectdelta.jdbc.mariadb.MariaDbJdbcDialect;
import io.connectdelta.sink.dialect.ColumnInfo;
import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.JsonPathTokens;
import io.connectdelta.sink.dialect.SqlExpression;
import io.connectdelta.jdbc.type.ColumnTypes;
import io.connectdelta.jdbc.type.TypeCategory;
import io.connectdelta.jdbc.type.ConnectValues;
import org.apache.kafka.connect.data.Schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Properties;

/**
 * MariaDB and MySQL: ON DUPLICATE KEY UPDATE upserts, JSON_SET / JSON_REMOVE / JSON_ARRAY_APPEND, arrays as JSON,
 * DELETE instead of TRUNCATE (which would commit the transaction).
 */
public final class MariaDbDialect extends MariaDbJdbcDialect implements Dialect {
    private static final int MAX_IDENTIFIER_CHARS = 64;

    private final java.time.ZoneId timeZone;

    public MariaDbDialect() {
        this(ZoneOffset.UTC);
    }

    /** Zoned values go into DATETIME columns as their time in {@code timeZone}. */
    public MariaDbDialect(java.time.ZoneId timeZone) {
        this.timeZone = timeZone.normalized();
    }

    @Override
    public Properties connectionProperties() {
        Properties properties = new Properties();
        // Exact update counts per batched statement (a missing row must be seen as 0).
        properties.setProperty("useBulkStmts", "false");
        properties.setProperty("rewriteBatchedStatements", "false");
        return properties;
    }

    @Override
    public String metadataCatalog(Connection connection, String schema) throws SQLException {
        return schema != null ? schema : connection.getCatalog();
    }

    @Override
    public String metadataSchema(Connection connection, String schema) {
        return null;
    }

    @Override
    public String createSchema(String schema) {
        return "CREATE DATABASE IF NOT EXISTS " + quote(schema);
    }

    @Override
    public String unquotedName(String identifier) {
        // Table and database names keep their case, quoted or not (lower_case_table_names is the server's).
        return identifier;
    }

    @Override
    public String fitIdentifier(String identifier) {
        return identifier.codePointCount(0, identifier.length()) <= MAX_IDENTIFIER_CHARS ? identifier : null;
    }

    @Override
    public Set<String> jsonTextColumns(Connection connection, String schema, String table) throws SQLException {
        Set<String> columns = new HashSet<>();
        if (!isMariaDb(connection)) {
            // MySQL's JSON is a type of its own, reported as such; its CHECK_CONSTRAINTS has no TABLE_NAME.
            return columns;
        }
        String sql = "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                + "WHERE CONSTRAINT_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, schema);
            statement.setString(2, table);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    String clause = rs.getString(2);
                    // JSON columns carry the check json_valid(`column`) named after the column.
                    if (clause != null && clause.toLowerCase(java.util.Locale.ROOT).startsWith("json_valid(")) {
                        columns.add(rs.getString(1));
                    }
                }
            }
        }
        return columns;
    }

    /** MariaDB rather than MySQL (both answer through MariaDB Connector/J). */
    static boolean isMariaDb(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName();
        String version = connection.getMetaData().getDatabaseProductVersion();
        return (product != null && product.toLowerCase(java.util.Locale.ROOT).contains("mariadb"))
                || (version != null && version.toLowerCase(java.util.Locale.ROOT).contains("mariadb"));
    }

    @Override
    public String upsertClause(List<String> quotedKeys, List<String> quotedColumns, String onlyIf) {
        StringBuilder sql = new StringBuilder(" ON DUPLICATE KEY UPDATE ");
        if (quotedColumns.isEmpty()) {
            // Nothing to update: a no-op assignment keeps the existing row.
            return sql.append(quotedKeys.get(0)).append(" = ").append(quotedKeys.get(0)).toString();
        }
        for (int i = 0; i < quotedColumns.size(); i++) {
            String column = quotedColumns.get(i);
            // No WHERE here: each column keeps its value unless the condition holds. Assignments run left to right,
            // each seeing the ones before, so the columns the condition reads come last.
            String value = onlyIf == null ? proposed(column) : "IF(" + onlyIf + ", " + proposed(column) + ", " + column + ")";
            sql.append(i == 0 ? "" : ", ").append(column).append(" = ").append(value);
        }
        return sql.toString();
    }

    /** ON DUPLICATE KEY UPDATE fires on a conflict of any unique key, not only the primary key. */
    @Override
    public boolean upsertsOnPrimaryKeyOnly() {
        return false;
    }

    @Override
    public String proposed(String quotedColumn) {
        return "VALUES(" + quotedColumn + ")";
    }

    @Override
    public String logEnd(String encodedPosition) {
        return "CONCAT(SUBSTRING_INDEX(" + encodedPosition + ", '" + LogPosition.SEPARATOR + "', 1), '"
                + LogPosition.LOG_END_SUFFIX + "')";
    }

    @Override
    public String positionColumnType() {
        return "VARBINARY(255)";
    }

    @Override
    public String truncate(String quotedTable) {
        return "DELETE FROM " + quotedTable;
    }

    @Override
    public String jsonParameter(ColumnInfo column) {
        return "JSON_EXTRACT(?, '$')";
    }

    @Override
    public String jsonSet(String base, ColumnInfo column, List<String> path, String jsonValue, boolean insert,
                          SqlExpression types, List<Object> params) {
        String last = path.get(path.size() - 1);
        List<String> parent = path.subList(0, path.size() - 1);
        if (last.equals("-")) {
            String target = MariaDbJsonPath.sql(parent, types, params);
            params.add(jsonValue);
            return "JSON_ARRAY_APPEND(" + base + ", " + target + ", JSON_EXTRACT(?, '$'))";
        }
        if (insert && JsonPathTokens.isIndex(last)) {
            // RFC 6902 add at a numeric token: JSON_ARRAY_INSERT changes only an array, JSON_SET of the member
            // only an object, so one of the two applies whatever is there.
            String element = MariaDbJsonPath.sql(parent, types, params);
            params.add("[" + last + "]");
            params.add(jsonValue);
            String inserted = "JSON_ARRAY_INSERT(" + base + ", CONCAT(" + element + ", ?), JSON_EXTRACT(?, '$'))";
            String member = MariaDbJsonPath.sql(parent, types, params);
            params.add(MariaDbJsonPath.member(last));
            params.add(jsonValue);
            return "JSON_SET(" + inserted + ", CONCAT(" + member + ", ?), JSON_EXTRACT(?, '$'))";
        }
        String target = MariaDbJsonPath.sql(path, types, params);
        params.add(jsonValue);
        return "JSON_SET(" + base + ", " + target + ", JSON_EXTRACT(?, '$'))";
    }

    @Override
    public String jsonRemove(String base, ColumnInfo column, List<String> path, SqlExpression types,
                             List<Object> params) {
        String target = MariaDbJsonPath.sql(path, types, params);
        return "JSON_REMOVE(" + base + ", " + target + ")";
    }

    @Override
    public String arrayAppend(String base, ColumnInfo column, Object element, String jsonElement, List<Object> params) {
        params.add(jsonElement);
        return "JSON_ARRAY_APPEND(COALESCE(" + base + ", JSON_ARRAY()), '$', JSON_EXTRACT(?, '$'))";
    }

    @Override
    public Object adapt(Object value, ColumnInfo column) {
        if (value instanceof List) {
            return ConnectValues.toJsonText(null, value);
        }
        if (value instanceof OffsetDateTime) {
            // DATETIME holds no zone: store the time in use.time.zone (UTC by default).
            OffsetDateTime zoned = (OffsetDateTime) value;
            return ZoneOffset.UTC.equals(timeZone) ? zoned.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()
                    : zoned.atZoneSameInstant(timeZone).toLocalDateTime();
        }
        return value;
    }

    @Override
    public String columnType(Schema schema, boolean key) {
        TypeCategory category = ColumnTypes.of(schema).category();
        switch (category) {
            case INT8: return "TINYINT";
            case INT16: return "SMALLINT";
            case INT32: return "INT";
            case INT64: return "BIGINT";
            case FLOAT32: return "FLOAT";
            case FLOAT64: return "DOUBLE";
            case BOOLEAN: return "BOOLEAN";
            case BYTES: return key ? "VARBINARY(255)" : "LONGBLOB";
            case DECIMAL: {
                Integer precision = TypeCategory.precision(schema);
                int scale = TypeCategory.scale(schema);
                return "DECIMAL(" + (precision == null ? 65 : precision) + ", " + Math.min(scale, 30) + ")";
            }
            case NUMERIC: return "DECIMAL(65, 30)";
            case DATE: return "DATE";
            case TIME_MILLIS: return "TIME(3)";
            case TIME_MICROS: return "TIME(6)";
            case TIMESTAMP_MILLIS: return "DATETIME(3)";
            case TIMESTAMP_MICROS:
            case TIMESTAMP_WITH_ZONE: return "DATETIME(6)";
            case UUID: return "CHAR(36)";
            case JSON:
            case ARRAY: return "JSON";
            default: return key ? "VARCHAR(255)" : "LONGTEXT";
        }
    }
}
