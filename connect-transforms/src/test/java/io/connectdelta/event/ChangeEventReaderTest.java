package io.connectdelta.event;

import io.connectdelta.testing.ChangeEvents;
import io.connectdelta.transforms.ToDelta;
import io.connectdelta.transforms.ToIdOnly;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.connectdelta.testing.ChangeEvents.ENVELOPE;
import static io.connectdelta.testing.ChangeEvents.KEY;
import static io.connectdelta.testing.ChangeEvents.copy;
import static io.connectdelta.testing.ChangeEvents.envelope;
import static io.connectdelta.testing.ChangeEvents.key;
import static io.connectdelta.testing.ChangeEvents.mapRecord;
import static io.connectdelta.testing.ChangeEvents.record;
import static io.connectdelta.testing.ChangeEvents.row;
import static io.connectdelta.testing.ChangeEvents.structRecord;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChangeEventReaderTest {
    private final ChangeEventReader reader = new ChangeEventReader();

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void eachShapeIsDetectedWithAndWithoutHeader(boolean withSchema) {
        SinkRecord full = withSchema ? structRecord("u", row(1), copy(row(1)).put("name", "x"), 1, 1)
                : mapRecord("u", row(1), copy(row(1)).put("name", "x"), 1, 1);
        SinkRecord delta = transform(new ToDelta<>(), Map.of(), full);
        SinkRecord patch = transform(new ToDelta<>(), Map.of(ToDelta.FORMAT_CONFIG, "json-patch"), full);
        SinkRecord idOnly = transform(new ToIdOnly<>(), Map.of(), full);
        Map<SinkRecord, Shape> expected = Map.of(full, Shape.FULL, delta, Shape.DELTA, patch, Shape.JSON_PATCH,
                idOnly, Shape.ID_ONLY);
        for (Map.Entry<SinkRecord, Shape> entry : expected.entrySet()) {
            SinkRecord withHeader = entry.getKey();
            SinkRecord withoutHeader = withHeader.newRecord(withHeader.topic(), withHeader.kafkaPartition(),
                    withHeader.keySchema(), withHeader.key(), withHeader.valueSchema(), withHeader.value(),
                    withHeader.timestamp(), new org.apache.kafka.connect.header.ConnectHeaders());
            for (SinkRecord record : List.of(withHeader, withoutHeader)) {
                ChangeEvent event = reader.read(record);
                assertEquals(entry.getValue(), event.shape(), record.toString());
                assertEquals(Op.UPDATE, event.op());
                assertEquals(1, ((Number) event.key().get("id")).intValue());
                // An id-only event says which row changed, not how.
                assertEquals(entry.getValue() == Shape.ID_ONLY ? List.of() : List.of("name"), event.changedFields(),
                        entry.getValue().toString());
                assertEquals(withSchema, event.hasSchema());
            }
        }
        SinkRecord tombstone = record(KEY, key(1), null, null, 2);
        assertEquals(Shape.TOMBSTONE, reader.read(tombstone).shape());
        assertTrue(reader.read(tombstone).isTombstone());
    }

    @Test
    void envelopeFieldsAreRead() {
        ChangeEvent event = reader.read(structRecord("c", null, row(1), 1, 7));
        assertEquals(Op.CREATE, event.op());
        assertNull(event.before());
        assertEquals(Row.ofStruct(row(1)), event.after());
        assertEquals("public.items", event.position().qualifiedTable());
        assertEquals(7L, event.position().lsn());
        assertEquals("707", event.position().txId());
        assertEquals("7", event.transaction().xid());
        assertEquals(1_700_000_000_107L, event.tsMs());
        assertEquals(ChangeEvents.ROW.fields().size(), event.changedFields().size());
    }

    @Test
    void deltaRowsTellAbsentFromNull() {
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("id", 1);
        after.put("name", null);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("after", after);
        value.put("changed", List.of("name"));
        value.put("op", "u");
        ChangeEvent event = reader.read(record(null, Map.of("id", 1), null, value, 3));
        assertEquals(Shape.DELTA, event.shape());
        assertTrue(event.after().has("name"));
        assertNull(event.after().get("name"));
        assertFalse(event.after().has("doc"));

        SinkRecord structDelta = transform(new ToDelta<>(), Map.of(),
                structRecord("u", row(1), copy(row(1)).put("name", null), 1, 4));
        Row row = reader.read(structDelta).after();
        assertEquals(Set.of("id", "name"), row.fieldNames());
        assertTrue(row.has("name"));
        assertNull(row.get("name"));
        assertFalse(row.has("doc"));
    }

    @Test
    void updateWithoutBeforeChangesEveryFieldButPlaceholders() {
        Struct after = ChangeEvents.withPlaceholders(row(1), ToastPlaceholder.defaults(), List.of("doc", "tags"));
        ChangeEvent event = reader.read(structRecord("u", null, after, 1, 5));
        assertEquals(Set.of("doc", "tags"), event.unavailableFields());
        assertFalse(event.changedFields().contains("doc"));
        assertTrue(event.changedFields().contains("name"));
        assertEquals(ChangeEvents.ROW.fields().size() - 2, event.changedFields().size());
    }

    @Test
    void flattenedRowsTakeTheirOpFromMetadata() {
        Map<String, Object> value = new LinkedHashMap<>(Map.of("id", 1, "name", "x", "__op", "c", "__table", "items"));
        ChangeEvent created = reader.read(record(null, Map.of("id", 1), null, value, 6));
        assertEquals(Shape.FULL, created.shape());
        assertEquals(Op.CREATE, created.op());
        assertEquals(Set.of("id", "name"), created.after().fieldNames());
        assertEquals("items", created.position().table());
        ChangeEvent deleted = reader.read(record(null, Map.of("id", 1), null, Map.of("id", 1, "__deleted", "true"), 7));
        assertEquals(Op.DELETE, deleted.op());
        assertEquals(Op.UPDATE, reader.read(record(null, Map.of("id", 1), null, Map.of("id", 1), 8)).op());
    }

    @Test
    void jsonPatchChangedFieldsAreTheTopLevelPaths() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("key", Map.of("id", 1));
        value.put("patch", "[{\"op\":\"add\",\"path\":\"/tags/3\",\"value\":\"x\"},"
                + "{\"op\":\"replace\",\"path\":\"/a~1b\",\"value\":1},{\"op\":\"remove\",\"path\":\"/tags/0\"}]");
        value.put("op", "u");
        ChangeEvent event = reader.read(record(null, null, null, value, 9));
        assertEquals(Shape.JSON_PATCH, event.shape());
        assertEquals(List.of("tags", "a/b"), event.changedFields());
        assertEquals(Map.of("id", 1), event.key().values());
    }

    @Test
    void unknownOpNamesTheRecord() {
        assertNamesRecord(() -> reader.read(record(KEY, key(1), ENVELOPE, envelope("x", null, row(1), 10), 10)),
                "Unknown op 'x'", 10);
        Map<String, Object> flattened = Map.of("id", 1, "__op", "z");
        assertNamesRecord(() -> reader.read(record(null, null, null, flattened, 11)), "Unknown op 'z'", 11);
    }

    @Test
    void nonStructValueNamesTheRecord() {
        assertNamesRecord(() -> reader.read(record(null, null, Schema.STRING_SCHEMA, "text", 12)),
                "Expected a change event", 12);
    }

    @Test
    void badHeaderNamesTheRecord() {
        SinkRecord record = structRecord("u", null, row(1), 1, 13);
        record.headers().addString(Formats.FORMAT_HEADER, "xml");
        assertNamesRecord(() -> reader.read(record), "Unknown connectdelta.format header 'xml'", 13);
        SinkRecord tombstoneHeader = structRecord("u", null, row(1), 1, 14);
        tombstoneHeader.headers().addString(Formats.FORMAT_HEADER, "tombstone");
        assertNamesRecord(() -> reader.read(tombstoneHeader), "Unknown connectdelta.format header", 14);
    }

    @Test
    void malformedEventsNameTheRecord() {
        assertNamesRecord(() -> reader.read(record(KEY, key(1), ENVELOPE, envelope("c", null, null, 15), 15)),
                "has no 'after' row", 15);
        Map<String, Object> delta = new LinkedHashMap<>(Map.of("after", Map.of("id", 1), "changed", List.of("name"), "op", "u"));
        assertNamesRecord(() -> reader.read(record(null, null, null, delta, 16)), "names changed field 'name'", 16);
        Map<String, Object> notJson = new LinkedHashMap<>(Map.of("key", Map.of("id", 1), "patch", "{not json", "op", "u"));
        assertNamesRecord(() -> reader.read(record(null, null, null, notJson, 17)), "not JSON", 17);
        Map<String, Object> notArray = new LinkedHashMap<>(Map.of("key", Map.of("id", 1), "patch", "{}", "op", "u"));
        assertNamesRecord(() -> reader.read(record(null, null, null, notArray, 18)), "RFC 6902 array", 18);
        Schema deltaSchema = SchemaBuilder.struct().field("after", SchemaBuilder.struct().optional().build())
                .field("changed", Schema.STRING_SCHEMA).field("op", Schema.STRING_SCHEMA).build();
        SinkRecord badChanged = record(null, null, deltaSchema, new Struct(deltaSchema).put("changed", "name").put("op", "u"), 19);
        badChanged.headers().addString(Formats.FORMAT_HEADER, "delta");
        assertNamesRecord(() -> reader.read(badChanged), "list of changed field names", 19);
    }

    private static void assertNamesRecord(org.junit.jupiter.api.function.Executable read, String message, long offset) {
        DataException e = assertThrows(DataException.class, read);
        assertTrue(e.getMessage().contains(message), e.getMessage());
        assertTrue(e.getMessage().contains("topic 'server.public.items' partition 0 offset " + offset), e.getMessage());
    }

    private static SinkRecord transform(org.apache.kafka.connect.transforms.Transformation<SinkRecord> transform,
                                        Map<String, ?> config, SinkRecord record) {
        transform.configure(config);
        SinkRecord out = transform.apply(record);
        transform.close();
        return out;
    }
}
