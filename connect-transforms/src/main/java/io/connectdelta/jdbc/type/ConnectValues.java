package io.connectdelta.jdbc.type;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connectdelta.event.Values;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.math.BigInteger;
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
 * Connect values, one logical type at a time, as the Java objects JDBC binds and as the JSON the wire formats write.
 * The one place for these conversions: the sink's writes and every re-select (transform, ToFull, sink) bind through
 * it. Connect's Decimal/Date/Time/Timestamp, Debezium's VariableScaleDecimal, Date, (Micro|Nano)Time,
 * (Micro|Nano)Timestamp and ZonedTimestamp become BigDecimal and java.time values; bytes byte[]; arrays Lists;
 * structs and maps JSON text.
 */
public final class ConnectValues {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private ConnectValues() {
    }

    /**
     * A Connect value (with its schema, or schemaless) as a JDBC object. Times of day wrap into one day, as the
     * sources' time columns hold them.
     */
    public static Object toJdbc(Schema schema, Object value) {
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
            return toJsonText(schema, value);
        }
        if (value instanceof List) {
            Schema elementSchema = schema == null ? null : schema.valueSchema();
            List<Object> elements = new ArrayList<>();
            for (Object element : (List<?>) value) {
                elements.add(toJdbc(elementSchema, element));
            }
            return elements;
        }
        if (value instanceof java.util.Date) {
            return utc(((java.util.Date) value).toInstant());
        }
        return value;
    }

    /** A timestamp as the UTC wall-clock time, as Debezium reads timestamps without time zone. */
    public static LocalDateTime utc(Instant instant) {
        // Not LocalDateTime.ofInstant(instant, UTC): that builds the offset's ZoneRules on every call.
        return LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
    }

    /** The value as JSON text (for json columns and JSON edits); a Debezium Json string is that JSON already. */
    public static String toJsonText(Schema schema, Object value) {
        if (value instanceof JsonNode) {
            return value.toString();
        }
        if (value instanceof String && schema != null && LogicalTypes.DBZ_JSON.equals(schema.name())) {
            return (String) value;
        }
        try {
            return JSON.writeValueAsString(toJsonNode(schema, value));
        } catch (Exception e) {
            throw new DataException("Cannot write a value as JSON: " + e.getMessage(), e);
        }
    }

    /** A Connect value as a JSON tree, as Kafka's JsonConverter encodes it. */
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
