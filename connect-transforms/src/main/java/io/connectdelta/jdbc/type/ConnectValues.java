package io.connectdelta.jdbc.type;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.connect.data.Schema;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Connect values as the Java objects JDBC binds and as the JSON the wire formats write, each converted by its
 * {@link ColumnType}. The entry point of the sink's writes and of every re-select (transform, ToFull, sink):
 * Connect's Decimal/Date/Time/Timestamp, Debezium's VariableScaleDecimal, Date, (Micro|Nano)Time,
 * (Micro|Nano)Timestamp and ZonedTimestamp become BigDecimal and java.time values; bytes byte[]; arrays Lists;
 * structs and maps JSON text.
 */
public final class ConnectValues {

    private ConnectValues() {
    }

    /**
     * A Connect value (with its schema, or schemaless) as a JDBC object. Times of day wrap into one day, as the
     * sources' time columns hold them.
     */
    public static Object toJdbc(Schema schema, Object value) {
        return value == null ? null : ColumnTypes.of(schema).toJdbc(schema, value);
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
        return value == null ? "null" : ColumnTypes.of(schema).toJsonText(schema, value);
    }

    /** A Connect value as a JSON tree, as Kafka's JsonConverter encodes it. */
    public static JsonNode toJsonNode(Schema schema, Object value) {
        return value == null ? AnyValue.NODES.nullNode() : ColumnTypes.of(schema).toJson(schema, value);
    }
}
