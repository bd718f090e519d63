package io.connectdelta.sink;

import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.Items;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.transforms.MetadataFields;
import io.connectdelta.transforms.ToDelta;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.connectdelta.sink.support.Items.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every event shape and op applied by the task to real PostgreSQL and MariaDB, checked in the tables. */
class SinkApplyTest {
    static DatabasePair databases;
    static TestDatabase postgres;
    static TestDatabase mariadb;

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("sink_apply");
        postgres = databases.postgres();
        mariadb = databases.mariadb();
    }

    static Stream<Arguments> dbAndShape() {
        List<Arguments> arguments = new ArrayList<>();
        for (String db : List.of("postgresql", "mariadb")) {
            for (String shape : List.of("full", "delta", "json-patch")) {
                arguments.add(Arguments.of(db, shape));
            }
        }
        return arguments.stream();
    }

    static Stream<String> dbs() {
        return DatabasePair.kinds();
    }

    static TestDatabase db(String kind) {
        return databases.of(kind);
    }

    static TaskHarness task(TestDatabase db, String topic, Map<String, String> overrides) {
        Map<String, String> config = TaskHarness.baseConfig(db, "apply-" + topic);
        config.putAll(overrides);
        return new TaskHarness(config, topic);
    }

    static Struct fullRow(TestDeltaEncoder e, int id) {
        return e.row("id", id, "name", "n" + id, "qty", 5, "note", "long text " + id,
                "doc", "{\"address\":{\"city\":\"Bern\",\"zip\":\"3000\"},\"list\":[1]}",
                "tags", List.of("a", "b"), "price", new BigDecimal("12.50"));
    }

    static SinkRecord insertOf(String shape, TestDeltaEncoder e, int id) {
        Struct row = fullRow(e, id);
        switch (shape) {
            case "full":
                return e.full("c", null, row);
            case "delta":
                Map<String, Object> all = new java.util.LinkedHashMap<>();
                for (org.apache.kafka.connect.data.Field f : row.schema().fields()) {
                    all.put(f.name(), row.get(f));
                }
                return e.delta("c", row, all);
            default:
                return e.patch("c", row, "[{\"op\":\"add\",\"path\":\"/id\",\"value\":" + id + "},"
                        + "{\"op\":\"add\",\"path\":\"/name\",\"value\":\"n" + id + "\"},"
                        + "{\"op\":\"add\",\"path\":\"/qty\",\"value\":5},"
                        + "{\"op\":\"add\",\"path\":\"/note\",\"value\":\"long text " + id + "\"},"
                        + "{\"op\":\"add\",\"path\":\"/doc\",\"value\":{\"address\":{\"city\":\"Bern\",\"zip\":\"3000\"},\"list\":[1]}},"
                        + "{\"op\":\"add\",\"path\":\"/tags\",\"value\":[\"a\",\"b\"]},"
                        + "{\"op\":\"add\",\"path\":\"/price\",\"value\":12.50}]");
        }
    }

    static void assertFullRow(Map<String, Object> row, int id) {
        assertNotNull(row, "row " + id + " exists");
        assertEquals("n" + id, row.get("name"));
        assertEquals(5, ((Number) row.get("qty")).intValue());
        assertEquals("long text " + id, row.get("note"));
        assertEquals(json("{\"address\":{\"city\":\"Bern\",\"zip\":\"3000\"},\"list\":[1]}"), row.get("doc"));
        assertEquals(List.of("a", "b"), row.get("tags"));
        assertEquals(new BigDecimal("12.50"), row.get("price"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dbAndShape")
    void insertsEveryShape(String kind, String shape) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "ins");
        TestDeltaEncoder e = Items.encoder(table);
        try (TaskHarness task = task(db, table, Map.of())) {
            task.putAndCommit(insertOf(shape, e, 1));
        }
        assertFullRow(Items.row(db, table, 1), 1);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dbAndShape")
    void updatesWriteOnlyChangedColumnsAndNulls(String kind, String shape) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "upd");
        TestDeltaEncoder e = Items.encoder(table);
        try (TaskHarness task = task(db, table, Map.of())) {
            task.putAndCommit(insertOf("full", e, 1));
            // Someone else changed 'name' in the target: a partial update must not overwrite it.
            db.execute("UPDATE " + table + " SET name = 'target-side' WHERE id = 1");
            SinkRecord update;
            switch (shape) {
                case "full": {
                    // A full update with a before image: changed fields are qty and note.
                    Struct before = fullRow(e, 1);
                    Struct after = fullRow(e, 1).put("qty", 7).put("note", null);
                    update = e.full("u", before, after);
                    break;
                }
                case "delta":
                    update = e.deltaUpdate(1, "qty", 7, "note", null);
                    break;
                default:
                    update = e.patch("u", e.row("id", 1), "[{\"op\":\"replace\",\"path\":\"/qty\",\"value\":7},"
                            + "{\"op\":\"replace\",\"path\":\"/note\",\"value\":null}]");
            }
            task.putAndCommit(update);
        }
        Map<String, Object> row = Items.row(db, table, 1);
        assertEquals(7, ((Number) row.get("qty")).intValue());
        assertNull(row.get("note"), "a null is written as NULL");
        if (shape.equals("full")) {
            assertEquals("n1", row.get("name"), "a full upsert writes every available column");
        } else {
            assertEquals("target-side", row.get("name"), "a column absent from the change is never touched");
        }
        assertEquals(List.of("a", "b"), row.get("tags"));
    }

    static Stream<Arguments> dbAndDeleteShape() {
        List<Arguments> arguments = new ArrayList<>();
        for (String db : List.of("postgresql", "mariadb")) {
            for (String shape : List.of("full", "delta", "json-patch", "tombstone")) {
                arguments.add(Arguments.of(db, shape));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dbAndDeleteShape")
    void deletesEveryShapeAndHonoursDeleteEnabled(String kind, String shape) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "del");
        TestDeltaEncoder e = Items.encoder(table);
        for (boolean enabled : List.of(false, true)) {
            try (TaskHarness task = task(db, table, Map.of("delete.enabled", Boolean.toString(enabled)))) {
                task.putAndCommit(insertOf("full", e, 1), insertOf("full", e, 2));
                SinkRecord delete;
                switch (shape) {
                    case "full":
                        delete = e.full("d", fullRow(e, 1), null);
                        break;
                    case "delta":
                        delete = e.delta("d", e.row("id", 1), Map.of());
                        break;
                    case "json-patch":
                        delete = e.patch("d", e.row("id", 1), null);
                        break;
                    default:
                        delete = e.tombstone(e.row("id", 1));
                }
                task.putAndCommit(delete);
            }
            assertEquals(enabled ? null : "n1", enabled ? Items.row(db, table, 1) : Items.row(db, table, 1).get("name"));
            assertNotNull(Items.row(db, table, 2), "other rows stay");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void placeholdersAreNeverWritten(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "toast");
        TestDeltaEncoder e = Items.encoder(table);
        String placeholder = "__debezium_unavailable_value";
        try (TaskHarness task = task(db, table, Map.of())) {
            task.putAndCommit(insertOf("full", e, 1));
            // REPLICA IDENTITY DEFAULT: no before image; unchanged TOASTed columns carry the placeholder.
            Struct after = e.row("id", 1, "name", "renamed", "qty", 9, "note", placeholder, "doc", placeholder,
                    "tags", List.of(placeholder), "price", new BigDecimal("1.00"));
            task.putAndCommit(e.full("u", null, after));
        }
        Map<String, Object> row = Items.row(db, table, 1);
        assertEquals("renamed", row.get("name"));
        assertEquals(9, ((Number) row.get("qty")).intValue());
        assertEquals("long text 1", row.get("note"));
        assertEquals(json("{\"address\":{\"city\":\"Bern\",\"zip\":\"3000\"},\"list\":[1]}"), row.get("doc"));
        assertEquals(List.of("a", "b"), row.get("tags"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void jsonPatchPathsAndArrayAppendsApplyInsideValues(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "patch");
        TestDeltaEncoder e = Items.encoder(table);
        try (TaskHarness task = task(db, table, Map.of())) {
            task.putAndCommit(insertOf("full", e, 1));
            db.execute("UPDATE " + table + " SET qty = 42 WHERE id = 1");
            task.putAndCommit(e.patch("u", e.row("id", 1), "["
                    + "{\"op\":\"replace\",\"path\":\"/doc/address/city\",\"value\":\"Zürich\"},"
                    + "{\"op\":\"remove\",\"path\":\"/doc/address/zip\"},"
                    + "{\"op\":\"add\",\"path\":\"/doc/list/-\",\"value\":{\"k\":2}},"
                    + "{\"op\":\"add\",\"path\":\"/doc/new\",\"value\":true},"
                    + "{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"c\"}]"));
            // A second event in another flush appends again (non-idempotent by nature).
            task.putAndCommit(e.patch("u", e.row("id", 1), "[{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"d\"}]"));
        }
        Map<String, Object> row = Items.row(db, table, 1);
        assertEquals(json("{\"address\":{\"city\":\"Zürich\"},\"list\":[1,{\"k\":2}],\"new\":true}"), row.get("doc"));
        assertEquals(List.of("a", "b", "c", "d"), row.get("tags"));
        assertEquals(42, ((Number) row.get("qty")).intValue(), "columns the patch does not name stay");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void missingRowModeInsertSkipFail(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "missing");
        TestDeltaEncoder e = Items.encoder(table);
        try (TaskHarness task = task(db, table, Map.of("missing.row.mode", "insert"))) {
            task.putAndCommit(e.deltaUpdate(1, "qty", 3));
        }
        Map<String, Object> inserted = Items.row(db, table, 1);
        assertEquals(3, ((Number) inserted.get("qty")).intValue());
        assertNull(inserted.get("name"));

        try (TaskHarness task = task(db, table, Map.of("missing.row.mode", "skip"))) {
            task.putAndCommit(e.deltaUpdate(2, "qty", 3), e.deltaUpdate(1, "qty", 4));
            assertEquals(1, task.task().metrics().getMissingRowsSkipped());
            assertEquals(2, task.task().metrics().getDeltaRecordsApplied());
        }
        assertNull(Items.row(db, table, 2));
        assertEquals(4, ((Number) Items.row(db, table, 1).get("qty")).intValue());

        try (TaskHarness task = task(db, table, Map.of())) {
            SinkRecord orphan = e.deltaUpdate(3, "qty", 3);
            ConnectException error = assertThrows(ConnectException.class,
                    () -> task.putAndCommit(e.deltaUpdate(1, "qty", 5), orphan));
            assertTrue(error.getMessage().contains("topic '" + table + "' partition 0 offset " + orphan.kafkaOffset()),
                    error.getMessage());
            assertTrue(error.getMessage().contains("missing.row.mode"), error.getMessage());
        }
        assertEquals(4, ((Number) Items.row(db, table, 1).get("qty")).intValue(), "nothing of a failed flush is written");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void truncateEmptiesTheTableAndLaterEventsApply(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "trunc");
        TestDeltaEncoder e = Items.encoder(table);
        try (TaskHarness task = task(db, table, Map.of())) {
            task.putAndCommit(insertOf("full", e, 1), insertOf("full", e, 2));
            task.putAndCommit(e.deltaUpdate(1, "qty", 1), e.truncate(), insertOf("delta", e, 3));
        }
        assertEquals(1, Items.count(db, table));
        assertFullRow(Items.row(db, table, 3), 3);
        try (TaskHarness task = task(db, table, Map.of("truncate.enabled", "false"))) {
            task.putAndCommit(e.truncate());
        }
        assertEquals(1, Items.count(db, table), "truncate.enabled=false ignores truncates");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void aPutQueuedBehindAFailedWriteWritesNothing(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "queued");
        TestDeltaEncoder e = Items.encoder(table);
        try (TaskHarness task = task(db, table, Map.of("insert.mode", "insert"))) {
            SinkRecord first = insertOf("full", e, 1);
            task.putAndCommit(first);
            // Both puts return at once: the writer still has the failing one when the second is queued behind it.
            task.task().put(List.of(insertOf("full", e, 1)));
            task.task().put(List.of(insertOf("full", e, 2)));
            ConnectException duplicate = assertThrows(ConnectException.class, () -> task.task().put(List.of()));
            assertTrue(duplicate.getMessage().contains("SQLState 23"), duplicate.getMessage());
            Map<TopicPartition, OffsetAndMetadata> committable = task.task().preCommit(
                    Map.of(new TopicPartition(table, 0), new OffsetAndMetadata(0)));
            assertEquals(first.kafkaOffset() + 1, committable.get(new TopicPartition(table, 0)).offset(),
                    "only the applied record may be committed");
        }
        assertNull(Items.row(db, table, 2), "the put behind the failed one wrote nothing");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void insertModes(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "modes");
        TestDeltaEncoder e = Items.encoder(table);
        try (TaskHarness task = task(db, table, Map.of("insert.mode", "insert"))) {
            task.putAndCommit(insertOf("full", e, 1));
            ConnectException duplicate = assertThrows(ConnectException.class, () -> task.putAndCommit(insertOf("full", e, 1)));
            assertTrue(duplicate.getMessage().contains("SQLState 23"), duplicate.getMessage());
        }
        try (TaskHarness task = task(db, table, Map.of("insert.mode", "update", "missing.row.mode", "skip"))) {
            task.putAndCommit(e.full("u", null, fullRow(e, 1).put("qty", 8)), e.full("c", null, fullRow(e, 2)));
        }
        assertEquals(8, ((Number) Items.row(db, table, 1).get("qty")).intValue());
        assertNull(Items.row(db, table, 2), "insert.mode=update never inserts (missing.row.mode=skip)");
        try (TaskHarness task = task(db, table, Map.of("insert.mode", "upsert"))) {
            task.putAndCommit(e.full("c", null, fullRow(e, 1)), e.full("r", null, fullRow(e, 2)));
        }
        assertFullRow(Items.row(db, table, 1), 1);
        assertFullRow(Items.row(db, table, 2), 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void successiveEventsForOneKeyMergeWithoutChangingTheResult(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "merge");
        TestDeltaEncoder e = Items.encoder(table);
        for (String reduce : List.of("true", "false")) {
            db.execute("DELETE FROM " + table);
            try (TaskHarness task = task(db, table, Map.of("use.reduction.buffer", reduce, "missing.row.mode", "insert"))) {
                task.putAndCommit(
                        insertOf("full", e, 1),
                        e.deltaUpdate(1, "qty", 1, "name", "x"),
                        e.deltaUpdate(1, "qty", 2, "note", null),
                        e.patch("u", e.row("id", 1), "[{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"z\"},"
                                + "{\"op\":\"replace\",\"path\":\"/doc/address/city\",\"value\":\"Genf\"}]"),
                        insertOf("full", e, 2),
                        e.tombstone(e.row("id", 2)),
                        e.full("c", null, e.row("id", 2, "name", "again")),
                        e.deltaUpdate(3, "qty", 1),
                        e.full("c", null, e.row("id", 3, "name", "late")));
            }
            Map<String, Object> one = Items.row(db, table, 1);
            assertEquals("x", one.get("name"), reduce);
            assertEquals(2, ((Number) one.get("qty")).intValue(), reduce);
            assertNull(one.get("note"), reduce);
            assertEquals(List.of("a", "b", "z"), one.get("tags"), reduce);
            assertEquals(json("{\"address\":{\"city\":\"Genf\",\"zip\":\"3000\"},\"list\":[1]}"), one.get("doc"), reduce);
            Map<String, Object> two = Items.row(db, table, 2);
            assertEquals("again", two.get("name"), reduce);
            assertNull(two.get("qty"), "the delete in between removed the old row: " + reduce);
            assertEquals("late", Items.row(db, table, 3).get("name"), reduce);
            assertNull(Items.row(db, table, 3).get("qty"), "the full row wins over the earlier delta: " + reduce);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void idOnlyEventsFailClearlyUnlessIgnored(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "idonly");
        TestDeltaEncoder e = Items.encoder(table);
        try (TaskHarness task = task(db, table, Map.of())) {
            ConnectException error = assertThrows(ConnectException.class,
                    () -> task.putAndCommit(e.idOnlyEvent("u", e.row("id", 1))));
            assertTrue(error.getMessage().contains("Reselect"), error.getMessage());
            assertTrue(error.getMessage().contains("offset 0"), error.getMessage());
        }
        try (TaskHarness task = task(db, table, Map.of("id.only.events.ignore", "true"))) {
            task.putAndCommit(e.idOnlyEvent("u", e.row("id", 1)), insertOf("full", e, 2));
            assertEquals(1, task.task().metrics().getRecordsIgnored());
        }
        assertFullRow(Items.row(db, table, 2), 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void metricsAreAStandardMBeanPerTask(String kind) throws Exception {
        TestDatabase db = db(kind);
        String table = Items.create(db, "jmx");
        TestDeltaEncoder e = Items.encoder(table);
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = io.connectdelta.sink.metrics.SinkTaskMetrics.objectName("apply-" + table, 0);
        try (TaskHarness task = task(db, table, Map.of("missing.row.mode", "skip"))) {
            task.putAndCommit(insertOf("full", e, 1), e.deltaUpdate(1, "qty", 2), e.deltaUpdate(2, "qty", 2),
                    e.tombstone(e.row("id", 1)));
            assertEquals(4L, server.getAttribute(name, "RecordsApplied"));
            assertEquals(2L, server.getAttribute(name, "DeltaRecordsApplied"));
            assertEquals(1L, server.getAttribute(name, "TombstonesApplied"));
            assertEquals(1L, server.getAttribute(name, "MissingRowsSkipped"));
            assertTrue((Long) server.getAttribute(name, "ColumnsWritten") > 0);
            assertTrue((Long) server.getAttribute(name, "ColumnsSkipped") > 0, "partial updates skip columns");
            assertTrue((Long) server.getAttribute(name, "BatchesExecuted") > 0);
            assertTrue(((String) server.getAttribute(name, "RecordsAppliedByShapeAndOp")).contains("delta.u=2"));
        }
        assertTrue(!server.isRegistered(name), "unregistered when the task stops");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void deltasOverRareColumnSetsShareOneBatch(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "rare");
        TestDeltaEncoder e = Items.encoder(table);
        try (TaskHarness task = task(db, table, Map.of())) {
            task.putAndCommit(insertOf("full", e, 1), insertOf("full", e, 2), insertOf("full", e, 3));
            long batches = task.task().metrics().getBatchesExecuted();
            task.putAndCommit(e.deltaUpdate(1, "qty", 1), e.deltaUpdate(2, "name", null),
                    e.deltaUpdate(3, "note", "x", "qty", 3));
            assertEquals(batches + 1, task.task().metrics().getBatchesExecuted(), "three column sets, one round trip");
        }
        assertEquals(1, ((Number) Items.row(db, table, 1).get("qty")).intValue());
        assertEquals("n1", Items.row(db, table, 1).get("name"));
        assertNull(Items.row(db, table, 2).get("name"));
        assertEquals(5, ((Number) Items.row(db, table, 2).get("qty")).intValue());
        assertEquals("x", Items.row(db, table, 3).get("note"));
        assertEquals(3, ((Number) Items.row(db, table, 3).get("qty")).intValue());
        assertEquals("n3", Items.row(db, table, 3).get("name"));
    }

    static ToDelta<SinkRecord> toDeltaKeeping(String format, String metadataFields) {
        ToDelta<SinkRecord> toDelta = new ToDelta<>();
        toDelta.configure(Map.of(ToDelta.FORMAT_CONFIG, format, MetadataFields.CONFIG, metadataFields));
        return toDelta;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void eventsWithTrimmedMetadataApplyToTheTableTheirSourceNames(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "trimmed");
        String topic = "srv.public." + table;
        TestDeltaEncoder e = new TestDeltaEncoder(topic, table, Items.KEY, Items.ROW);
        ToDelta<SinkRecord> delta = toDeltaKeeping(ToDelta.FORMAT_FIELDS, "ts_ms,source.table");
        ToDelta<SinkRecord> patch = toDeltaKeeping(ToDelta.FORMAT_JSON_PATCH, "ts_ms,source.table");
        SinkRecord insert = delta.apply(e.full("c", null, fullRow(e, 1)));
        assertEquals(List.of("table"), ((Struct) insert.value()).getStruct("source").schema().fields().stream()
                .map(org.apache.kafka.connect.data.Field::name).toList(), "only source.table is left");
        try (TaskHarness task = task(db, topic, Map.of("collection.name.format", "${source.table}"))) {
            task.putAndCommit(insert, delta.apply(e.full("c", null, fullRow(e, 2))));
            db.execute("UPDATE " + table + " SET name = 'target-side' WHERE id = 1");
            task.putAndCommit(
                    delta.apply(e.full("u", fullRow(e, 1), fullRow(e, 1).put("qty", 7).put("note", null))),
                    patch.apply(e.full("u", fullRow(e, 1).put("qty", 7).put("note", null),
                            fullRow(e, 1).put("qty", 7).put("note", null).put("tags", List.of("a", "b", "c")))),
                    delta.apply(e.full("d", fullRow(e, 2), null)));
        }
        Map<String, Object> row = Items.row(db, table, 1);
        assertEquals(7, ((Number) row.get("qty")).intValue());
        assertNull(row.get("note"));
        assertEquals(List.of("a", "b", "c"), row.get("tags"));
        assertEquals("target-side", row.get("name"), "a column absent from the change is never touched");
        assertNull(Items.row(db, table, 2), "the trimmed delete applied");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void schemalessEventsOfEveryShape(String kind) {
        TestDatabase db = db(kind);
        String table = Items.create(db, "schemaless");
        Map<String, Object> key = Map.of("id", 1);
        Map<String, Object> after = new java.util.LinkedHashMap<>();
        after.put("id", 1);
        after.put("name", "one");
        after.put("qty", 5);
        after.put("doc", "{\"a\":1}");
        after.put("tags", List.of("a"));
        after.put("price", 12.5);
        Map<String, Object> full = new java.util.HashMap<>();
        full.put("before", null);
        full.put("after", after);
        full.put("op", "c");
        Map<String, Object> deltaAfter = new java.util.HashMap<>(Map.of("id", 1, "qty", 6));
        deltaAfter.put("note", null);
        Map<String, Object> delta = Map.of("after", deltaAfter, "changed", List.of("qty", "note"), "op", "u");
        Map<String, Object> patch = Map.of("key", key, "op", "u",
                "patch", "[{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"b\"},"
                        + "{\"op\":\"replace\",\"path\":\"/doc/a\",\"value\":2}]");
        List<SinkRecord> records = new ArrayList<>();
        long offset = 0;
        for (Map<String, Object> value : List.of(full, delta, patch)) {
            records.add(new SinkRecord(table, 0, null, key, null, value, offset++));
        }
        try (TaskHarness task = task(db, table, Map.of())) {
            task.putAndCommit(records);
        }
        Map<String, Object> row = Items.row(db, table, 1);
        assertEquals("one", row.get("name"));
        assertEquals(6, ((Number) row.get("qty")).intValue());
        assertEquals(List.of("a", "b"), row.get("tags"));
        assertEquals(json("{\"a\":2}"), row.get("doc"));
        assertEquals(new BigDecimal("12.50"), row.get("price"));
    }
}
