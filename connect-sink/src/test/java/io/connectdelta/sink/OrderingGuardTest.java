package io.connectdelta.sink;

import io.connectdelta.event.LogPosition;
import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.Items;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ordering guard on real PostgreSQL and MariaDB: older events sent again never overwrite newer rows. */
class OrderingGuardTest {
    private static final String COLUMN = "src_pos";
    static DatabasePair databases;

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("ordering_guard");
    }

    static Stream<String> dbs() {
        return DatabasePair.kinds();
    }

    static TaskHarness guarded(TestDatabase db, String topic, Map<String, String> overrides) {
        Map<String, String> config = TaskHarness.baseConfig(db, "guard-" + topic);
        config.put(DeltaJdbcSinkConfig.ORDERING_GUARD_COLUMN, COLUMN);
        config.putAll(overrides);
        return new TaskHarness(config, topic);
    }

    /** An items table with a position column of the database's plain text type (not the one the sink creates). */
    static String itemsWithPositionColumn(TestDatabase db, String prefix) {
        String table = Items.create(db, prefix);
        db.execute("ALTER TABLE " + table + " ADD COLUMN " + COLUMN + (db.isPostgres() ? " TEXT" : " VARCHAR(255)"));
        return table;
    }

    static String stored(TestDatabase db, String table, int id) {
        List<Map<String, Object>> rows = TaskHarness.query(db, "SELECT " + COLUMN + " AS p FROM " + table + " WHERE id = " + id);
        Object position = rows.get(0).get("p");
        return position instanceof byte[] ? new String((byte[]) position) : (String) position;
    }

    static String encoded(long lsn) {
        return LogPosition.of("postgresql", lsn, lsn).encode();
    }

    static int qty(TestDatabase db, String table, int id) {
        return ((Number) Items.row(db, table, id).get("qty")).intValue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void aBackfillOfOlderEventsLeavesTheNewerRowsAndItsStaleWritesAreCountedNotTakenForMissingRows(String kind) {
        TestDatabase db = databases.of(kind);
        String table = itemsWithPositionColumn(db, "backfill");
        TestDeltaEncoder live = Items.encoder(table);
        try (TaskHarness task = guarded(db, table, Map.of())) {
            live.atLsn(100L);
            task.putAndCommit(live.full("c", null, live.row("id", 1, "name", "a", "qty", 1)),
                    live.full("c", null, live.row("id", 2, "name", "b", "qty", 1)),
                    live.full("c", null, live.row("id", 3, "name", "c", "qty", 1)),
                    live.full("c", null, live.row("id", 4, "name", "d", "qty", 1)));
            live.atLsn(300L);
            task.putAndCommit(live.deltaUpdate(1, "qty", 30),
                    live.patch("u", live.id(2), "[{\"op\":\"replace\",\"path\":\"/note\",\"value\":\"new\"}]"),
                    live.full("u", null, live.row("id", 3, "name", "c3", "qty", 3)),
                    live.deltaUpdate(4, "name", "d3"));
        }

        // Another connector writes older changes of the same source into the table (a backfill from another topic):
        // per-partition source positions do not see them as sent again, the rows' positions do. A delta and a JSON
        // Patch over different columns (one flagged statement), a full upsert, a delete, and an update of a row that
        // is really missing. missing.row.mode=insert: a stale update taken for a missing row would insert and fail.
        String backfillTopic = table + "_backfill";
        TestDeltaEncoder backfill = new TestDeltaEncoder(backfillTopic, table, Items.KEY, Items.ROW).atLsn(200L);
        Map<String, String> backfillConfig = new HashMap<>(TaskHarness.baseConfig(db, "guard-backfill-" + table));
        backfillConfig.put(DeltaJdbcSinkConfig.ORDERING_GUARD_COLUMN, COLUMN);
        backfillConfig.put("collection.name.format", table);
        backfillConfig.put("missing.row.mode", "insert");
        try (TaskHarness task = new TaskHarness(backfillConfig, backfillTopic)) {
            task.putAndCommit(backfill.deltaUpdate(1, "qty", 20),
                    backfill.patch("u", backfill.id(2), "[{\"op\":\"replace\",\"path\":\"/note\",\"value\":\"old\"}]"),
                    backfill.full("u", null, backfill.row("id", 3, "name", "c2", "qty", 2)),
                    backfill.full("d", backfill.row("id", 4), null),
                    backfill.deltaUpdate(9, "qty", 9));
            // And one more alone: a JDBC batch of its own SQL.
            backfill.atLsn(210L);
            task.putAndCommit(backfill.deltaUpdate(1, "qty", 21));

            assertEquals(4, task.task().metrics().getStaleWritesSkipped(), "the stale updates and the stale delete");
            assertEquals(1, task.task().metrics().getMissingRowsInserted(), "only the row that is really missing");
            assertTrue(task.reported().isEmpty());
        }
        assertEquals(30, qty(db, table, 1));
        assertEquals("new", Items.row(db, table, 2).get("note"));
        assertEquals("c3", Items.row(db, table, 3).get("name"));
        assertEquals(3, qty(db, table, 3));
        assertEquals("d3", Items.row(db, table, 4).get("name"), "an older delete leaves the newer row");
        assertEquals(9, qty(db, table, 9));
        for (int id = 1; id <= 4; id++) {
            assertEquals(encoded(299 + id), stored(db, table, id), "row " + id);
        }
        assertEquals(encoded(204), stored(db, table, 9), "an inserted missing row stores its position");

        try (TaskHarness task = guarded(db, table, Map.of())) {
            live.atLsn(500L);
            task.putAndCommit(live.deltaUpdate(1, "qty", 50), live.full("d", live.row("id", 4), null));
            assertEquals(0, task.task().metrics().getStaleWritesSkipped());
        }
        assertEquals(50, qty(db, table, 1), "newer events apply");
        assertEquals(encoded(500), stored(db, table, 1));
        assertNull(Items.row(db, table, 4), "a newer delete deletes");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void eventsWithoutAPositionWriteUnconditionallyAndKeepTheStoredPosition(String kind) {
        TestDatabase db = databases.of(kind);
        String table = itemsWithPositionColumn(db, "unpositioned");
        TestDeltaEncoder e = Items.encoder(table);
        // Older positions on the same partition: without source position tracking, which would skip them first.
        try (TaskHarness task = guarded(db, table, Map.of(DeltaJdbcSinkConfig.SOURCE_POSITION_TRACKING, "false"))) {
            e.atLsn(400L);
            task.putAndCommit(e.full("c", null, e.row("id", 1, "name", "a", "qty", 1)));
            e.atLsn(null);
            task.putAndCommit(e.deltaUpdate(1, "qty", 7), e.full("r", null, e.row("id", 2, "name", "b", "qty", 1)));
            e.atLsn(100L);
            task.putAndCommit(e.deltaUpdate(2, "qty", 2), e.deltaUpdate(1, "qty", 1));
            assertEquals(1, task.task().metrics().getStaleWritesSkipped());
        }
        assertEquals(7, qty(db, table, 1), "written without a position");
        assertEquals(encoded(400), stored(db, table, 1), "and the stored position stays");
        assertEquals(2, qty(db, table, 2), "a row without a stored position takes any position");
        assertEquals(encoded(100), stored(db, table, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void schemaEvolutionCreatesThePositionColumn(String kind) {
        TestDatabase db = databases.of(kind);
        String existing = Items.create(db, "evolved");
        String created = existing + "_new";
        TestDeltaEncoder onExisting = Items.encoder(existing).atLsn(300L);
        TestDeltaEncoder onCreated = Items.encoder(created).atLsn(300L);
        Map<String, String> config = new HashMap<>(TaskHarness.baseConfig(db, "guard-evolution-" + existing));
        config.put(DeltaJdbcSinkConfig.ORDERING_GUARD_COLUMN, COLUMN);
        config.put("schema.evolution", "basic");
        config.put(DeltaJdbcSinkConfig.SOURCE_POSITION_TRACKING, "false");
        try (TaskHarness task = new TaskHarness(config, existing, created)) {
            task.putAndCommit(onExisting.full("c", null, onExisting.row("id", 1, "qty", 3)),
                    onCreated.full("c", null, onCreated.row("id", 1, "qty", 3)));
            onExisting.atLsn(200L);
            onCreated.atLsn(200L);
            task.putAndCommit(onExisting.deltaUpdate(1, "qty", 2), onCreated.deltaUpdate(1, "qty", 2));
            assertEquals(2, task.task().metrics().getStaleWritesSkipped());
        }
        for (String table : List.of(existing, created)) {
            assertEquals(encoded(300), stored(db, table, 1), table);
            assertEquals(3, qty(db, table, 1), table);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void aMissingPositionColumnWithoutSchemaEvolutionIsAnErrorNamingTableAndColumn(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "nocolumn");
        TestDeltaEncoder e = Items.encoder(table).atLsn(100L);
        try (TaskHarness task = guarded(db, table, Map.of())) {
            ConnectException error = assertThrows(ConnectException.class,
                    () -> task.putAndCommit(e.full("c", null, e.row("id", 1, "qty", 1))));
            assertTrue(error.getMessage().contains("'" + table + "'") && error.getMessage().contains("'" + COLUMN + "'")
                    && error.getMessage().contains(DeltaJdbcSinkConfig.ORDERING_GUARD_COLUMN), error.getMessage());
        }
        assertEquals(0, Items.count(db, table));
    }
}
