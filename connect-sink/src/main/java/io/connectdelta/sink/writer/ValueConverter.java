package io.connectdelta.sink.writer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connectdelta.jdbc.type.ConnectValues;
import io.connectdelta.sink.dialect.ColumnInfo;
import io.connectdelta.sink.plan.Value;

import java.math.BigDecimal;
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

/**
 * The value the sink binds for a target column: a Connect value converted by its logical type
 * ({@link ConnectValues}), as JSON text where the column holds JSON; JSON Patch values and schemaless values,
 * which carry no Connect schema, converted by the target column's type.
 */
public final class ValueConverter {
    private static final ObjectMapper JSON = new ObjectMapper();

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
        Object converted = ConnectValues.toJdbc(value.schema(), value.value());
        if (column != null && column.isJson() && !(converted instanceof String)) {
            return toJsonText(value);
        }
        return converted;
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
                return node.isNumber() ? ConnectValues.utc(Instant.ofEpochMilli(node.longValue())) : LocalDateTime.parse(node.asText());
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
        return ConnectValues.toJsonText(value.schema(), value.value());
    }
}
