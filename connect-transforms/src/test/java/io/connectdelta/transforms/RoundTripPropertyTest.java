package io.connectdelta.transforms;

import com.fasterxml.jackson.databind.JsonNode;
import com.flipkart.zjsonpatch.JsonPatch;
import io.connectdelta.event.Row;
import io.connectdelta.event.ToastPlaceholder;
import io.connectdelta.event.Values;
import io.connectdelta.event.json.RowJson;
import io.connectdelta.testing.ChangeEvents;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.connectdelta.testing.ChangeEvents.ROW;
import static io.connectdelta.testing.ChangeEvents.TOASTABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Over random rows and random sequences of inserts, updates and deletes (Debezium-style: an update's before is the
 * previous after): ToFull(ToDelta(e)) gives back e, also when the events arrive as PostgreSQL sends them with
 * REPLICA IDENTITY DEFAULT (no before, unchanged TOASTed columns as placeholders); and applying ToDelta's JSON
 * Patch to the old row gives the new row.
 */
class RoundTripPropertyTest {
    private static final int SEQUENCES = 150;
    private static final ToastPlaceholder PLACEHOLDER = ToastPlaceholder.defaults();

    @ParameterizedTest(name = "{0}, with schema: {1}, row schema: {2}")
    @CsvSource({"fields, true, table", "fields, false, table", "fields, true, carried", "json-patch, true, table",
        "json-patch, false, table"})
    void toFullRestoresWhatToDeltaEncoded(String format, boolean withSchema, String rowSchema) {
        long baseSeed = System.nanoTime();
        for (int i = 0; i < SEQUENCES; i++) {
            long seed = baseSeed + i;
            try {
                runSequence(new Random(seed), format, withSchema, rowSchema);
            } catch (AssertionError | RuntimeException e) {
                fail("Sequence with seed " + seed + " (format " + format + ", schema " + withSchema + ", row schema "
                        + rowSchema + ") failed: " + e.getMessage(), e);
            }
        }
    }

    private static void runSequence(Random random, String format, boolean withSchema, String rowSchema) {
        ToDelta<SinkRecord> toDelta = new ToDelta<>();
        toDelta.configure(Map.of(ToDelta.FORMAT_CONFIG, format, ToDelta.ROW_SCHEMA_CONFIG, rowSchema));
        ToFull<SinkRecord> toFull = new ToFull<>();
        // From an empty store: the first event of every key is an insert, which carries what ToFull needs.
        toFull.configure(Map.of());
        Map<Integer, Struct> table = new HashMap<>();
        int steps = 5 + random.nextInt(16);
        for (long offset = 1; offset <= steps; offset++) {
            int id = 1 + random.nextInt(4);
            Struct previous = table.get(id);
            String op;
            Struct after;
            if (previous == null) {
                op = random.nextBoolean() ? "c" : "r";
                after = ChangeEvents.randomRow(random, id);
            } else if (random.nextInt(5) == 0) {
                op = "d";
                after = null;
            } else {
                op = "u";
                after = changed(random, previous);
            }
            Struct truth = ChangeEvents.envelope(op, "c".equals(op) || "r".equals(op) ? null : previous, after, offset);
            boolean asSentWithDefaultIdentity = random.nextBoolean();
            Struct sent = asSentWithDefaultIdentity ? degraded(random, truth, previous, withSchema) : truth;

            SinkRecord delta = toDelta.apply(record(sent, id, offset, withSchema));
            if (format.equals(ToDelta.FORMAT_JSON_PATCH) && after != null) {
                assertPatchTurns(previous, after, delta);
            }
            SinkRecord full = toFull.apply(delta);
            assertEquals("full", ChangeEvents.formatHeader(full), "format header at offset " + offset);
            Object expected = record(truth, id, offset, withSchema).value();
            if (withSchema) {
                assertEquals(expected, full.value(), "op " + op + " at offset " + offset);
            } else {
                assertTrue(Values.deepEquals(expected, full.value()),
                        "op " + op + " at offset " + offset + ": expected " + expected + " but was " + full.value());
            }
            if (after == null) {
                table.remove(id);
            } else {
                table.put(id, after);
            }
        }
        toDelta.close();
        toFull.close();
    }

    /** The row with a random non-empty set of columns (not the key) given new values or null. */
    private static Struct changed(Random random, Struct previous) {
        Struct next = ChangeEvents.copy(previous);
        List<Field> columns = ROW.fields().subList(1, ROW.fields().size());
        int changes = 1 + random.nextInt(3);
        for (int i = 0; i < changes; i++) {
            Field column = columns.get(random.nextInt(columns.size()));
            boolean toNull = column.schema().isOptional() && random.nextInt(4) == 0;
            next.put(column, toNull ? null : ChangeEvents.randomValue(random, column.name()));
        }
        return next;
    }

    /** The event as PostgreSQL sends it with REPLICA IDENTITY DEFAULT: no before; unchanged TOASTed columns hold the placeholder. */
    private static Struct degraded(Random random, Struct truth, Struct previous, boolean withSchema) {
        Struct sent = ChangeEvents.copy(truth).put("before", null);
        if ("u".equals(truth.getString("op"))) {
            Struct after = ChangeEvents.copy(truth.getStruct("after"));
            for (String column : TOASTABLE) {
                if (!withSchema && column.equals("data")) {
                    // Schemaless JSON turns the bytea placeholder into base64 text, which is not recognised.
                    continue;
                }
                Object old = previous.get(column);
                if (old != null && Values.deepEquals(old, after.get(column)) && random.nextBoolean()) {
                    after.put(column, ChangeEvents.placeholderFor(column, PLACEHOLDER));
                }
            }
            sent.put("after", after);
        }
        return sent;
    }

    /** Applying the event's patch to the old row (JSON) gives the new row. */
    private static void assertPatchTurns(Struct previous, Struct after, SinkRecord delta) {
        JsonNode patch = ToDeltaTest.patchOf(delta);
        JsonNode old = previous == null ? RowJson.mapper().createObjectNode() : json(previous);
        assertEquals(json(after), JsonPatch.apply(patch, old), "patch " + patch);
    }

    private static JsonNode json(Struct row) {
        // Written and read back, so that number node types compare alike.
        return RowJson.read(RowJson.write(RowJson.toJson(Row.ofStruct(row))));
    }

    /** The event as a record: with its schema, or as JsonConverter with schemas.enable=false gives it. */
    private static SinkRecord record(Struct envelope, int id, long offset, boolean withSchema) {
        if (withSchema) {
            return ChangeEvents.record(ChangeEvents.KEY, ChangeEvents.key(id), ChangeEvents.ENVELOPE, envelope, offset);
        }
        Map<String, Object> value = new java.util.LinkedHashMap<>(ChangeEvents.toMap(envelope));
        for (String row : List.of("before", "after")) {
            Struct struct = envelope.getStruct(row);
            value.put(row, struct == null ? null : RowJson.fromJson(null, json(struct)));
        }
        return ChangeEvents.record(null, new HashMap<>(Map.of("id", (long) id)), null, value, offset);
    }
}
