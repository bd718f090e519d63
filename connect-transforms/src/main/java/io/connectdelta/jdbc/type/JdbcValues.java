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

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Converts between JDBC and Kafka Connect: the Connect schema of a result column (from ResultSetMetaData),
 * a column's value read as a given Connect schema (ours, or the event's own, including Debezium's semantic
 * types), and event values bound as statement parameters.
 */
public final class JdbcValues {
    private static final long MICROS_PER_DAY = TimeUnit.DAYS.toMicros(1);

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
        String logical = target.name();
        switch (target.type()) {
            case BOOLEAN: {
                boolean value = rs.getBoolean(column);
                return rs.wasNull() ? null : value;
            }
            case INT8: {
                byte value = rs.getByte(column);
                return rs.wasNull() ? null : value;
            }
            case INT16: {
                short value = rs.getShort(column);
                return rs.wasNull() ? null : value;
            }
            case INT32:
                return readInt32(rs, column, logical);
            case INT64:
                return readInt64(rs, column, logical);
            case FLOAT32: {
                float value = rs.getFloat(column);
                return rs.wasNull() ? null : value;
            }
            case FLOAT64: {
                double value = rs.getDouble(column);
                return rs.wasNull() ? null : value;
            }
            case STRING:
                return readString(rs, column, logical);
            case BYTES:
                if (Decimal.LOGICAL_NAME.equals(logical)) {
                    BigDecimal value = rs.getBigDecimal(column);
                    return value == null ? null : rescale(value, Integer.parseInt(target.parameters().get(Decimal.SCALE_FIELD)));
                }
                return rs.getBytes(column);
            case ARRAY: {
                Array array = rs.getArray(column);
                if (array == null) {
                    return null;
                }
                try {
                    List<Object> list = new ArrayList<>();
                    for (Object element : (Object[]) array.getArray()) {
                        list.add(element(element, target.valueSchema()));
                    }
                    return list;
                } finally {
                    array.free();
                }
            }
            case MAP: {
                Object value = rs.getObject(column);
                if (value == null || value instanceof Map) {
                    return value;
                }
                throw new DataException("Column " + rs.getMetaData().getColumnLabel(column)
                        + " does not hold a map, which its schema " + target + " needs");
            }
            case STRUCT:
                if (LogicalTypes.DBZ_VARIABLE_SCALE_DECIMAL.equals(logical)) {
                    BigDecimal value = rs.getBigDecimal(column);
                    if (value == null) {
                        return null;
                    }
                    return new Struct(target).put("scale", value.scale())
                            .put("value", value.unscaledValue().toByteArray());
                }
                throw new DataException("Cannot read column " + rs.getMetaData().getColumnLabel(column)
                        + " as the struct " + logical);
            default:
                throw new DataException("Cannot read column " + rs.getMetaData().getColumnLabel(column)
                        + " as " + target.type());
        }
    }

    private static Object readInt32(ResultSet rs, int column, String logical) throws SQLException {
        if (Date.LOGICAL_NAME.equals(logical) || LogicalTypes.DBZ_DATE.equals(logical)) {
            LocalDate date = rs.getObject(column, LocalDate.class);
            if (date == null) {
                return null;
            }
            return Date.LOGICAL_NAME.equals(logical)
                    ? new java.util.Date(TimeUnit.DAYS.toMillis(date.toEpochDay())) : (int) date.toEpochDay();
        }
        if (Time.LOGICAL_NAME.equals(logical) || LogicalTypes.DBZ_TIME.equals(logical)) {
            LocalTime time = localTime(rs, column);
            if (time == null) {
                return null;
            }
            int millis = (int) (time.toNanoOfDay() / 1_000_000L);
            return Time.LOGICAL_NAME.equals(logical) ? new java.util.Date(millis) : millis;
        }
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Object readInt64(ResultSet rs, int column, String logical) throws SQLException {
        if (logical != null) {
            switch (logical) {
                case Timestamp.LOGICAL_NAME: {
                    Instant instant = instant(rs, column);
                    return instant == null ? null : java.util.Date.from(instant);
                }
                case LogicalTypes.DBZ_TIMESTAMP: {
                    Instant instant = instant(rs, column);
                    return instant == null ? null : instant.toEpochMilli();
                }
                case LogicalTypes.DBZ_MICRO_TIMESTAMP: {
                    Instant instant = instant(rs, column);
                    return instant == null ? null
                            : TimeUnit.SECONDS.toMicros(instant.getEpochSecond()) + instant.getNano() / 1000;
                }
                case LogicalTypes.DBZ_NANO_TIMESTAMP: {
                    Instant instant = instant(rs, column);
                    return instant == null ? null
                            : TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
                }
                case LogicalTypes.DBZ_MICRO_TIME: {
                    LocalTime time = localTime(rs, column);
                    return time == null ? null : Math.min(time.toNanoOfDay() / 1000, MICROS_PER_DAY);
                }
                case LogicalTypes.DBZ_NANO_TIME: {
                    LocalTime time = localTime(rs, column);
                    return time == null ? null : time.toNanoOfDay();
                }
                default:
                    break;
            }
        }
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static Object readString(ResultSet rs, int column, String logical) throws SQLException {
        if (LogicalTypes.DBZ_ZONED_TIMESTAMP.equals(logical)) {
            Instant instant = instant(rs, column);
            return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant);
        }
        if (LogicalTypes.DBZ_ZONED_TIME.equals(logical)) {
            OffsetTime time = rs.getObject(column, OffsetTime.class);
            return time == null ? null : time.withOffsetSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_TIME);
        }
        return rs.getString(column);
    }

    private static Object element(Object element, Schema schema) {
        if (element == null) {
            return null;
        }
        switch (schema.type()) {
            case INT8: return ((Number) element).byteValue();
            case INT16: return ((Number) element).shortValue();
            case INT32: return ((Number) element).intValue();
            case INT64: return ((Number) element).longValue();
            case FLOAT32: return ((Number) element).floatValue();
            case FLOAT64: return ((Number) element).doubleValue();
            case BOOLEAN: return element instanceof Boolean ? element : Boolean.valueOf(element.toString());
            case BYTES:
                if (Decimal.LOGICAL_NAME.equals(schema.name()) && element instanceof BigDecimal) {
                    return rescale((BigDecimal) element, Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD)));
                }
                return element;
            default: return element.toString();
        }
    }

    private static BigDecimal rescale(BigDecimal value, int scale) {
        try {
            return value.setScale(scale, RoundingMode.UNNECESSARY);
        } catch (ArithmeticException e) {
            throw new DataException("Decimal " + value + " does not fit the scale " + scale + " of its schema", e);
        }
    }

    private static LocalTime localTime(ResultSet rs, int column) throws SQLException {
        return rs.getObject(column, LocalTime.class);
    }

    /** A timestamp column as an instant; a timestamp without time zone is read as UTC, as Debezium does. */
    private static Instant instant(ResultSet rs, int column) throws SQLException {
        ResultSetMetaData metadata = rs.getMetaData();
        String typeName = String.valueOf(metadata.getColumnTypeName(column)).toLowerCase(Locale.ROOT);
        if (metadata.getColumnType(column) == Types.TIMESTAMP_WITH_TIMEZONE || typeName.equals("timestamptz")) {
            OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
            return value == null ? null : value.toInstant();
        }
        LocalDateTime value = rs.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    // ---- Connect values -> schemaless values -----------------------------------------------------------

    /**
     * A value of a derived schema as a schemaless (JSON-friendly) value: Date as days since the epoch, Time as
     * milliseconds of the day, Timestamp as epoch milliseconds, Decimal as its exact text (JsonConverter cannot
     * write a BigDecimal without a schema).
     */
    public static Object schemaless(Object value, Schema schema) {
        if (value == null) {
            return null;
        }
        String logical = schema.name();
        if (Date.LOGICAL_NAME.equals(logical)) {
            return (int) TimeUnit.MILLISECONDS.toDays(((java.util.Date) value).getTime());
        }
        if (Time.LOGICAL_NAME.equals(logical)) {
            return (int) ((java.util.Date) value).getTime();
        }
        if (Timestamp.LOGICAL_NAME.equals(logical)) {
            return ((java.util.Date) value).getTime();
        }
        if (value instanceof BigDecimal) {
            return ((BigDecimal) value).toPlainString();
        }
        return value;
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
        if (value instanceof Struct && !(schema != null && LogicalTypes.DBZ_VARIABLE_SCALE_DECIMAL.equals(schema.name()))
                || value instanceof Map || value instanceof List) {
            throw new DataException("Cannot bind a " + value.getClass().getSimpleName() + " as a key value");
        }
        if (schema != null && LogicalTypes.DBZ_ZONED_TIMESTAMP.equals(schema.name())) {
            // Bound as its ISO text: the server casts it to the key column's type, with or without a time zone.
            return value;
        }
        return ConnectValues.toJdbc(schema, value);
    }
}
