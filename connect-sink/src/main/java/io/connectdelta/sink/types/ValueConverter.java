package io.connectdelta.sink.types;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connectdelta.event.Values;
import io.connectdelta.jdbc.type.LogicalTypes;
import io.connectdelta.sink.dialect.ColumnInfo;
import io.connectdelta.sink.plan.Value;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Converts the values of change events into the Java objects JDBC binds, one logical type at a time: Connect's
 * Decimal/Date/Time/Timestamp, Debezium's VariableScaleDecimal, Date, (Micro|Nano)Time, (Micro|Nano)Timestamp,
 * ZonedTimestamp, Uuid, Json, Enum; bytes, booleans, arrays (as Lists, which the dialect binds), and structs and
 * maps (as JSON text). JSON Patch values carry no schema: they are converted by the target column's type.
 */
public final class ValueConverter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private ValueConverter() {
    }

    /** The JDBC object for a value written into {@code column}. */
    public static Object toJdbc(Value value, ColumnInfo column) {
        if (value == null || value.value() == null) {
            return null;
        }
        if (value.value() instanceof JsonNode) {
            return fromJson((JsonNode) value.value(), column);
        }
        if (value.schema() == null && column != null) {
            // Schemaless records (JsonConverter without schemas) carry JSON types: convert by the column's type.
            return fromJson(JSON.valueToTree(value.value()), column);
        }
        Object converted = fromConnect(value.schema(), value.value());
        if (column != null && column.isJson() && !(converted instanceof String)) {
            return toJsonText(value);
        }
        return converted;
    }

    /** A Connect value (with its schema, or schemaless) as a JDBC object. */
    public static Object fromConnect(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        String logical = schema == null ? null : schema.name();
        if (logical != null) {
            switch (logical) {
                case LogicalTypes.DECIMAL:
                    return value;
                case LogicalTypes.DBZ_VARIABLE_SCALE_DECIMAL:
                    Struct struct = (Struct) value;
                    return new BigDecimal(new BigInteger(Values.bytes(struct.get("value"))), struct.getInt32("scale"));
                case LogicalTypes.DATE:
                    return LocalDate.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC);
                case LogicalTypes.DBZ_DATE:
                    return LocalDate.ofEpochDay(((Number) value).longValue());
                case LogicalTypes.TIME:
                    return LocalTime.ofNanoOfDay(Math.floorMod(((java.util.Date) value).getTime(), MILLIS_PER_DAY) * 1_000_000L);
                case LogicalTypes.DBZ_TIME:
                    return LocalTime.ofNanoOfDay(Math.floorMod(((Number) value).longValue() * 1_000_000L, NANOS_PER_DAY));
                case LogicalTypes.DBZ_MICRO_TIME:
                    return LocalTime.ofNanoOfDay(Math.floorMod(((Number) value).longValue() * 1_000L, NANOS_PER_DAY));
                case LogicalTypes.DBZ_NANO_TIME:
                    return LocalTime.ofNanoOfDay(Math.floorMod(((Number) value).longValue(), NANOS_PER_DAY));
                case LogicalTypes.TIMESTAMP:
                    return utc(((java.util.Date) value).toInstant());
                case LogicalTypes.DBZ_TIMESTAMP:
                    return utc(Instant.ofEpochMilli(((Number) value).longValue()));
                case LogicalTypes.DBZ_MICRO_TIMESTAMP: {
                    long micros = ((Number) value).longValue();
                    return utc(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L));
                }
                case LogicalTypes.DBZ_NANO_TIMESTAMP: {
                    long nanos = ((Number) value).longValue();
                    return utc(Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)));
                }
                case LogicalTypes.DBZ_ZONED_TIMESTAMP:
                    return OffsetDateTime.parse(value.toString());
                default:
                    break;
            }
        }
        if (Values.isBytes(value)) {
            return Values.bytes(value);
        }
        if (value instanceof Struct || value instanceof Map) {
            return toJsonText(new Value(value, schema));
        }
        if (value instanceof List) {
            Schema elementSchema = schema == null ? null : schema.valueSchema();
            List<Object> elements = new ArrayList<>();
            for (Object element : (List<?>) value) {
                elements.add(fromConnect(elementSchema, element));
            }
            return elements;
        }
        if (value instanceof java.util.Date) {
            return utc(((java.util.Date) value).toInstant());
        }
        return value;
    }

    private static LocalDateTime utc(Instant instant) {
        // Not LocalDateTime.ofInstant(instant, UTC): that builds the offset's ZoneRules on every call.
        return LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    }

    /** A value taken from a JSON Patch, converted by the type of the column it goes to. */
    public static Object fromJson(JsonNode node, ColumnInfo column) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (column == null) {
            return plainJson(node);
        }
        if (column.isJson()) {
            return jsonText(node);
        }
        switch (column.jdbcType()) {
            case Types.BIT:
            case Types.BOOLEAN:
                return node.isBoolean() ? node.booleanValue() : node.asText().equals("true") || node.asInt() != 0;
            case Types.TINYINT:
            case Types.SMALLINT:
            case Types.INTEGER:
            case Types.BIGINT:
                return node.isNumber() ? (Object) node.longValue() : Long.valueOf(node.asText());
            case Types.REAL:
            case Types.FLOAT:
            case Types.DOUBLE:
                return node.isNumber() ? node.doubleValue() : Double.valueOf(node.asText());
            case Types.NUMERIC:
            case Types.DECIMAL:
                return node.isNumber() ? node.decimalValue() : new BigDecimal(node.asText());
            case Types.DATE:
                return node.isNumber() ? LocalDate.ofEpochDay(node.longValue()) : LocalDate.parse(node.asText());
            case Types.TIME:
                return node.isNumber() ? LocalTime.ofNanoOfDay(node.longValue() * 1_000_000L) : LocalTime.parse(node.asText());
            case Types.TIMESTAMP:
                return node.isNumber() ? utc(Instant.ofEpochMilli(node.longValue())) : LocalDateTime.parse(node.asText());
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return node.isNumber() ? OffsetDateTime.ofInstant(Instant.ofEpochMilli(node.longValue()), ZoneOffset.UTC)
                        : OffsetDateTime.parse(node.asText());
            case Types.BINARY:
            case Types.VARBINARY:
            case Types.LONGVARBINARY:
            case Types.BLOB:
                return Base64.getDecoder().decode(node.asText());
            case Types.ARRAY:
                List<Object> elements = new ArrayList<>();
                node.forEach(element -> elements.add(plainJson(element)));
                return elements;
            default:
                return plainJson(node);
        }
    }

    /**
     * The JSON text for a json column. A text holding a JSON object or array is that JSON (Debezium sends json
     * columns as text, and so do rows converted to JSON); any other node is itself the value.
     */
    private static String jsonText(JsonNode node) {
        if (node.isTextual()) {
            String text = node.asText().trim();
            if (text.startsWith("{") || text.startsWith("[")) {
                try {
                    return JSON.readTree(text).toString();
                } catch (Exception notJson) {
                    return node.toString();
                }
            }
        }
        return node.toString();
    }

    private static Object plainJson(JsonNode node) {
        if (node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        return node.toString();
    }

    /** The value as JSON text (for json columns and JSON edits). */
    public static String toJsonText(Value value) {
        if (value.value() instanceof JsonNode) {
            return value.value().toString();
        }
        if (value.value() instanceof String && value.schema() != null
                && LogicalTypes.DBZ_JSON.equals(value.schema().name())) {
            return (String) value.value();
        }
        try {
            return JSON.writeValueAsString(toJsonNode(value.schema(), value.value()));
        } catch (Exception e) {
            throw new DataException("Cannot write a value as JSON: " + e.getMessage(), e);
        }
    }

    /** A Connect value as a JSON tree, as the wire formats encode rows. */
    public static JsonNode toJsonNode(Schema schema, Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (schema != null && LogicalTypes.DBZ_JSON.equals(schema.name()) && value instanceof String) {
            try {
                return JSON.readTree((String) value);
            } catch (Exception e) {
                return NODES.textNode((String) value);
            }
        }
        if (value instanceof Struct) {
            Struct struct = (Struct) value;
            ObjectNode object = NODES.objectNode();
            for (Field field : struct.schema().fields()) {
                object.set(field.name(), toJsonNode(field.schema(), struct.get(field)));
            }
            return object;
        }
        if (value instanceof Map) {
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                object.set(String.valueOf(entry.getKey()),
                        toJsonNode(schema == null ? null : schema.valueSchema(), entry.getValue()));
            }
            return object;
        }
        if (value instanceof List) {
            ArrayNode array = NODES.arrayNode();
            for (Object element : (List<?>) value) {
                array.add(toJsonNode(schema == null ? null : schema.valueSchema(), element));
            }
            return array;
        }
        if (Values.isBytes(value)) {
            return NODES.textNode(Base64.getEncoder().encodeToString(Values.bytes(value)));
        }
        if (value instanceof java.util.Date) {
            long millis = ((java.util.Date) value).getTime();
            // As Kafka's JsonConverter writes them: a Date as days since the epoch, Time and Timestamp as millis.
            return schema != null && LogicalTypes.DATE.equals(schema.name())
                    ? NODES.numberNode((int) Math.floorDiv(millis, MILLIS_PER_DAY)) : NODES.numberNode(millis);
        }
        return JSON.valueToTree(value);
    }
}
