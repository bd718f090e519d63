package io.connectdelta.transforms;

import io.connectdelta.testing.ChangeEvents;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.connectdelta.testing.ChangeEvents.ENVELOPE;
import static io.connectdelta.testing.ChangeEvents.KEY;
import static io.connectdelta.testing.ChangeEvents.envelope;
import static io.connectdelta.testing.ChangeEvents.formatHeader;
import static io.connectdelta.testing.ChangeEvents.key;
import static io.connectdelta.testing.ChangeEvents.mapRecord;
import static io.connectdelta.testing.ChangeEvents.record;
import static io.connectdelta.testing.ChangeEvents.row;
import static io.connectdelta.testing.ChangeEvents.structRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToIdOnlyTest {
    private final ToIdOnly<SinkRecord> toIdOnly = new ToIdOnly<>();
    private final ToDelta<SinkRecord> toDelta = new ToDelta<>();
    private final ToDelta<SinkRecord> toPatch = new ToDelta<>();

    ToIdOnlyTest() {
        toIdOnly.configure(Map.of());
        toDelta.configure(Map.of());
        toPatch.configure(Map.of(ToDelta.FORMAT_CONFIG, ToDelta.FORMAT_JSON_PATCH));
    }

    @AfterEach
    void close() {
        toIdOnly.close();
        toDelta.close();
        toPatch.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"c", "r", "u", "d"})
    void fullEventsKeepKeyOpSourceAndTransaction(String op) {
        SinkRecord full = structRecord(op, op.equals("d") ? row(1) : null, op.equals("d") ? null : row(1), 1, 5);
        SinkRecord out = toIdOnly.apply(full);
        assertEquals("id-only", formatHeader(out));
        Schema schema = out.valueSchema();
        assertEquals("server.public.items.IdOnly", schema.name());
        assertEquals(List.of("key", "source", "transaction", "op", "ts_ms"), schema.fields().stream().map(Field::name).toList());
        Struct value = (Struct) out.value();
        assertEquals(1, value.getStruct("key").get("id"));
        assertTrue(schema.field("key").schema().isOptional());
        assertEquals(op, value.get("op"));
        Struct original = (Struct) full.value();
        assertEquals(original.get("source"), value.get("source"));
        assertEquals(original.get("transaction"), value.get("transaction"));
        assertEquals(original.get("ts_ms"), value.get("ts_ms"));
        assertEquals(full.key(), out.key());
    }

    @ParameterizedTest
    @ValueSource(strings = {"c", "u", "d"})
    void schemalessEventsOfEveryShape(String op) {
        SinkRecord full = mapRecord(op, null, op.equals("d") ? null : row(2), 2, 6);
        for (SinkRecord input : List.of(full, toDelta.apply(full), toPatch.apply(full))) {
            Map<?, ?> value = (Map<?, ?>) toIdOnly.apply(input).value();
            assertEquals(List.of("key", "source", "transaction", "op", "ts_ms"), new ArrayList<>(value.keySet()));
            assertEquals(Map.of("id", 2), value.get("key"));
            assertEquals(op, value.get("op"));
        }
    }

    @Test
    void deltaAndJsonPatchEventsBecomeIdOnly() {
        SinkRecord full = structRecord("u", row(1), ChangeEvents.copy(row(1)).put("name", "x"), 1, 7);
        SinkRecord expected = toIdOnly.apply(full);
        for (SinkRecord input : List.of(toDelta.apply(full), toPatch.apply(full))) {
            SinkRecord out = toIdOnly.apply(input);
            assertEquals(expected.valueSchema(), out.valueSchema());
            assertEquals(expected.value(), out.value());
            assertEquals("id-only", formatHeader(out));
        }
        // A JSON Patch insert's row schema is not metadata: the id-only event does not carry it.
        SinkRecord insert = structRecord("c", null, row(1), 1, 8);
        assertEquals(toIdOnly.apply(insert).valueSchema(), toIdOnly.apply(toPatch.apply(insert)).valueSchema());
    }

    @Test
    void jsonPatchWithoutRecordKeyUsesItsCarriedKey() {
        SinkRecord patch = toPatch.apply(structRecord("u", row(1), ChangeEvents.copy(row(1)).put("name", "x"), 1, 8));
        SinkRecord keyless = record(null, null, patch.valueSchema(), patch.value(), 8);
        Struct value = (Struct) toIdOnly.apply(keyless).value();
        assertEquals(1, value.getStruct("key").get("id"));
    }

    @Test
    void truncateAndTombstoneAndIdOnly() {
        SinkRecord truncate = toIdOnly.apply(record(null, null, ENVELOPE, envelope("t", null, null, 9), 9));
        assertNull(((Struct) truncate.value()).get("key"));
        assertEquals("t", ((Struct) truncate.value()).get("op"));
        SinkRecord tombstone = record(KEY, key(1), null, null, 10);
        assertSame(tombstone, toIdOnly.apply(tombstone));
        SinkRecord idOnly = toIdOnly.apply(structRecord("c", null, row(1), 1, 11));
        assertSame(idOnly, toIdOnly.apply(idOnly));
        assertSame(toIdOnly.apply(structRecord("c", null, row(2), 2, 12)).valueSchema(), idOnly.valueSchema());
    }

    @Test
    void flattenedRowsTakeTheirOpFromTheMetadataFields() {
        Schema flatSchema = SchemaBuilder.struct().name("server.public.items.Value")
                .field("id", Schema.INT32_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA)
                .field("__op", Schema.OPTIONAL_STRING_SCHEMA).field("__deleted", Schema.OPTIONAL_STRING_SCHEMA).build();
        Struct flat = new Struct(flatSchema).put("id", 3).put("name", "x").put("__op", "u").put("__deleted", "false");
        SinkRecord out = toIdOnly.apply(record(KEY, key(3), flatSchema, flat, 13));
        assertEquals("server.public.items.IdOnly", out.valueSchema().name());
        assertEquals(List.of("key", "op"), out.valueSchema().fields().stream().map(Field::name).toList());
        assertEquals("u", ((Struct) out.value()).get("op"));
        assertEquals(3, ((Struct) out.value()).getStruct("key").get("id"));

        Map<String, Object> deleted = new LinkedHashMap<>(Map.of("id", 3, "name", "x", "__deleted", "true"));
        Map<?, ?> value = (Map<?, ?>) toIdOnly.apply(record(null, Map.of("id", 3), null, deleted, 14)).value();
        assertEquals(Map.of("key", Map.of("id", 3), "op", "d"), value);
    }

    @Test
    void badInputNamesTheRecord() {
        SinkRecord keyless = record(null, null, ENVELOPE, envelope("u", null, row(1), 15), 15);
        DataException e = assertThrows(DataException.class, () -> toIdOnly.apply(keyless));
        assertTrue(e.getMessage().startsWith("ToIdOnly requires a record key"), e.getMessage());
        assertTrue(e.getMessage().contains("offset 15"), e.getMessage());
        SinkRecord unknownOp = record(KEY, key(1), ENVELOPE, envelope("x", null, row(1), 16), 16);
        e = assertThrows(DataException.class, () -> toIdOnly.apply(unknownOp));
        assertTrue(e.getMessage().contains("Unknown op 'x'") && e.getMessage().contains("offset 16"), e.getMessage());
        assertSame(ToIdOnly.CONFIG_DEF, toIdOnly.config());
    }
}
