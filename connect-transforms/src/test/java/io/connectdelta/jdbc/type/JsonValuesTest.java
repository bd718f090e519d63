package io.connectdelta.jdbc.type;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Connect values written into json columns come out as Kafka's JsonConverter writes them. */
class JsonValuesTest {
    @Test
    void logicalTypesInsideJsonAsJsonConverterWritesThem() throws Exception {
        Schema schema = SchemaBuilder.struct()
                .field("date", Date.builder().optional().build())
                .field("time", Time.builder().optional().build())
                .field("timestamp", Timestamp.builder().optional().build())
                .field("before_epoch", Date.builder().optional().build())
                .field("n", Schema.OPTIONAL_INT32_SCHEMA)
                .field("s", Schema.OPTIONAL_STRING_SCHEMA)
                .field("b", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("list", SchemaBuilder.array(Date.builder().optional().build()).optional().build())
                .build();
        Struct value = new Struct(schema)
                .put("date", new java.util.Date(20_000L * 86_400_000L))
                .put("time", new java.util.Date(13 * 3_600_000L + 5_000L))
                .put("timestamp", new java.util.Date(1_700_000_000_123L))
                .put("before_epoch", new java.util.Date(-3L * 86_400_000L))
                .put("n", 7)
                .put("s", "x \"y\"")
                .put("b", new byte[] {1, 2, 3})
                .put("list", List.of(new java.util.Date(86_400_000L)));

        JsonNode ours = ConnectValues.toJsonNode(schema, value);

        assertEquals(20_000, ours.get("date").asInt(), "a Date is days since the epoch");
        assertEquals(-3, ours.get("before_epoch").asInt());
        assertEquals(kafkaJson(schema, value), ours.toString());
        assertEquals(kafkaJson(schema, value), ConnectValues.toJsonText(schema, value));
    }

    @Test
    void mapsOfTimestampsAsJsonConverterWritesThem() throws Exception {
        Schema schema = SchemaBuilder.map(Schema.STRING_SCHEMA, Timestamp.builder().optional().build()).build();
        Map<String, java.util.Date> value = Map.of("at", new java.util.Date(1_600_000_000_000L));
        assertEquals(kafkaJson(schema, value), ConnectValues.toJsonNode(schema, value).toString());
    }

    @Test
    void decimalIsNotADate() {
        Schema schema = Decimal.builder(2).optional().build();
        assertEquals(new BigDecimal("1.25"), ConnectValues.toJsonNode(schema, new BigDecimal("1.25")).decimalValue());
    }

    /** The JSON text Kafka's JsonConverter writes for the value, without a schema. */
    private static String kafkaJson(Schema schema, Object value) throws Exception {
        try (JsonConverter converter = new JsonConverter()) {
            converter.configure(Map.of("schemas.enable", "false", "decimal.format", "NUMERIC"), false);
            byte[] bytes = converter.fromConnectData("t", schema, value);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
