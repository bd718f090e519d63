package io.connectdelta.jdbc.type;

import io.connectdelta.jdbc.dialect.JdbcDialect;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Converts between JDBC and Kafka Connect: the Connect schema of a result column (from ResultSetMetaData),
 * a column's value read as a given Connect schema (ours, or the event's own, including Debezium's semantic
 * types), and event values bound as statement parameters.
 */
public final class JdbcValues {
    private JdbcValues() {
    }

    // ---- result columns -> Connect schemas -------------------------------------------------------------

    /**
     * The Connect schema for a result column. Decimals with a declared scale become Decimal, dates and
     * timestamps Connect's Date/Time/Timestamp; numerics without a declared scale (PostgreSQL's plain numeric)
     * become their exact text; types without a Connect counterpart (uuid, json, enum, ...) their text.
     */
    public static Schema columnSchema(ResultSetMetaData metadata, int column, boolean optional) throws SQLException {
        int type = metadata.getColumnType(column);
        String typeName = String.valueOf(metadata.getColumnTypeName(column)).toLowerCase(Locale.ROOT);
        boolean signed = metadata.isSigned(column);
        SchemaBuilder builder;
        switch (type) {
            case Types.BIT:
                builder = metadata.getPrecision(column) <= 1 ? SchemaBuilder.bool() : SchemaBuilder.bytes();
                break;
            case Types.BOOLEAN:
                builder = SchemaBuilder.bool();
                break;
            case Types.TINYINT:
                builder = signed ? SchemaBuilder.int8() : SchemaBuilder.int16();
                break;
            case Types.SMALLINT:
                builder = signed ? SchemaBuilder.int16() : SchemaBuilder.int32();
                break;
            case Types.INTEGER:
                builder = signed ? SchemaBuilder.int32() : SchemaBuilder.int64();
                break;
            case Types.BIGINT:
                builder = signed ? SchemaBuilder.int64() : Decimal.builder(0);
                break;
            case Types.REAL:
                builder = SchemaBuilder.float32();
                break;
            case Types.FLOAT:
            case Types.DOUBLE:
                builder = SchemaBuilder.float64();
                break;
            case Types.NUMERIC:
            case Types.DECIMAL:
                int precision = metadata.getPrecision(column);
                int scale = metadata.getScale(column);
                builder = precision <= 0 || precision > 1000 || scale < 0 ? SchemaBuilder.string()
                        : Decimal.builder(scale).parameter("connect.decimal.precision", String.valueOf(precision));
                break;
            case Types.BINARY:
            case Types.VARBINARY:
            case Types.LONGVARBINARY:
            case Types.BLOB:
                builder = SchemaBuilder.bytes();
                break;
            case Types.DATE:
                builder = Date.builder();
                break;
            case Types.TIME:
            case Types.TIME_WITH_TIMEZONE:
                builder = Time.builder();
                break;
            case Types.TIMESTAMP:
            case Types.TIMESTAMP_WITH_TIMEZONE:
                builder = Timestamp.builder();
                break;
            case Types.ARRAY:
                builder = SchemaBuilder.array(arrayElementSchema(typeName));
                break;
            default:
                builder = SchemaBuilder.string();
        }
        return optional ? builder.optional().build() : builder.build();
    }

    private static Schema arrayElementSchema(String typeName) {
        switch (typeName) {
            case "_bool": return Schema.OPTIONAL_BOOLEAN_SCHEMA;
            case "_int2": return Schema.OPTIONAL_INT16_SCHEMA;
            case "_int4": return Schema.OPTIONAL_INT32_SCHEMA;
            case "_int8": return Schema.OPTIONAL_INT64_SCHEMA;
            case "_float4": return Schema.OPTIONAL_FLOAT32_SCHEMA;
            case "_float8": return Schema.OPTIONAL_FLOAT64_SCHEMA;
            default: return Schema.OPTIONAL_STRING_SCHEMA;
        }
    }

    // ---- result values -> Connect values ---------------------------------------------------------------

    /** Reads one column as a value of {@code target} (our derived schema or the event's field schema). */
    public static Object read(ResultSet rs, int column, Schema target) throws SQLException {
        return ColumnTypes.of(target).read(rs, column, target);
    }

    // ---- Connect values -> schemaless values -----------------------------------------------------------

    /**
     * A value of a derived schema as a schemaless (JSON-friendly) value: Date as days since the epoch, Time as
     * milliseconds of the day, Timestamp as epoch milliseconds, Decimal as its exact text (JsonConverter cannot
     * write a BigDecimal without a schema).
     */
    public static Object schemaless(Object value, Schema schema) {
        return value == null ? null : ColumnTypes.of(schema).toSchemaless(value);
    }

    // ---- event values -> statement parameters ----------------------------------------------------------

    /**
     * Binds an event value (a key field or a field of the row) to a parameter, by its Connect schema when
     * there is one: Connect's and Debezium's dates and timestamps become java.time values, decimals BigDecimal.
     */
    public static void bind(PreparedStatement statement, int index, Object value, Schema schema, JdbcDialect dialect)
            throws SQLException {
        Object jdbc = value == null ? null : toJdbc(value, schema);
        if (jdbc == null) {
            statement.setNull(index, Types.NULL);
        } else if (jdbc instanceof String && dialect.bindsTextUntyped()) {
            statement.setObject(index, jdbc, Types.OTHER);
        } else if (jdbc instanceof byte[]) {
            statement.setBytes(index, (byte[]) jdbc);
        } else {
            statement.setObject(index, jdbc);
        }
    }

    private static Object toJdbc(Object value, Schema schema) {
        ColumnType type = ColumnTypes.of(schema);
        if (value instanceof Struct && type != DecimalTypes.VARIABLE_SCALE_DECIMAL
                || value instanceof Map || value instanceof List) {
            throw new DataException("Cannot bind a " + value.getClass().getSimpleName() + " as a key value");
        }
        if (type == TimestampTypes.ZONED_TIMESTAMP) {
            // Bound as its ISO text: the server casts it to the key column's type, with or without a time zone.
            return value;
        }
        return type.toJdbc(schema, value);
    }
}
