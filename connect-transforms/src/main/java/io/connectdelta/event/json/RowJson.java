package io.connectdelta.event.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.connectdelta.event.Row;
import io.connectdelta.event.Values;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Converts Connect values to Jackson trees and back, by the value's Connect schema (docs/formats.md):
 * integers and floats as numbers, BOOLEAN, STRING, BYTES as base64 text, Decimal as an exact JSON number,
 * Date as days since the epoch, Time as milliseconds of the day, Timestamp as epoch milliseconds, STRUCT as an
 * object, ARRAY as an array, MAP with string keys as an object (other keys: an array of [key, value] pairs).
 * Without a schema the Java type decides, and JSON comes back as JsonConverter's schemaless values would
 * (Long, Double, String, Boolean, List, Map).
 */
public final class RowJson {
    private static final long MILLIS_PER_DAY = 24L * 60 * 60 * 1000;
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setNodeFactory(NODES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private RowJson() {
    }

    /** The mapper that reads and writes the JSON text of rows and patches (exact decimals). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The present fields of a row as a JSON object, each converted by its field schema (when the row has one). */
    public static ObjectNode toJson(Row row) {
        ObjectNode node = NODES.objectNode();
        for (Map.Entry<String, Object> field : row.values().entrySet()) {
            node.set(field.getKey(), toJson(row.fieldSchema(field.getKey()), field.getValue()));
        }
        return node;
    }

    /** One value as JSON, by its schema, or by its Java type when the schema is null. */
    public static JsonNode toJson(Schema schema, Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (schema == null) {
            return schemalessToJson(value);
        }
        String logical = schema.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            return NODES.numberNode((BigDecimal) value);
        }
        if (Date.LOGICAL_NAME.equals(logical)) {
            return NODES.numberNode(Math.floorDiv(((java.util.Date) value).getTime(), MILLIS_PER_DAY));
        }
        if (Time.LOGICAL_NAME.equals(logical)) {
            return NODES.numberNode((int) Math.floorMod(((java.util.Date) value).getTime(), MILLIS_PER_DAY));
        }
        if (Timestamp.LOGICAL_NAME.equals(logical)) {
            return NODES.numberNode(((java.util.Date) value).getTime());
        }
        switch (schema.type()) {
            case INT8:
            case INT16:
            case INT32:
            case INT64:
            case FLOAT32:
            case FLOAT64:
            case BOOLEAN:
            case STRING:
            case BYTES:
                return schemalessToJson(value);
            case STRUCT:
                return structToJson((Struct) value);
            case ARRAY: {
                ArrayNode array = NODES.arrayNode();
                for (Object element : (List<?>) value) {
                    array.add(toJson(schema.valueSchema(), element));
                }
                return array;
            }
            case MAP:
                return mapToJson(schema.keySchema(), schema.valueSchema(), (Map<?, ?>) value);
            default:
                throw new DataException("Cannot convert a value of schema type " + schema.type() + " to JSON");
        }
    }

