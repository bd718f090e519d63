package io.connectdelta.event.json;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.event.Row;
import io.connectdelta.event.RowStructs;
import io.connectdelta.event.Values;
import io.connectdelta.testing.ChangeEvents;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowJsonTest {
    @Test
    void valuesAreWrittenAsTheWireFormatSays() {
        JsonNode json = RowJson.toJson(Row.ofStruct(ChangeEvents.row(1)));
        assertEquals("AQIB", json.get("data").asText());
        assertEquals("13.50", json.get("price").decimalValue().toPlainString());
        assertEquals(1_700_000_000_001L, json.get("created").asLong());
        assertEquals(19_000, json.get("day").asInt());
        assertEquals(1001, json.get("address").get("zip").asInt());
        assertEquals("b1", json.get("tags").get(1).asText());
        assertEquals("v1", json.get("attrs").get("k").asText());
        assertEquals(3, json.get("qty").asLong());
        assertEquals(3_600_000, RowJson.toJson(Time.SCHEMA, new java.util.Date(3_600_000)).asInt());
        assertEquals("{\"price\":12345678901234567890.12}", RowJson.write(RowJson.toJson(Row.of(null,
                Map.of("price", new BigDecimal("12345678901234567890.12"))))));
    }

    @Test
    void everyTypeComesBackByItsSchema() {
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            Struct row = ChangeEvents.randomRow(random, i);
            JsonNode json = RowJson.read(RowJson.write(RowJson.toJson(Row.ofStruct(row))));
            Row back = RowJson.toRow(ChangeEvents.ROW, json);
            assertEquals(row, RowStructs.toStruct(back, ChangeEvents.ROW), "row " + i);
        }
        Schema types = SchemaBuilder.struct()
                .field("i8", Schema.INT8_SCHEMA).field("i16", Schema.INT16_SCHEMA)
                .field("f32", Schema.FLOAT32_SCHEMA).field("f64", Schema.FLOAT64_SCHEMA)
                .field("bool", Schema.BOOLEAN_SCHEMA).field("time", Time.SCHEMA)
                .field("ts", Timestamp.SCHEMA).field("date", Date.SCHEMA)
                .field("big", Decimal.schema(0))
                .field("intmap", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build())
                .build();
        Map<Integer, String> intMap = new LinkedHashMap<>();
        intMap.put(1, "one");
        intMap.put(2, "two");
        Struct value = new Struct(types).put("i8", (byte) -3).put("i16", (short) 300).put("f32", 0.1f)
                .put("f64", 1e-300).put("bool", true).put("time", new java.util.Date(45_296_789))
                .put("ts", new java.util.Date(-5)).put("date", new java.util.Date(-86_400_000L))
                .put("big", new BigDecimal("123456789012345678901234567890")).put("intmap", intMap);
        JsonNode json = RowJson.read(RowJson.write(RowJson.toJson(Row.ofStruct(value))));
        assertTrue(json.get("intmap").isArray(), "a map without string keys is an array of pairs");
        assertEquals(value, RowStructs.toStruct(RowJson.toRow(types, json), types));
    }

    @Test
    void schemalessValuesComeBackAsJsonConverterWouldGiveThem() {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("n", 5);
        values.put("d", 2.5);
        values.put("s", "x");
        values.put("b", false);
        values.put("nil", null);
        values.put("list", List.of(1, 2));
        values.put("map", Map.of("k", "v"));
        Row back = RowJson.toRow(null, RowJson.read(RowJson.write(RowJson.toJson(Row.of(null, values)))));
        assertEquals(5L, back.get("n"));
        assertEquals(2.5, back.get("d"));
        assertTrue(back.has("nil"));
        assertTrue(Values.deepEquals(values, back.values()));
        assertArrayEquals(new byte[]{1}, (byte[]) RowJson.fromJson(Schema.BYTES_SCHEMA, RowJson.toJson(null, new byte[]{1})));
    }

    @Test
    void keyTextIsCanonical() {
        Schema keySchema = SchemaBuilder.struct().field("b", Schema.INT32_SCHEMA).field("a", Decimal.schema(2)).build();
        Struct key = new Struct(keySchema).put("b", 1).put("a", new BigDecimal("1.50"));
        Map<String, Object> schemaless = new LinkedHashMap<>();
        schemaless.put("a", new BigDecimal("1.5"));
        schemaless.put("b", 1L);
        assertEquals(RowJson.keyText(Row.ofStruct(key)), RowJson.keyText(Row.ofMap(schemaless)));
        assertEquals("{\"a\":1.5,\"b\":1}", RowJson.keyText(Row.ofMap(schemaless)));
        assertNotEquals(RowJson.keyText(Row.ofMap(Map.of("a", 1))), RowJson.keyText(Row.ofMap(Map.of("a", "1"))));
    }
}
