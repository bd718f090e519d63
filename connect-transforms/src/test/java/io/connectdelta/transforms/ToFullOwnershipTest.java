package io.connectdelta.transforms;

import io.connectdelta.testing.ChangeEvents;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import io.connectdelta.transforms.ToFullReselectTest.CountingResolver;
import io.connectdelta.transforms.reselect.SourceRowFetcher;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.connectdelta.testing.ChangeEvents.formatHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ToFull's stored rows follow the ownership of partitions: a row stored before the partition was processed by
 * another task is never used to fill a delta, and events read again across a delete do not fail.
 */
class ToFullOwnershipTest {
    private static final String TOPIC = "server.public.accounts";
    private static final Schema KEY = SchemaBuilder.struct().name(TOPIC + ".Key").field("id", Schema.INT32_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name(TOPIC + ".Value").optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("qty", Schema.INT64_SCHEMA)
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name(TOPIC + ".Envelope")
            .field("before", ROW).field("after", ROW).field("source", ChangeEvents.SOURCE)
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private static TestDatabase database;

    @TempDir
    Path dir;

    private final AtomicInteger selects = new AtomicInteger();
    private final ToDelta<SinkRecord> toDelta = new ToDelta<>();
    private final ToDelta<SinkRecord> toPatch = new ToDelta<>();
    private final List<ToFull<SinkRecord>> opened = new ArrayList<>();

    @BeforeAll
    static void createTable() throws IOException {
        // RocksDB unpacks its native library into java.io.tmpdir (target/tmp in this build).
        Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        database = TestDatabases.postgres().createDatabase("tofull_ownership");
        database.execute("CREATE TABLE accounts (id int PRIMARY KEY, name text, qty bigint NOT NULL)");
    }

    ToFullOwnershipTest() {
        toDelta.configure(Map.of());
        toPatch.configure(Map.of(ToDelta.FORMAT_CONFIG, ToDelta.FORMAT_JSON_PATCH));
    }

    @AfterEach
    void close() {
        opened.forEach(ToFull::close);
        toDelta.close();
        toPatch.close();
    }

    /** A task's ToFull: its own RocksDB directory, on.missing.state as given (reselect reads the accounts table). */
    private ToFull<SinkRecord> task(String name, String onMissingState, Map<String, String> more) {
        Map<String, String> config = new HashMap<>(more);
        config.put(ToFull.ON_MISSING_STATE_CONFIG, onMissingState);
        config.put(ToFull.STATE_STORE_CONFIG, "rocksdb");
        config.put(ToFull.STATE_DIR_CONFIG, dir.resolve(name).toString());
        config.put(SourceRowFetcher.CONNECTION_URL, database.jdbcUrl());
        config.put(SourceRowFetcher.CONNECTION_USERNAME, database.user());
        config.put(SourceRowFetcher.CONNECTION_PASSWORD, database.password());
        config.put(SourceRowFetcher.CACHE_TTL_MS, "0");
        ToFull<SinkRecord> transform = new ToFull<>(props -> new CountingResolver(new SourceRowFetcher(props), selects));
        transform.configure(config);
        opened.add(transform);
        return transform;
    }

    private ToFull<SinkRecord> memoryTask(Map<String, String> config) {
        ToFull<SinkRecord> transform = new ToFull<>();
        transform.configure(config);
        opened.add(transform);
        return transform;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fail", "pass", "reselect"})
    void toFullWithRocksDbAfterAPartitionMovedBetweenTwoTasksAndBack(String onMissingState) {
        database.execute("DELETE FROM accounts", "INSERT INTO accounts VALUES (1, 'renamed by b', 5), (2, 'two', 20)");
        // Task A owns partition 0 first.
        ToFull<SinkRecord> a = task("a", onMissingState, Map.of());
        a.apply(insert(row(1, "one", 1), 0));
        a.apply(toDelta.apply(update(row(1, "one", 1), row(1, "uno", 1), 1)));
        a.apply(insert(row(2, "two", 20), 2));
        a.close();
        opened.remove(a);

        // The partition moves to task B, which changes key 1 (delete, insert, rename) and goes on with other keys.
        ToFull<SinkRecord> b = task("b", onMissingState, Map.of());
        b.apply(toDelta.apply(update(row(1, "uno", 1), null, 3)));
        b.apply(toDelta.apply(insert(row(1, "again", 5), 4)));
        Struct renamedByB = (Struct) b.apply(toDelta.apply(update(row(1, "again", 5), row(1, "renamed by b", 5), 5))).value();
        assertEquals(row(1, "renamed by b", 5), renamedByB.get("after"));
        for (int id = 3; id < 15; id++) {
            b.apply(toDelta.apply(insert(row(id, "key " + id, id), 3 + id)));
        }
        b.close();
        opened.remove(b);

        // The partition comes back to task A at the offset B committed: A's row of key 1 is stale.
        ToFull<SinkRecord> again = task("a", onMissingState, Map.of());
        SinkRecord delta = toDelta.apply(update(row(1, "renamed by b", 5), row(1, "renamed by b", 6), 18));
        switch (onMissingState) {
            case "fail": {
                DataException e = assertThrows(DataException.class, () -> again.apply(delta));
                assertTrue(e.getMessage().contains("topic '" + TOPIC + "' partition 0 offset 18"), e.getMessage());
                assertTrue(e.getMessage().contains("processed elsewhere"), e.getMessage());
                break;
            }
            case "pass": {
                SinkRecord out = again.apply(delta);
                assertSame(delta, out, "forwarded unchanged, not filled from the stale row");
                assertEquals("delta", formatHeader(out));
                break;
            }
            default: {
                Struct out = (Struct) again.apply(delta).value();
                assertEquals(row(1, "renamed by b", 6), out.get("after"), "the table's row, not A's 'uno'");
                assertNull(out.get("before"), "no trusted row to say what it was");
                assertEquals(1, selects.get());
                // The re-selected row is stored at the new offset: the next delta is completed from the store.
                Struct next = (Struct) again.apply(toDelta.apply(
                        update(row(1, "renamed by b", 6), row(1, "renamed by b", 7), 19))).value();
                assertEquals(row(1, "renamed by b", 7), next.get("after"));
                assertEquals(row(1, "renamed by b", 6), next.get("before"));
                assertEquals(1, selects.get());
                // Key 2 was not changed elsewhere, but A cannot know: its row is re-selected too.
                Struct two = (Struct) again.apply(toDelta.apply(update(row(2, "two", 20), row(2, "two", 21), 20))).value();
                assertEquals(row(2, "two", 21), two.get("after"));
                assertEquals(2, selects.get());
            }
        }
        // A key first stored after the move back is trusted: no miss.
        again.apply(insert(row(30, "new", 1), 21));
        Struct fresh = (Struct) again.apply(toDelta.apply(update(row(30, "new", 1), row(30, "newer", 1), 22))).value();
        assertEquals(row(30, "newer", 1), fresh.get("after"));
    }

    @Test
    void gapsWithinTheToleranceKeepTheStoredRows() {
        ToFull<SinkRecord> toFull = memoryTask(Map.of());
        toFull.apply(insert(row(1, "one", 1), 0));
        // Offsets 1..10 are transaction markers or records an earlier transform dropped.
        Struct out = (Struct) toFull.apply(toDelta.apply(update(row(1, "one", 1), row(1, "uno", 1), 11))).value();
        assertEquals(row(1, "uno", 1), out.get("after"));
        assertEquals(row(1, "one", 1), out.get("before"));
    }

    @Test
    void aJumpBeyondTheToleranceMakesTheStoredRowsMissing() {
        ToFull<SinkRecord> toFull = memoryTask(Map.of(ToFull.STATE_MAX_OFFSET_GAP_CONFIG, "2"));
        toFull.apply(insert(row(1, "one", 1), 0));
        toFull.apply(insert(row(2, "two", 2), 3));
        SinkRecord jumped = toDelta.apply(update(row(1, "one", 1), row(1, "uno", 1), 7));
        DataException e = assertThrows(DataException.class, () -> toFull.apply(jumped));
        assertTrue(e.getMessage().contains("offset 7") && e.getMessage().contains("(from partition 0 offset 0) may be stale"),
                e.getMessage());
        // The partition's later rows are trusted again.
        toFull.apply(insert(row(3, "three", 3), 8));
        assertEquals(row(3, "drei", 3), ((Struct) toFull.apply(
                toDelta.apply(update(row(3, "three", 3), row(3, "drei", 3), 9))).value()).get("after"));
    }

    @Test
    void staleRowsFillNoPlaceholdersAndGiveNoBeforeOfADelete() {
        ToFull<SinkRecord> toFull = memoryTask(Map.of(ToFull.ON_MISSING_STATE_CONFIG, "pass"));
        toFull.apply(insert(row(1, "one", 1), 0));
        SinkRecord toasted = update(null, row(1, "__debezium_unavailable_value", 2), 100);
        assertSame(toasted, toFull.apply(toasted), "the stale row does not fill the placeholder");
        Struct delete = (Struct) toFull.apply(toDelta.apply(update(row(1, "one", 2), null, 101))).value();
        assertNull(delete.get("before"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"memory", "rocksdb"})
    void aReplayAcrossADeleteDoesNotFail(String store) {
        Map<String, String> config = store.equals("memory") ? Map.of()
                : Map.of(ToFull.STATE_STORE_CONFIG, "rocksdb", ToFull.STATE_DIR_CONFIG, dir.resolve("replay").toString());
        assertEquals("fail", ToFull.CONFIG_DEF.defaultValues().get(ToFull.ON_MISSING_STATE_CONFIG));
        ToFull<SinkRecord> toFull = memoryTask(config);
        List<SinkRecord> events = List.of(
                insert(row(1, "one", 1), 0),
                toDelta.apply(update(row(1, "one", 1), row(1, "uno", 1), 1)),
                toPatch.apply(update(row(1, "uno", 1), row(1, "uno", 2), 2)),
                toDelta.apply(update(row(1, "uno", 2), null, 3)),
                tombstone(1, 4));
        events.forEach(toFull::apply);
        if (store.equals("rocksdb")) {
            toFull.close();
            opened.remove(toFull);
            toFull = memoryTask(config);
        }

        // The offsets were not committed: the events from offset 1 on are read again, the delete among them.
        assertSame(events.get(1), toFull.apply(events.get(1)), "forwarded unchanged, as without ToFull");
        assertSame(events.get(2), toFull.apply(events.get(2)));
        Struct delete = (Struct) toFull.apply(events.get(3)).value();
        assertEquals("d", delete.get("op"));
        assertSame(events.get(4), toFull.apply(events.get(4)));
        // Past the delete, a missing row still fails.
        SinkRecord afterDelete = toDelta.apply(update(row(1, "uno", 2), row(1, "x", 2), 5));
        ToFull<SinkRecord> task = toFull;
        DataException e = assertThrows(DataException.class, () -> task.apply(afterDelete));
        assertTrue(e.getMessage().contains("offset 5"), e.getMessage());
    }

    @Test
    void aReplayReinsertingADeletedKeyRebuildsItsRow() {
        ToFull<SinkRecord> toFull = memoryTask(Map.of());
        List<SinkRecord> events = List.of(
                toDelta.apply(insert(row(1, "one", 1), 0)),
                toDelta.apply(update(row(1, "one", 1), row(1, "uno", 1), 1)),
                toDelta.apply(update(row(1, "uno", 1), null, 2)));
        events.forEach(toFull::apply);
        // Read again from the insert: it carries every field, so the row is rebuilt and the update completed.
        assertEquals(row(1, "one", 1), ((Struct) toFull.apply(events.get(0)).value()).get("after"));
        Struct update = (Struct) toFull.apply(events.get(1)).value();
        assertEquals(row(1, "uno", 1), update.get("after"));
        assertEquals(row(1, "one", 1), update.get("before"));
    }

    private static Struct row(int id, String name, long qty) {
        return new Struct(ROW).put("id", id).put("name", name).put("qty", qty);
    }

    private static SinkRecord insert(Struct after, long offset) {
        return record("c", null, after, after.getInt32("id"), offset);
    }

    private static SinkRecord update(Struct before, Struct after, long offset) {
        return after == null ? record("d", before, null, before.getInt32("id"), offset)
                : record("u", before, after, after.getInt32("id"), offset);
    }

    private static SinkRecord record(String op, Struct before, Struct after, int id, long offset) {
        Struct value = new Struct(ENVELOPE).put("before", before).put("after", after)
                .put("source", ChangeEvents.source(offset).put("table", "accounts")).put("op", op).put("ts_ms", 1L);
        return new SinkRecord(TOPIC, 0, KEY, new Struct(KEY).put("id", id), ENVELOPE, value, offset);
    }

    private static SinkRecord tombstone(int id, long offset) {
        return new SinkRecord(TOPIC, 0, KEY, new Struct(KEY).put("id", id), null, null, offset);
    }
}