    /** A JSON object as a row of the given struct schema: every field of the schema, null where the JSON has none. */
    public static Row toRow(Schema rowSchema, JsonNode object) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (rowSchema == null) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                values.put(field.getKey(), fromJson(null, field.getValue()));
            }
        } else {
            for (Field field : rowSchema.fields()) {
                values.put(field.name(), fromJson(field.schema(), object.get(field.name())));
            }
        }
        return Row.of(rowSchema, values);
    }

    /** A JSON value as a Connect value of the given schema (schemaless values when the schema is null). */
    public static Object fromJson(Schema schema, JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (schema == null) {
            return schemalessFromJson(node);
        }
        String logical = schema.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            return decimal(schema, node);
        }
        if (Date.LOGICAL_NAME.equals(logical)) {
            return new java.util.Date(node.asLong() * MILLIS_PER_DAY);
        }
        if (Time.LOGICAL_NAME.equals(logical) || Timestamp.LOGICAL_NAME.equals(logical)) {
            return new java.util.Date(node.asLong());
        }
        switch (schema.type()) {
            case INT8:
                return (byte) node.asInt();
            case INT16:
                return (short) node.asInt();
            case INT32:
                return node.asInt();
            case INT64:
                return node.asLong();
            case FLOAT32:
                return node.isTextual() ? Float.parseFloat(node.asText()) : node.floatValue();
            case FLOAT64:
                return node.isTextual() ? Double.parseDouble(node.asText()) : node.doubleValue();
            case BOOLEAN:
                return node.asBoolean();
            case STRING:
                return node.isTextual() ? node.asText() : node.toString();
            case BYTES:
                return Base64.getDecoder().decode(node.asText());
            case STRUCT: {
                Struct struct = new Struct(schema);
                for (Field field : schema.fields()) {
                    Object value = fromJson(field.schema(), node.get(field.name()));
                    if (value != null) {
                        struct.put(field, value);
                    }
                }
                return struct;
            }
            case ARRAY: {
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode element : node) {
                    list.add(fromJson(schema.valueSchema(), element));
                }
                return list;
            }
            case MAP:
                return mapFromJson(schema.keySchema(), schema.valueSchema(), node);
            default:
                throw new DataException("Cannot convert JSON to a value of schema type " + schema.type());
        }
    }

    /**
     * A canonical text for a key row: the same key gives the same text whether it came with a schema or
     * without (fields sorted by name, integers of any width alike, decimals without trailing zeros).
     */
    public static String keyText(Row key) {
        ObjectNode node = NODES.objectNode();
        for (Map.Entry<String, Object> field : new TreeMap<>(key.values()).entrySet()) {
            node.set(field.getKey(), canonical(toJson(key.fieldSchema(field.getKey()), field.getValue())));
        }
        return write(node);
    }

    /** Compact JSON text of a tree. */
    public static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new DataException("Cannot write JSON", e);
        }
    }

    /** Parses JSON text with exact decimals. */
    public static JsonNode read(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DataException("Not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static JsonNode canonical(JsonNode node) {
        if (node.isBigDecimal()) {
            BigDecimal value = node.decimalValue();
            return value.signum() == 0 ? NODES.numberNode(BigDecimal.ZERO) : NODES.numberNode(value.stripTrailingZeros());
        }
        if (node.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            node.fieldNames().forEachRemaining(names::add);
            ObjectNode sorted = NODES.objectNode();
            names.forEach(name -> sorted.set(name, canonical(node.get(name))));
            return sorted;
        }
        if (node.isArray()) {
            ArrayNode array = NODES.arrayNode();
            node.forEach(element -> array.add(canonical(element)));
            return array;
        }
        return node;
    }

    private static JsonNode schemalessToJson(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof String) {
            return NODES.textNode((String) value);
        }
        if (value instanceof Boolean) {
            return NODES.booleanNode((Boolean) value);
        }
        if (value instanceof Byte || value instanceof Short || value instanceof Integer) {
            return NODES.numberNode(((Number) value).intValue());
        }
        if (value instanceof Long) {
            return NODES.numberNode((Long) value);
        }
        if (value instanceof Float) {
            return NODES.numberNode((Float) value);
        }
        if (value instanceof Double) {
            return NODES.numberNode((Double) value);
        }
        if (value instanceof BigDecimal) {
            return NODES.numberNode((BigDecimal) value);
        }
        if (value instanceof BigInteger) {
            return NODES.numberNode((BigInteger) value);
        }
        if (Values.isBytes(value)) {
            return NODES.textNode(Base64.getEncoder().encodeToString(Values.bytes(value)));
        }
        if (value instanceof java.util.Date) {
            return NODES.numberNode(((java.util.Date) value).getTime());
        }
        if (value instanceof Struct) {
            return structToJson((Struct) value);
        }
        if (value instanceof List) {
            ArrayNode array = NODES.arrayNode();
            for (Object element : (List<?>) value) {
                array.add(schemalessToJson(element));
            }
            return array;
        }
        if (value instanceof Map) {
            return mapToJson(null, null, (Map<?, ?>) value);
        }
        throw new DataException("Cannot convert a " + value.getClass().getName() + " to JSON");
    }

    private static ObjectNode structToJson(Struct struct) {
        ObjectNode node = NODES.objectNode();
        for (Field field : struct.schema().fields()) {
            node.set(field.name(), toJson(field.schema(), struct.get(field)));
        }
        return node;
    }

    private static JsonNode mapToJson(Schema keySchema, Schema valueSchema, Map<?, ?> map) {
        boolean stringKeys = keySchema == null
                ? map.keySet().stream().allMatch(k -> k instanceof String)
                : keySchema.type() == Schema.Type.STRING;
        if (stringKeys) {
            ObjectNode node = NODES.objectNode();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                node.set((String) entry.getKey(), toJson(valueSchema, entry.getValue()));
            }
            return node;
        }
        ArrayNode pairs = NODES.arrayNode();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            pairs.addArray().add(toJson(keySchema, entry.getKey())).add(toJson(valueSchema, entry.getValue()));
        }
        return pairs;
    }

    private static Map<Object, Object> mapFromJson(Schema keySchema, Schema valueSchema, JsonNode node) {
        Map<Object, Object> map = new LinkedHashMap<>();
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                map.put(field.getKey(), fromJson(valueSchema, field.getValue()));
            }
        } else {
            for (JsonNode pair : node) {
                map.put(fromJson(keySchema, pair.get(0)), fromJson(valueSchema, pair.get(1)));
            }
        }
        return map;
    }

    private static BigDecimal decimal(Schema schema, JsonNode node) {
        BigDecimal value = node.isTextual() ? new BigDecimal(node.asText()) : node.decimalValue();
        String scale = schema.parameters() == null ? null : schema.parameters().get(Decimal.SCALE_FIELD);
        // Connect requires a Decimal to have exactly the schema's scale.
        return scale == null ? value : value.setScale(Integer.parseInt(scale), RoundingMode.UNNECESSARY);
    }

    private static Object schemalessFromJson(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? (Object) node.asLong() : node.bigIntegerValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>(node.size());
            node.forEach(element -> list.add(schemalessFromJson(element)));
            return list;
        }
        if (node.isObject()) {
            return mapFromJson(null, null, node);
        }
        return null;
    }
}
