package io.connectdelta.transforms;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.event.Formats;
import io.connectdelta.event.ToastPlaceholder;
import io.connectdelta.event.json.RowJson;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.connectdelta.testing.ChangeEvents.ENVELOPE;
import static io.connectdelta.testing.ChangeEvents.ROW;
import static io.connectdelta.testing.ChangeEvents.TOASTABLE;
import static io.connectdelta.testing.ChangeEvents.copy;
import static io.connectdelta.testing.ChangeEvents.formatHeader;
import static io.connectdelta.testing.ChangeEvents.mapRecord;
import static io.connectdelta.testing.ChangeEvents.record;
import static io.connectdelta.testing.ChangeEvents.row;
import static io.connectdelta.testing.ChangeEvents.structRecord;
import static io.connectdelta.testing.ChangeEvents.withPlaceholders;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToDeltaTest {
    private static final ToastPlaceholder PLACEHOLDER = ToastPlaceholder.defaults();
    private static final List<String> ALL_FIELDS = ROW.fields().stream().map(Field::name).collect(Collectors.toList());

    private final ToDelta<SinkRecord> fields = transform(ToDelta.FORMAT_FIELDS);
    private final ToDelta<SinkRecord> patch = transform(ToDelta.FORMAT_JSON_PATCH);

    private static ToDelta<SinkRecord> transform(String format) {
        ToDelta<SinkRecord> transform = new ToDelta<>();
        transform.configure(Map.of(ToDelta.FORMAT_CONFIG, format));
        return transform;
    }

    @AfterEach
    void close() {
        fields.close();
        patch.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"c", "r"})
    void insertCarriesEveryField(String op) {
        SinkRecord out = fields.apply(structRecord(op, null, row(1), 1, 10));
        Struct value = (Struct) out.value();
        assertEquals("delta", formatHeader(out));
        assertEquals("server.public.items.Delta", out.valueSchema().name());
        assertEquals(2, out.valueSchema().version());
        assertEquals(List.of("after", "changed", "source", "transaction", "op", "ts_ms"),
                out.valueSchema().fields().stream().map(Field::name).toList());
        assertEquals(ALL_FIELDS, value.getArray("changed"));
        assertEquals(op, value.getString("op"));
        assertEquals(((Struct) structRecord(op, null, row(1), 1, 10).value()).getStruct("source"), value.getStruct("source"));
        Struct after = value.getStruct("after");
        for (String name : ALL_FIELDS) {
            assertTrue(after.schema().field(name).schema().isOptional(), name);
            if (row(1).get(name) instanceof byte[]) {
                assertArrayEquals((byte[]) row(1).get(name), after.getBytes(name));
            } else {
                assertEquals(row(1).get(name), after.get(name), name);
            }
        }
        assertEquals("true", after.schema().field("id").schema().parameters().get(Formats.REQUIRED_PARAMETER));
        assertEquals("true", after.schema().field("qty").schema().parameters().get(Formats.REQUIRED_PARAMETER));
        assertNull(after.schema().field("name").schema().parameters());
        assertEquals(io.connectdelta.testing.ChangeEvents.key(1), out.key());
    }

    @Test
    void updateWithBeforeCarriesKeyAndChangedFieldsOnly() {
        Struct before = row(1);
        Struct after = copy(before)
                .put("name", "renamed")
                .put("price", new BigDecimal("13.50"))       // same value as before: unchanged
                .put("data", new byte[]{1, 2, 1})             // same content: unchanged
                .put("tags", new ArrayList<>(List.of("a", "b1", "c")))
                .put("address", copy(before.getStruct("address")).put("zip", 7));
        Struct value = (Struct) fields.apply(structRecord("u", before, after, 1, 11)).value();
        assertEquals(List.of("name", "address", "tags"), value.getArray("changed"));
        Struct delta = value.getStruct("after");
        assertEquals(1, delta.get("id"));
        assertEquals("renamed", delta.get("name"));
        assertEquals(List.of("a", "b1", "c"), delta.get("tags"));
        assertEquals(7, delta.getStruct("address").get("zip"));
        assertNull(delta.get("doc"));
        assertNull(delta.get("price"));
        // A Struct reads a column's default for a null: the absent field is null underneath.
        assertNull(delta.getWithoutDefault("qty"));
    }

    @Test
    void updateToNullIsAChange() {
        Struct before = row(1);
        Struct after = copy(before).put("name", null);
        Struct value = (Struct) fields.apply(structRecord("u", before, after, 1, 11)).value();
        assertEquals(List.of("name"), value.getArray("changed"));
        assertNull(value.getStruct("after").get("name"));
    }

    @Test
    void updateWithoutBeforeCountsEveryFieldButPlaceholdersAsChanged() {
        Struct after = withPlaceholders(row(1), PLACEHOLDER, TOASTABLE);
        Struct value = (Struct) fields.apply(structRecord("u", null, after, 1, 12)).value();
        List<String> expected = new ArrayList<>(ALL_FIELDS);
        expected.removeAll(TOASTABLE);
        assertEquals(expected, value.getArray("changed"));
        for (String column : TOASTABLE) {
            assertNull(value.getStruct("after").get(column), column);
        }
    }

    @ParameterizedTest
    @FieldSource("io.connectdelta.testing.ChangeEvents#TOASTABLE")
    void eachPlaceholderEncodingCountsAsUnchanged(String column) {
        Struct before = row(1);
        Struct after = withPlaceholders(before, PLACEHOLDER, List.of(column)).put("name", "x");
        Struct withBefore = (Struct) fields.apply(structRecord("u", before, after, 1, 13)).value();
        assertEquals(List.of("name"), withBefore.getArray("changed"));
        Struct withoutBefore = (Struct) fields.apply(structRecord("u", null, after, 1, 13)).value();
        assertFalse(withoutBefore.getArray("changed").contains(column));
        Map<String, Object> schemaless = asMap(fields.apply(mapRecord("u", null, after, 1, 13)));
        assertFalse(((List<?>) schemaless.get("changed")).contains(column));
        assertFalse(((Map<?, ?>) schemaless.get("after")).containsKey(column));
        JsonNode operations = patchOf(patch.apply(structRecord("u", before, after, 1, 13)));
        assertEquals(1, operations.size());
        assertEquals("/name", operations.get(0).get("path").asText());
    }

    @Test
    void hexPlaceholderIsRecognisedInBytesColumns() {
        ToDelta<SinkRecord> hex = new ToDelta<>();
        hex.configure(Map.of(ToastPlaceholder.CONFIG, "hex:616263"));
        Struct after = row(1).put("data", new byte[]{0x61, 0x62, 0x63}).put("doc", "abc");
        Struct value = (Struct) hex.apply(structRecord("u", null, after, 1, 14)).value();
        assertFalse(value.getArray("changed").contains("data"));
        assertFalse(value.getArray("changed").contains("doc"));
        assertTrue(value.getArray("changed").contains("name"));
        hex.close();
    }

    @Test
    void deleteCarriesTheKeyOnly() {
        Struct value = (Struct) fields.apply(structRecord("d", row(3), null, 3, 15)).value();
        assertEquals(List.of(), value.getArray("changed"));
        assertEquals("d", value.get("op"));
        Struct after = value.getStruct("after");
        assertEquals(3, after.get("id"));
        for (String name : ALL_FIELDS.subList(1, ALL_FIELDS.size())) {
            assertNull(after.getWithoutDefault(name), name);
        }
        Map<String, Object> schemaless = asMap(fields.apply(mapRecord("d", row(3), null, 3, 15)));
        assertEquals(Map.of("id", 3), schemaless.get("after"));
        assertEquals(List.of(), schemaless.get("changed"));
    }

    @Test
    void truncateHasNoRowAndNeedsNoKey() {
        SinkRecord truncate = record(null, null, ENVELOPE, io.connectdelta.testing.ChangeEvents.envelope("t", null, null, 16), 16);
        SinkRecord out = fields.apply(truncate);
        assertNull(((Struct) out.value()).get("after"));
        assertEquals(List.of(), ((Struct) out.value()).getArray("changed"));
        assertEquals("delta", formatHeader(out));
        SinkRecord patched = patch.apply(truncate);
        assertNull(((Struct) patched.value()).get("patch"));
        assertNull(((Struct) patched.value()).get("key"));
    }

    @Test
    void schemalessTruncateAndTombstone() {
        Map<String, Object> truncate = io.connectdelta.testing.ChangeEvents.toMap(
                io.connectdelta.testing.ChangeEvents.envelope("t", null, null, 25));
        Map<String, Object> delta = asMap(fields.apply(record(null, null, null, truncate, 25)));
        assertNull(delta.get("after"));
        assertTrue(delta.containsKey("after"));
        assertEquals(List.of(), delta.get("changed"));
        assertEquals("t", delta.get("op"));
        Map<String, Object> jsonPatch = asMap(patch.apply(record(null, null, null, truncate, 25)));
        assertNull(jsonPatch.get("patch"));
        SinkRecord tombstone = record(null, Map.of("id", 1), null, null, 26);
        assertSame(tombstone, fields.apply(tombstone));
    }

    @Test
    void tombstonesAndDeltaEventsPassThroughUnchanged() {
        SinkRecord tombstone = record(io.connectdelta.testing.ChangeEvents.KEY, io.connectdelta.testing.ChangeEvents.key(1), null, null, 17);
        assertSame(tombstone, fields.apply(tombstone));
        assertSame(tombstone, patch.apply(tombstone));
        SinkRecord delta = fields.apply(structRecord("u", row(1), row(2).put("id", 1), 1, 18));
        assertSame(delta, fields.apply(delta));
        assertSame(delta, patch.apply(delta));
        SinkRecord jsonPatch = patch.apply(structRecord("u", row(1), row(2).put("id", 1), 1, 18));
        assertSame(jsonPatch, fields.apply(jsonPatch));
    }

    @Test
    void missingKeyNamesTheRecord() {
        SinkRecord keyless = record(null, null, ENVELOPE, io.connectdelta.testing.ChangeEvents.envelope("u", null, row(1), 19), 19);
        DataException e = assertThrows(DataException.class, () -> fields.apply(keyless));
        assertTrue(e.getMessage().startsWith("ToDelta requires a record key"), e.getMessage());
        assertTrue(e.getMessage().contains("topic 'server.public.items' partition 0 offset 19"), e.getMessage());
    }

    @Test
    void flattenedRowsAreRejectedWithTheRecordNamed() {
        SinkRecord flattened = record(io.connectdelta.testing.ChangeEvents.KEY, io.connectdelta.testing.ChangeEvents.key(1), ROW, row(1), 20);
        DataException e = assertThrows(DataException.class, () -> fields.apply(flattened));
        assertTrue(e.getMessage().contains("offset 20"), e.getMessage());
    }

    @Test
    void equalEnvelopeSchemasOfAnotherInstanceAreDerivedOnce() {
        // A converter that does not share its schema instances (a fresh JsonConverter per record, a cache that
        // evicted the schema) gives equal envelope schemas of other instances.
        SinkRecord first = decodedAfresh(structRecord("u", row(1), copy(row(1)).put("name", "a"), 1, 25));
        SinkRecord second = decodedAfresh(structRecord("u", row(2), copy(row(2)).put("name", "b"), 2, 26));
        assertNotSame(first.valueSchema(), second.valueSchema());
        for (ToDelta<SinkRecord> transform : List.of(fields, patch)) {
            ToFull<SinkRecord> toFull = new ToFull<>();
            toFull.configure(Map.of(ToFull.ON_MISSING_STATE_CONFIG, ToFull.MISSING_PASS));
            toFull.apply(decodedAfresh(structRecord("c", null, row(2), 2, 24)));
            SinkRecord a = transform.apply(first);
            SinkRecord b = transform.apply(second);
            assertSame(a.valueSchema(), b.valueSchema());
            assertEquals(((Struct) second.value()).get("source"), ((Struct) b.value()).get("source"));
            SinkRecord full = toFull.apply(b);
            assertEquals("full", formatHeader(full));
            assertEquals(((Struct) second.value()).get("source"), ((Struct) full.value()).get("source"));
            assertEquals("b", ((Struct) full.value()).getStruct("after").get("name"));
            toFull.close();
        }
    }

    /** The record's value written and read back by a JsonConverter of its own: equal schemas, new instances. */
    private static SinkRecord decodedAfresh(SinkRecord record) {
        org.apache.kafka.connect.json.JsonConverter converter = new org.apache.kafka.connect.json.JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), false);
        byte[] bytes = converter.fromConnectData(record.topic(), record.valueSchema(), record.value());
        org.apache.kafka.connect.data.SchemaAndValue value = converter.toConnectData(record.topic(), bytes);
        return record.newRecord(record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                value.schema(), value.value(), record.timestamp());
    }

    @Test
    void deltaSchemaIsCachedPerTable() {
        SinkRecord first = fields.apply(structRecord("u", row(1), copy(row(1)).put("name", "a"), 1, 21));
        SinkRecord second = fields.apply(structRecord("u", row(2), copy(row(2)).put("doc", "b"), 2, 22));
        assertSame(first.valueSchema(), second.valueSchema());
        SinkRecord third = patch.apply(structRecord("u", row(1), copy(row(1)).put("name", "a"), 1, 23));
        SinkRecord fourth = patch.apply(structRecord("d", row(5), null, 5, 24));
        assertSame(third.valueSchema(), fourth.valueSchema());
    }

    @Test
    void carriedRowSchemaHasTheKeyAndTheChangedFieldsOnly() {
        ToDelta<SinkRecord> carried = new ToDelta<>();
        carried.configure(Map.of(ToDelta.ROW_SCHEMA_CONFIG, ToDelta.ROW_SCHEMA_CARRIED));
        SinkRecord out = carried.apply(structRecord("u", row(1), copy(row(1)).put("name", "a").put("qty", 5L), 1, 21));
        Struct value = (Struct) out.value();
        Schema after = out.valueSchema().field("after").schema();
        assertEquals(List.of("id", "name", "qty"), after.fields().stream().map(Field::name).toList());
        assertEquals("true", after.parameters().get(Formats.CARRIED_PARAMETER));
        assertEquals("server.public.items.Value", after.name());
        // Required in the row: optional in the delta, with the parameter that restores it.
        assertTrue(after.field("qty").schema().isOptional());
        assertEquals("true", after.field("qty").schema().parameters().get(Formats.REQUIRED_PARAMETER));
        assertEquals(List.of("name", "qty"), value.getArray("changed"));
        assertEquals(5L, value.getStruct("after").get("qty"));
        assertEquals("a", value.getStruct("after").get("name"));
        assertEquals(List.of("after", "changed", "source", "transaction", "op", "ts_ms"),
                out.valueSchema().fields().stream().map(Field::name).toList());

        // One schema instance per combination of fields.
        SinkRecord sameFields = carried.apply(structRecord("u", row(2), copy(row(2)).put("name", "b").put("qty", 7L), 2, 22));
        assertSame(out.valueSchema(), sameFields.valueSchema());
        SinkRecord otherFields = carried.apply(structRecord("u", row(2), copy(row(2)).put("doc", "b"), 2, 23));
        assertEquals(List.of("id", "doc"),
                otherFields.valueSchema().field("after").schema().fields().stream().map(Field::name).toList());

        // A delete carries the key field; an insert carries every field and has the table's delta schema.
        SinkRecord delete = carried.apply(structRecord("d", row(3), null, 3, 24));
        assertEquals(List.of("id"),
                delete.valueSchema().field("after").schema().fields().stream().map(Field::name).toList());
        assertEquals(3, ((Struct) delete.value()).getStruct("after").get("id"));
        SinkRecord insert = carried.apply(structRecord("c", null, row(4), 4, 25));
        assertSame(fields.apply(structRecord("c", null, row(4), 4, 25)).valueSchema().field("after").schema().fields().size(),
                insert.valueSchema().field("after").schema().fields().size());
        assertNull(insert.valueSchema().field("after").schema().parameters());
        carried.close();
    }

    @Test
    void carriedRowSchemaReadsAsTheSameDelta() {
        ToDelta<SinkRecord> carried = new ToDelta<>();
        carried.configure(Map.of(ToDelta.ROW_SCHEMA_CONFIG, ToDelta.ROW_SCHEMA_CARRIED));
        SinkRecord full = structRecord("u", row(1), copy(row(1)).put("name", null).put("tags", List.of("z")), 1, 21);
        io.connectdelta.event.ChangeEventReader reader = new io.connectdelta.event.ChangeEventReader();
        io.connectdelta.event.ChangeEvent narrow = reader.read(carried.apply(full));
        io.connectdelta.event.ChangeEvent wide = reader.read(fields.apply(full));
        assertEquals(wide.changedFields(), narrow.changedFields());
        assertEquals(wide.after(), narrow.after());
        assertEquals(List.of("id", "name", "tags"), List.copyOf(narrow.after().fieldNames()));
        carried.close();
    }

    @Test
    void schemalessInsertAndUpdate() {
        Map<String, Object> insert = asMap(fields.apply(mapRecord("c", null, row(1), 1, 30)));
        assertEquals(List.of("after", "changed", "source", "transaction", "op", "ts_ms"), new ArrayList<>(insert.keySet()));
        assertEquals(ALL_FIELDS, insert.get("changed"));
        Struct after = copy(row(1)).put("name", null).put("price", new BigDecimal("99.99"));
        Map<String, Object> update = asMap(fields.apply(mapRecord("u", row(1), after, 1, 31)));
        assertEquals(List.of("name", "price"), update.get("changed"));
        Map<?, ?> delta = (Map<?, ?>) update.get("after");
        assertEquals(List.of("id", "name", "price"), new ArrayList<>(delta.keySet()));
        assertTrue(delta.containsKey("name"));
        assertNull(delta.get("name"));
        assertEquals("delta", formatHeader(fields.apply(mapRecord("u", row(1), after, 1, 31))));
    }

    @Test
    void jsonPatchInsertAddsEveryField() {
        SinkRecord out = patch.apply(structRecord("c", null, row(1), 1, 40));
        assertEquals("json-patch", formatHeader(out));
        Schema schema = out.valueSchema();
        assertEquals("server.public.items.JsonPatch", schema.name());
        assertEquals(List.of("key", "patch", "row_schema", "source", "transaction", "op", "ts_ms"),
                schema.fields().stream().map(Field::name).toList());
        assertTrue(schema.field("key").schema().isOptional());
        assertEquals(1, ((Struct) out.value()).getStruct("key").get("id"));
        // The row schema travels as the schema of a field whose value is null: the row itself is in the patch.
        assertEquals(ROW, schema.field("row_schema").schema());
        assertNull(((Struct) out.value()).get("row_schema"));
        JsonNode operations = patchOf(out);
        assertEquals(ALL_FIELDS.size(), operations.size());
        for (JsonNode operation : operations) {
            assertEquals("add", operation.get("op").asText());
        }
        JsonNode expected = RowJson.read(RowJson.write(RowJson.toJson(io.connectdelta.event.Row.ofStruct(row(1)))));
        assertEquals(expected, com.flipkart.zjsonpatch.JsonPatch.apply(operations, RowJson.mapper().createObjectNode()));
    }

    @Test
    void onlyJsonPatchInsertsCarryTheRowSchema() {
        Schema insert = patch.apply(structRecord("r", null, row(1), 1, 40)).valueSchema();
        Schema update = patch.apply(structRecord("u", row(1), copy(row(1)).put("name", "x"), 1, 41)).valueSchema();
        Schema delete = patch.apply(structRecord("d", row(1), null, 1, 42)).valueSchema();
        assertNotNull(insert.field("row_schema"), "a snapshot read is an insert");
        assertEquals(List.of("key", "patch", "source", "transaction", "op", "ts_ms"),
                update.fields().stream().map(Field::name).toList(), "updates do not grow");
        assertEquals(update, delete, "updates and deletes share the schema without row_schema");
        assertEquals(insert.name(), update.name());
        assertEquals(insert.version(), update.version());
        assertSame(insert, patch.apply(structRecord("c", null, row(2), 2, 43)).valueSchema(), "derived once");
        Map<String, Object> schemaless = asMap(patch.apply(mapRecord("c", null, row(1), 1, 44)));
        assertFalse(schemaless.containsKey("row_schema"), "schemaless events have no schema to carry");
    }

    @Test
    void jsonPatchOfAnArrayAppendIsOneAdd() {
        List<Integer> scores = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            scores.add(i);
        }
        Struct before = row(1).put("scores", scores);
        List<Integer> appended = new ArrayList<>(scores);
        appended.add(99);
        JsonNode operations = patchOf(patch.apply(structRecord("u", before, copy(before).put("scores", appended), 1, 41)));
        assertEquals(1, operations.size(), operations.toString());
        assertEquals("add", operations.get(0).get("op").asText());
        assertEquals("/scores/-", operations.get(0).get("path").asText(), "an append, as a sink applies it");
        assertEquals(99, operations.get(0).get("value").asInt());
    }

    @Test
    void jsonPatchReplacesAnArrayWhoseElementsChangeOtherwise() {
        List<Integer> scores = new ArrayList<>(List.of(1, 2, 3, 4));
        Struct before = row(1).put("scores", scores);
        List<Integer> edited = new ArrayList<>(List.of(1, 9, 4, 5, 6));
        JsonNode operations = patchOf(patch.apply(structRecord("u", before, copy(before).put("scores", edited), 1, 43)));
        assertEquals(1, operations.size(), operations.toString());
        assertEquals("replace", operations.get(0).get("op").asText());
        assertEquals("/scores", operations.get(0).get("path").asText());
        assertEquals(RowJson.mapper().valueToTree(edited), operations.get(0).get("value"));
    }

    @Test
    void sinkApplicablePatchesStillTurnTheOldRowIntoTheNewOne() {
        com.fasterxml.jackson.databind.ObjectMapper json = RowJson.mapper();
        String[][] cases = {
            {"{\"a\":[1,2],\"o\":{\"x\":1}}", "{\"a\":[1,2,3,4],\"o\":{\"x\":2,\"y\":[1]}}"},
            {"{\"a\":[1,2,3],\"b\":\"s\"}", "{\"a\":[3],\"b\":\"t\"}"},
            {"{\"a\":[[1],[2]]}", "{\"a\":[[1],[2,5]]}"},
            {"{\"o\":{\"list\":[1]}}", "{\"o\":{\"list\":[1,2]}}"},
            {"{\"a/b\":[1],\"c~d\":1}", "{\"a/b\":[1,2],\"c~d\":2}"},
        };
        for (String[] c : cases) {
            try {
                JsonNode before = json.readTree(c[0]);
                JsonNode after = json.readTree(c[1]);
                JsonNode patchOps = ToDelta.applicableBySinks(before,
                        com.flipkart.zjsonpatch.JsonDiff.asJson(before, after), after);
                assertEquals(after, com.flipkart.zjsonpatch.JsonPatch.apply(patchOps, before), patchOps.toString());
                for (JsonNode op : patchOps) {
                    String path = op.get("path").asText();
                    String[] parts = path.substring(1).split("/");
                    JsonNode field = before.get(parts[0].replace("~1", "/").replace("~0", "~"));
                    boolean intoArray = parts.length > 1 && field != null && field.isArray();
                    assertTrue(!intoArray || (parts.length == 2 && parts[1].equals("-")),
                            "only appends reach into arrays: " + patchOps);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void jsonPatchWithoutBeforeReplacesChangedFields() {
        Struct after = withPlaceholders(row(1), PLACEHOLDER, TOASTABLE);
        JsonNode operations = patchOf(patch.apply(structRecord("u", null, after, 1, 42)));
        List<String> paths = new ArrayList<>();
        for (JsonNode operation : operations) {
            assertEquals("replace", operation.get("op").asText());
            paths.add(operation.get("path").asText());
        }
        List<String> expected = new ArrayList<>(ALL_FIELDS);
        expected.removeAll(TOASTABLE);
        assertEquals(expected.stream().map(name -> "/" + name).toList(), paths);
        assertEquals("13.50", operations.get(expected.indexOf("price")).get("value").decimalValue().toPlainString());
    }

    @Test
    void jsonPatchDeleteHasNoPatchAndSchemalessCarriesTheKey() {
        SinkRecord out = patch.apply(structRecord("d", row(1), null, 1, 43));
        assertNull(((Struct) out.value()).get("patch"));
        Map<String, Object> schemaless = asMap(patch.apply(mapRecord("d", row(1), null, 1, 43)));
        assertEquals(List.of("key", "patch", "source", "transaction", "op", "ts_ms"), new ArrayList<>(schemaless.keySet()));
        assertEquals(Map.of("id", 1), schemaless.get("key"));
        assertNull(schemaless.get("patch"));
        Map<String, Object> update = asMap(patch.apply(mapRecord("u", row(1), copy(row(1)).put("name", "z"), 1, 44)));
        assertEquals("[{\"op\":\"replace\",\"path\":\"/name\",\"value\":\"z\"}]", update.get("patch"));
    }

    @Test
    void configIsValidated() {
        assertSame(ToDelta.CONFIG_DEF, fields.config());
        assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> new ToDelta<SinkRecord>().configure(Map.of(ToDelta.FORMAT_CONFIG, "xml")));
        assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> new ToDelta<SinkRecord>().configure(Map.of(ToastPlaceholder.CONFIG, "hex:zz")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(SinkRecord record) {
        return (Map<String, Object>) record.value();
    }

    static JsonNode patchOf(SinkRecord record) {
        Object value = record.value();
        Object text = value instanceof Struct ? ((Struct) value).get("patch") : ((Map<?, ?>) value).get("patch");
        return RowJson.read((String) text);
    }
}
