package io.connectdelta.transforms;

import io.connectdelta.event.ToastPlaceholder;
import io.connectdelta.event.Values;
import io.connectdelta.testing.ChangeEvents;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.connectdelta.testing.ChangeEvents.ENVELOPE;
import static io.connectdelta.testing.ChangeEvents.KEY;
import static io.connectdelta.testing.ChangeEvents.TOASTABLE;
import static io.connectdelta.testing.ChangeEvents.copy;
import static io.connectdelta.testing.ChangeEvents.envelope;
import static io.connectdelta.testing.ChangeEvents.formatHeader;
import static io.connectdelta.testing.ChangeEvents.key;
import static io.connectdelta.testing.ChangeEvents.mapRecord;
import static io.connectdelta.testing.ChangeEvents.record;
import static io.connectdelta.testing.ChangeEvents.row;
import static io.connectdelta.testing.ChangeEvents.structRecord;
import static io.connectdelta.testing.ChangeEvents.withPlaceholders;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToFullTest {
    private static final ToastPlaceholder PLACEHOLDER = ToastPlaceholder.defaults();

    private final List<ToFull<SinkRecord>> opened = new ArrayList<>();
    private final ToDelta<SinkRecord> toDelta = new ToDelta<>();
    private final ToDelta<SinkRecord> toPatch = new ToDelta<>();

    @BeforeAll
    static void tmpDir() throws java.io.IOException {
        // RocksDB unpacks its native library into java.io.tmpdir (target/tmp in this build).
        java.nio.file.Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
    }

    ToFullTest() {
        toDelta.configure(Map.of());
        toPatch.configure(Map.of(ToDelta.FORMAT_CONFIG, ToDelta.FORMAT_JSON_PATCH));
    }

    private ToFull<SinkRecord> toFull(Map<String, String> config) {
        ToFull<SinkRecord> transform = new ToFull<>();
        transform.configure(config);
        opened.add(transform);
        return transform;
    }

    @AfterEach
    void close() {
        opened.forEach(ToFull::close);
        toDelta.close();
        toPatch.close();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void fullEventsWithoutPlaceholdersAreStoredAndPassedThrough(boolean withSchema) {
        ToFull<SinkRecord> toFull = toFull(Map.of());
        SinkRecord insert = event(withSchema, "c", null, row(1), 1, 1);
        SinkRecord out = toFull.apply(insert);
        assertEquals("full", formatHeader(out));
        assertSame(insert.value(), out.value());
        Struct renamed = copy(row(1)).put("name", "renamed");
        SinkRecord restored = toFull.apply(withSchema ? toDelta.apply(event(true, "u", null, renamed, 1, 2))
                : toDelta.apply(event(false, "u", null, renamed, 1, 2)));
        assertEquals("full", formatHeader(restored));
        assertSameEvent(event(withSchema, "u", row(1), renamed, 1, 2), restored);
    }

    @ParameterizedTest
    @FieldSource("io.connectdelta.testing.ChangeEvents#TOASTABLE")
    void placeholdersInFullEventsAreFilledFromTheStore(String column) {
        for (boolean withSchema : List.of(true, false)) {
            ToFull<SinkRecord> toFull = toFull(Map.of());
            toFull.apply(event(withSchema, "r", null, row(1), 1, 1));
            Struct updated = copy(row(1)).put("name", "new");
            SinkRecord sent = event(withSchema, "u", null, withPlaceholders(updated, PLACEHOLDER, List.of(column)), 1, 2);
            SinkRecord out = toFull.apply(sent);
            assertSameEvent(event(withSchema, "u", row(1), updated, 1, 2), out);
            // The filled row is the new state: a later delta builds on it.
            Struct later = copy(updated).put("qty", 99L);
            assertSameEvent(event(withSchema, "u", updated, later, 1, 3),
                    toFull.apply(toDelta.apply(event(withSchema, "u", updated, later, 1, 3))));
        }
    }

    @Test
    void everyPlaceholderAtOnce() {
        ToFull<SinkRecord> toFull = toFull(Map.of());
        toFull.apply(event(true, "c", null, row(1), 1, 1));
        SinkRecord out = toFull.apply(event(true, "u", null, withPlaceholders(row(1), PLACEHOLDER, TOASTABLE), 1, 2));
        assertSameEvent(event(true, "u", row(1), row(1), 1, 2), out);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void jsonPatchEventsAreRestored(boolean withSchema) {
        ToFull<SinkRecord> toFull = toFull(Map.of());
        toFull.apply(event(withSchema, "c", null, row(1), 1, 1));
        Struct updated = copy(row(1)).put("tags", List.of("a", "b1", "c")).put("doc", null);
        SinkRecord out = toFull.apply(toPatch.apply(event(withSchema, "u", row(1), updated, 1, 2)));
        if (withSchema) {
            assertSameEvent(event(true, "u", row(1), updated, 1, 2), out);
        } else {
            Map<?, ?> after = (Map<?, ?>) ((Map<?, ?>) out.value()).get("after");
            assertEquals(List.of("a", "b1", "c"), after.get("tags"));
            assertTrue(after.containsKey("doc"));
            assertNull(after.get("doc"));
            assertEquals("name 1", after.get("name"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"fields", "json-patch"})
    void deletesEvictAndCarryTheStoredRowAsBefore(String format) {
        ToDelta<SinkRecord> encode = format.equals("fields") ? toDelta : toPatch;
        ToFull<SinkRecord> toFull = toFull(Map.of());
        toFull.apply(event(true, "c", null, row(1), 1, 1));
        SinkRecord out = toFull.apply(encode.apply(event(true, "d", null, null, 1, 2)));
        assertSameEvent(event(true, "d", row(1), null, 1, 2), out);
        DataException e = assertThrows(DataException.class, () -> toFull.apply(rename(1, "x", 3)));
        assertTrue(e.getMessage().contains("offset 3"), e.getMessage());
    }

    @Test
    void deleteWithoutStoredRowHasNoBefore() {
        ToFull<SinkRecord> toFull = toFull(Map.of());
        SinkRecord out = toFull.apply(toDelta.apply(event(true, "d", null, null, 4, 2)));
        assertSameEvent(event(true, "d", null, null, 4, 2), out);
    }

    @Test
    void tombstonesEvictAndPassThrough() {
        ToFull<SinkRecord> toFull = toFull(Map.of());
        toFull.apply(event(true, "c", null, row(1), 1, 1));
        SinkRecord tombstone = record(KEY, key(1), null, null, 2);
        assertSame(tombstone, toFull.apply(tombstone));
        assertThrows(DataException.class, () -> toFull.apply(rename(1, "x", 3)));
    }

    @Test
    void truncatesForgetTheTopic() {
        ToFull<SinkRecord> toFull = toFull(Map.of());
        toFull.apply(event(true, "c", null, row(1), 1, 1));
        toFull.apply(event(true, "c", null, row(2), 2, 2));
        SinkRecord truncate = toFull.apply(toDelta.apply(record(null, null, ENVELOPE, envelope("t", null, null, 3), 3)));
        assertEquals(envelope("t", null, null, 3), truncate.value());
        assertEquals("full", formatHeader(truncate));
        for (int id : List.of(1, 2)) {
            assertThrows(DataException.class, () -> toFull.apply(rename(id, "x", 4)));
        }
    }

    @Test
    void schemalessTruncatesAndTombstones() {
        ToFull<SinkRecord> toFull = toFull(Map.of());
        toFull.apply(event(false, "c", null, row(1), 1, 1));
        toFull.apply(event(false, "c", null, row(2), 2, 2));
        SinkRecord tombstone = record(null, Map.of("id", 2), null, null, 3);
        assertSame(tombstone, toFull.apply(tombstone));
        assertThrows(DataException.class, () -> toFull.apply(
                toDelta.apply(event(false, "u", row(2), copy(row(2)).put("name", "x"), 2, 4))));
        Map<String, Object> truncate = ChangeEvents.toMap(envelope("t", null, null, 5));
        Map<?, ?> out = (Map<?, ?>) toFull.apply(toDelta.apply(record(null, null, null, truncate, 5))).value();
        assertTrue(Values.deepEquals(truncate, out), String.valueOf(out));
        assertThrows(DataException.class, () -> toFull.apply(
                toDelta.apply(event(false, "u", row(1), copy(row(1)).put("name", "x"), 1, 6))));
    }

    @Test
    void deltasOfCarriedFieldsTakeTheFullSchemaFromTheStore() {
        ToDelta<SinkRecord> carried = new ToDelta<>();
        carried.configure(Map.of(ToDelta.ROW_SCHEMA_CONFIG, ToDelta.ROW_SCHEMA_CARRIED));
        ToFull<SinkRecord> toFull = toFull(Map.of());
        assertSameEvent(event(true, "c", null, row(1), 1, 1), toFull.apply(carried.apply(event(true, "c", null, row(1), 1, 1))));
        Struct renamed = copy(row(1)).put("name", "x").put("qty", 9L);
        assertSameEvent(event(true, "u", row(1), renamed, 1, 2),
                toFull.apply(carried.apply(event(true, "u", row(1), renamed, 1, 2))));
        assertSameEvent(event(true, "d", renamed, null, 1, 3), toFull.apply(carried.apply(event(true, "d", renamed, null, 1, 3))));

        // An update of a key whose row is not stored cannot be completed: fail, naming the record.
        SinkRecord unknown = carried.apply(event(true, "u", row(2), copy(row(2)).put("name", "y"), 2, 4));
        DataException e = assertThrows(DataException.class, () -> toFull.apply(unknown));
        assertTrue(e.getMessage().contains("offset 4"), e.getMessage());
        carried.close();
    }

    @Test
    void deltasOfCarriedFieldsAddColumnsTheStoredRowLacks() {
        ToDelta<SinkRecord> carried = new ToDelta<>();
        carried.configure(Map.of(ToDelta.ROW_SCHEMA_CONFIG, ToDelta.ROW_SCHEMA_CARRIED));
        ToFull<SinkRecord> toFull = toFull(Map.of());
        toFull.apply(event(true, "c", null, row(1), 1, 1));
        // The table gained a column: the next update carries it.
        org.apache.kafka.connect.data.SchemaBuilder widerRow = org.apache.kafka.connect.data.SchemaBuilder.struct()
                .name(ChangeEvents.ROW.name()).optional();
        ChangeEvents.ROW.fields().forEach(f -> widerRow.field(f.name(), f.schema()));
        org.apache.kafka.connect.data.Schema wider = widerRow.field("color", org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA).build();
        Struct before = new Struct(wider);
        ChangeEvents.ROW.fields().forEach(f -> before.put(f.name(), row(1).get(f)));
        before.put("color", "red");
        Struct after = new Struct(wider);
        ChangeEvents.ROW.fields().forEach(f -> after.put(f.name(), row(1).get(f)));
        after.put("color", "blue");
        org.apache.kafka.connect.data.Schema envelope = org.apache.kafka.connect.data.SchemaBuilder.struct()
                .name(ENVELOPE.name()).version(ENVELOPE.version())
                .field("before", wider).field("after", wider).field("source", ChangeEvents.SOURCE)
                .field("transaction", ChangeEvents.TRANSACTION).field("op", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
                .field("ts_ms", org.apache.kafka.connect.data.Schema.OPTIONAL_INT64_SCHEMA).build();
        Struct value = new Struct(envelope).put("before", before).put("after", after)
                .put("source", ChangeEvents.source(2)).put("op", "u").put("ts_ms", 2L);
        SinkRecord update = record(KEY, key(1), envelope, value, 2);
        SinkRecord full = toFull.apply(carried.apply(update));
        Struct restored = ((Struct) full.value()).getStruct("after");
        assertEquals("blue", restored.get("color"));
        assertEquals(wider, restored.schema());
        assertEquals(row(1).get("name"), restored.get("name"));
        carried.close();
    }

    @Test
    void insertDeltasNeedNoState() {
        ToFull<SinkRecord> toFull = toFull(Map.of());
        assertSameEvent(event(true, "c", null, row(7), 7, 1), toFull.apply(toDelta.apply(event(true, "c", null, row(7), 7, 1))));
        assertSameEvent(event(false, "r", null, row(8), 8, 2), toFull.apply(toDelta.apply(event(false, "r", null, row(8), 8, 2))));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void missingStateFailsNamingTheRecord(boolean withSchema) {
        ToFull<SinkRecord> toFull = toFull(Map.of());
        SinkRecord delta = toDelta.apply(event(withSchema, "u", row(1), copy(row(1)).put("name", "x"), 1, 42));
        DataException e = assertThrows(DataException.class, () -> toFull.apply(delta));
        assertTrue(e.getMessage().contains("topic 'server.public.items' partition 0 offset 42"), e.getMessage());
        SinkRecord toasted = event(withSchema, "u", null, withPlaceholders(row(1), PLACEHOLDER, List.of("doc")), 1, 43);
        assertThrows(DataException.class, () -> toFull.apply(toasted));
    }

    @Test
    void missingStatePassesTheEventUnchanged() {
        ToFull<SinkRecord> toFull = toFull(Map.of(ToFull.ON_MISSING_STATE_CONFIG, "pass"));
        SinkRecord delta = rename(1, "x", 42);
        SinkRecord out = toFull.apply(delta);
        assertSame(delta, out);
        assertEquals("delta", formatHeader(out));
        SinkRecord idOnly = idOnly(event(true, "u", null, row(1), 1, 43));
        assertSame(idOnly, toFull.apply(idOnly));
        SinkRecord toasted = event(false, "u", null, withPlaceholders(row(1), PLACEHOLDER, List.of("doc")), 1, 44);
        assertSame(toasted, toFull.apply(toasted));
    }

    @Test
    void idOnlyEventsCannotBeRestoredFromTheStore() {
        ToFull<SinkRecord> toFull = toFull(Map.of());
        toFull.apply(event(true, "c", null, row(1), 1, 1));
        SinkRecord idOnly = idOnly(event(true, "u", null, row(1), 1, 2));
        DataException e = assertThrows(DataException.class, () -> toFull.apply(idOnly));
        assertTrue(e.getMessage().contains("id-only"), e.getMessage());
    }

    @Test
    void jsonPatchInsertsCarryTheRowSchemaAndNeedNoState() {
        ToFull<SinkRecord> toFull = toFull(Map.of());
        assertSameEvent(event(true, "c", null, row(1), 1, 1), toFull.apply(toPatch.apply(event(true, "c", null, row(1), 1, 1))));
        assertSameEvent(event(true, "r", null, row(2), 2, 2), toFull.apply(toPatch.apply(event(true, "r", null, row(2), 2, 2))));
        // The insert's row is stored: the key's updates, which carry no row schema, are restored from it.
        Struct renamed = copy(row(1)).put("name", "renamed");
        assertSameEvent(event(true, "u", row(1), renamed, 1, 3), toFull.apply(toPatch.apply(event(true, "u", row(1), renamed, 1, 3))));
        // Schemaless patches need no schema.
        SinkRecord schemaless = toPatch.apply(event(false, "c", null, row(3), 3, 4));
        assertEquals("full", formatHeader(toFull.apply(schemaless)));
    }

    @Test
    void jsonPatchWithoutRowSchemaOfAnUnknownTableNeedsOne() {
        ToFull<SinkRecord> toFull = toFull(Map.of());
        SinkRecord update = toPatch.apply(event(true, "u", row(1), copy(row(1)).put("name", "x"), 1, 1));
        DataException e = assertThrows(DataException.class, () -> toFull.apply(update));
        assertTrue(e.getMessage().contains("row schema") && e.getMessage().contains("offset 1"), e.getMessage());
        // An insert as ToDelta wrote it before inserts carried their row schema: still an error naming the record.
        SinkRecord insert = toPatch.apply(event(true, "c", null, row(1), 1, 2));
        Struct value = (Struct) insert.value();
        Schema withoutRowSchema = update.valueSchema();
        Struct older = new Struct(withoutRowSchema);
        for (Field field : withoutRowSchema.fields()) {
            older.put(field, value.get(field.name()));
        }
        SinkRecord olderInsert = insert.newRecord(insert.topic(), insert.kafkaPartition(), insert.keySchema(),
                insert.key(), withoutRowSchema, older, insert.timestamp(), insert.headers());
        e = assertThrows(DataException.class, () -> toFull.apply(olderInsert));
        assertTrue(e.getMessage().contains("row schema") && e.getMessage().contains("offset 2"), e.getMessage());
    }

    @Test
    void deleteOfAnUnknownTableFailsOrPassesByPolicy() {
        SinkRecord delete = toPatch.apply(event(true, "d", row(1), null, 1, 9));
        DataException e = assertThrows(DataException.class, () -> toFull(Map.of()).apply(delete));
        assertTrue(e.getMessage().contains("row schema") && e.getMessage().contains("offset 9"), e.getMessage());
        assertSame(delete, toFull(Map.of(ToFull.ON_MISSING_STATE_CONFIG, "pass")).apply(delete));
    }

    @Test
    void memoryStoreKeepsTheMostRecentlyUsedRows() {
        ToFull<SinkRecord> toFull = toFull(Map.of(ToFull.STATE_MAX_ENTRIES_CONFIG, "2"));
        toFull.apply(event(true, "c", null, row(1), 1, 1));
        toFull.apply(event(true, "c", null, row(2), 2, 2));
        toFull.apply(rename(1, "one", 3));
        toFull.apply(event(true, "c", null, row(3), 3, 4));
        // Key 2 was the least recently used: evicted. Keys 1 and 3 are still there.
        assertThrows(DataException.class, () -> toFull.apply(rename(2, "two", 5)));
        assertSameEvent(event(true, "u", copy(row(1)).put("name", "one"), copy(row(1)).put("name", "uno"), 1, 6),
                toFull.apply(toDelta.apply(event(true, "u", copy(row(1)).put("name", "one"),
                        copy(row(1)).put("name", "uno"), 1, 6))));
        assertEquals("full", formatHeader(toFull.apply(rename(3, "three", 7))));
    }

    @Test
    void rocksDbStateSurvivesARestart(@TempDir Path dir) {
        Map<String, String> config = Map.of(ToFull.STATE_STORE_CONFIG, "rocksdb", ToFull.STATE_DIR_CONFIG, dir.toString());
        ToFull<SinkRecord> first = new ToFull<>();
        first.configure(config);
        first.apply(event(true, "c", null, row(1), 1, 1));
        first.apply(event(false, "c", null, row(2), 2, 2));
        first.apply(event(true, "c", null, row(3), 3, 3));
        first.apply(toDelta.apply(event(true, "d", null, null, 3, 4)));
        first.close();

        ToFull<SinkRecord> second = toFull(config);
        Struct updated = copy(row(1)).put("name", "after restart");
        assertSameEvent(event(true, "u", row(1), updated, 1, 5), second.apply(rename(1, "after restart", 5)));
        Struct toasted = withPlaceholders(copy(updated).put("qty", 5L), PLACEHOLDER, TOASTABLE);
        assertSameEvent(event(true, "u", updated, copy(updated).put("qty", 5L), 1, 6),
                second.apply(event(true, "u", null, toasted, 1, 6)));
        // Schemaless rows come back as JsonConverter's schemaless values.
        Map<?, ?> after = (Map<?, ?>) ((Map<?, ?>) second.apply(
                toDelta.apply(event(false, "u", row(2), copy(row(2)).put("name", "x"), 2, 7))).value()).get("after");
        assertEquals("x", after.get("name"));
        assertEquals("a long document 2", after.get("doc"));
        assertThrows(DataException.class, () -> second.apply(rename(3, "x", 8)));
    }

    @Test
    void eventsReadAgainAfterARestartAreNotAppliedTwice(@TempDir Path dir) {
        Map<String, String> config = Map.of(ToFull.STATE_STORE_CONFIG, "rocksdb", ToFull.STATE_DIR_CONFIG, dir.toString());
        Struct v1 = row(1).put("tags", List.of("a"));
        Struct v2 = copy(v1).put("tags", List.of("a", "b"));
        Struct v3 = copy(v1).put("tags", List.of("a", "b", "c"));
        Struct v4 = copy(v1).put("tags", List.of("a", "b", "c", "d"));
        List<SinkRecord> patches = List.of(event(true, "c", null, v1, 1, 1),
                toPatch.apply(event(true, "u", v1, v2, 1, 2)), toPatch.apply(event(true, "u", v2, v3, 1, 3)),
                toPatch.apply(event(true, "u", v3, v4, 1, 4)));
        ToFull<SinkRecord> first = new ToFull<>();
        first.configure(config);
        patches.subList(0, 3).forEach(first::apply);
        first.close();

        // The offsets of events 2 and 3 were not committed: the restarted task reads them again.
        ToFull<SinkRecord> second = toFull(config);
        for (SinkRecord replayed : patches.subList(1, 3)) {
            assertEquals(v3, ((Struct) second.apply(replayed).value()).getStruct("after"));
        }
        assertSameEvent(event(true, "u", v3, v4, 1, 4), second.apply(patches.get(3)));
    }

    @Test
    void configIsValidated(@TempDir Path dir) {
        assertSame(ToFull.CONFIG_DEF, new ToFull<SinkRecord>().config());
        assertThrows(ConfigException.class, () -> new ToFull<SinkRecord>().configure(Map.of(ToFull.STATE_STORE_CONFIG, "rocksdb")));
        assertThrows(ConfigException.class, () -> new ToFull<SinkRecord>().configure(Map.of(ToFull.STATE_STORE_CONFIG, "redis")));
        assertThrows(ConfigException.class, () -> new ToFull<SinkRecord>().configure(Map.of(ToFull.STATE_MAX_ENTRIES_CONFIG, "0")));
        assertThrows(ConfigException.class, () -> new ToFull<SinkRecord>().configure(Map.of(ToFull.ON_MISSING_STATE_CONFIG, "ignore")));
        // Without a resolver factory, reselect needs the re-select support installed in the plugin.
        assertThrows(ConfigException.class, () -> new ToFull<SinkRecord>().configure(Map.of(ToFull.ON_MISSING_STATE_CONFIG, "reselect")));
        assertTrue(ToFull.CONFIG_DEF.validate(new HashMap<>(Map.of(ToFull.STATE_STORE_CONFIG, "rocksdb",
                ToFull.STATE_DIR_CONFIG, dir.toString()))).stream().allMatch(value -> value.errorMessages().isEmpty()));
    }

    /** A delta that changes only the name of row {@code id}: it needs the stored row to be made full. */
    private SinkRecord rename(int id, String name, long offset) {
        return toDelta.apply(event(true, "u", row(id), copy(row(id)).put("name", name), id, offset));
    }

    private SinkRecord idOnly(SinkRecord record) {
        ToIdOnly<SinkRecord> toIdOnly = new ToIdOnly<>();
        toIdOnly.configure(Map.of());
        return toIdOnly.apply(record);
    }

    static SinkRecord event(boolean withSchema, String op, Struct before, Struct after, int id, long offset) {
        return withSchema ? structRecord(op, before, after, id, offset) : mapRecord(op, before, after, id, offset);
    }

    /** The record holds the expected full event (with a schema: equal Structs; without: equal values). */
    static void assertSameEvent(SinkRecord expected, SinkRecord actual) {
        assertEquals("full", formatHeader(actual));
        if (expected.valueSchema() != null) {
            assertEquals(expected.valueSchema(), actual.valueSchema());
            assertEquals(expected.value(), actual.value());
        } else {
            assertTrue(Values.deepEquals(expected.value(), actual.value()),
                    "expected " + expected.value() + " but was " + actual.value());
        }
    }

}
