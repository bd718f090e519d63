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

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Conversions of a Connect value by its Java class: the plain Connect types, values without a schema, and the
 * logical types whose value needs nothing of its own. Nested values go back through their own column types.
 */
final class AnyValue {
    static final ObjectMapper JSON = new ObjectMapper();
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private AnyValue() {
    }

    static Object toJdbc(Schema schema, Object value) {
        if (Values.isBytes(value)) {
            return Values.bytes(value);
        }
        if (value instanceof Struct || value instanceof Map) {
            return ConnectValues.toJsonText(schema, value);
        }
        if (value instanceof List) {
            Schema elementSchema = schema == null ? null : schema.valueSchema();
            List<Object> elements = new ArrayList<>();
            for (Object element : (List<?>) value) {
                elements.add(ConnectValues.toJdbc(elementSchema, element));
            }
            return elements;
        }
        if (value instanceof java.util.Date) {
            return ConnectValues.utc(((java.util.Date) value).toInstant());
        }
        return value;
    }

    static JsonNode toJson(Schema schema, Object value) {
        if (value instanceof Struct) {
            Struct struct = (Struct) value;
            ObjectNode object = NODES.objectNode();
            for (Field field : struct.schema().fields()) {
                object.set(field.name(), ConnectValues.toJsonNode(field.schema(), struct.get(field)));
            }
            return object;
        }
        if (value instanceof Map) {
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
                object.set(String.valueOf(entry.getKey()),
                        ConnectValues.toJsonNode(schema == null ? null : schema.valueSchema(), entry.getValue()));
            }
            return object;
        }
        if (value instanceof List) {
            ArrayNode array = NODES.arrayNode();
            for (Object element : (List<?>) value) {
                array.add(ConnectValues.toJsonNode(schema == null ? null : schema.valueSchema(), element));
            }
            return array;
        }
        if (Values.isBytes(value)) {
            return NODES.textNode(Base64.getEncoder().encodeToString(Values.bytes(value)));
        }
        if (value instanceof java.util.Date) {
            // As Kafka's JsonConverter writes Time and Timestamp: milliseconds (a Date's days: see TimeTypes).
            return NODES.numberNode(((java.util.Date) value).getTime());
        }
        return JSON.valueToTree(value);
    }
}
