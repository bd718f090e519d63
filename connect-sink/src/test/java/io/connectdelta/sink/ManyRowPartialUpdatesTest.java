package io.connectdelta.sink;

import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.Items;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.connectdelta.sink.support.Items.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Partial updates of many rows in one write, grouped by column set into JDBC batches (rare column sets sharing a
 * flagged statement): the same results on PostgreSQL and MariaDB, whatever the column sets, types, names and
 * missing rows.
 */
class ManyRowPartialUpdatesTest {
    static DatabasePair databases;

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("sink_manyrows");
    }

    static Stream<String> dbs() {
        return DatabasePair.kinds();
    }

    static Stream<Arguments> dbAndMissingRowMode() {
        List<Arguments> arguments = new ArrayList<>();
        for (String db : List.of("postgresql", "mariadb")) {
            for (String mode : List.of("fail", "skip", "insert")) {
                arguments.add(Arguments.of(db, mode));
            }
        }
        return arguments.stream();
    }

    static TaskHarness task(TestDatabase db, String topic, Map<String, String> overrides) {
        Map<String, String> config = TaskHarness.baseConfig(db, "manyrows-" + topic);
        config.putAll(overrides);
        return new TaskHarness(config, topic);
    }

    static Struct itemsRow(TestDeltaEncoder e, int id) {
        return e.row("id", id, "name", "n" + id, "qty", 5, "note", "note " + id, "doc", "{\"a\":1}",
                "tags", List.of("a"), "price", new BigDecimal("1.50"));
    }

    static List<SinkRecord> inserts(TestDeltaEncoder e, int from, int to) {
        List<SinkRecord> records = new ArrayList<>();
        for (int id = from; id <= to; id++) {
            records.add(e.full("c", null, itemsRow(e, id)));
        }
        return records;
    }

    static int qty(TestDatabase db, String table, int id) {
        return ((Number) Items.row(db, table, id).get("qty")).intValue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void severalColumnSetsAndNullsInOneWrite(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "sets");
        TestDeltaEncoder e = Items.encoder(table);
        try (TaskHarness task = task(db, table, Map.of())) {
            task.putAndCommit(inserts(e, 1, 12));
            long batches = task.task().metrics().getBatchesExecuted();
            List<SinkRecord> updates = new ArrayList<>();
            for (int id = 1; id <= 4; id++) {
                updates.add(e.deltaUpdate(id, "qty", 10 + id));
                updates.add(e.deltaUpdate(id + 4, "name", null, "note", "changed " + id));
            }
            updates.add(e.deltaUpdate(9, "doc", "{\"b\":[1,2]}", "tags", List.of("x", "y")));
            updates.add(e.deltaUpdate(10, "price", null));
            updates.add(e.deltaUpdate(11, "tags", null, "qty", null));
            task.putAndCommit(updates);
            assertEquals(batches + 3, task.task().metrics().getBatchesExecuted(),
                    "two column sets of 4 rows, three rare ones sharing a statement");
        }
        for (int id = 1; id <= 4; id++) {
            Map<String, Object> row = Items.row(db, table, id);
            assertEquals(10 + id, ((Number) row.get("qty")).intValue());
            assertEquals("n" + id, row.get("name"));
            assertEquals("note " + id, row.get("note"));
            Map<String, Object> other = Items.row(db, table, id + 4);
            assertNull(other.get("name"));
            assertEquals("changed " + id, other.get("note"));
            assertEquals(5, ((Number) other.get("qty")).intValue());
        }
        Map<String, Object> jsonAndArray = Items.row(db, table, 9);
        assertEquals(json("{\"b\":[1,2]}"), jsonAndArray.get("doc"));
        assertEquals(List.of("x", "y"), jsonAndArray.get("tags"));
        assertEquals("n9", jsonAndArray.get("name"));
        assertNull(Items.row(db, table, 10).get("price"));
        assertEquals(List.of("a"), Items.row(db, table, 10).get("tags"));
        assertNull(Items.row(db, table, 11).get("tags"));
        assertNull(Items.row(db, table, 11).get("qty"));
        assertEquals(new BigDecimal("1.50"), Items.row(db, table, 11).get("price"));
        assertEquals(itemsRowAsStored(12), Items.row(db, table, 12));
    }

    static Map<String, Object> itemsRowAsStored(int id) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("name", "n" + id);
        row.put("qty", 5);
        row.put("note", "note " + id);
        row.put("doc", json("{\"a\":1}"));
        row.put("tags", List.of("a"));
        row.put("price", new BigDecimal("1.50"));
        return row;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void everyLogicalTypeAndNullInManyRows(String kind) throws SQLException {
        TestDatabase db = databases.of(kind);
        String table = "types_" + kind;
        TestDeltaEncoder e = new TestDeltaEncoder(table, table, SinkTypesAndSchemaTest.KEY, SinkTypesAndSchemaTest.TYPES);
        try (TaskHarness task = task(db, table, Map.of("schema.evolution", "basic"))) {
            List<SinkRecord> inserts = new ArrayList<>();
            for (int id = 1; id <= 6; id++) {
                inserts.add(e.full("c", null, id <= 3 ? e.row("id", id) : SinkTypesAndSchemaTest.everyType(e, id)));
            }
            task.putAndCommit(inserts);
            List<SinkRecord> updates = new ArrayList<>();
            for (int id = 1; id <= 6; id++) {
                Struct values = SinkTypesAndSchemaTest.everyType(e, id);
                Map<String, Object> changed = new LinkedHashMap<>();
                for (Field field : values.schema().fields()) {
                    if (!field.name().equals("id")) {
                        changed.put(field.name(), id <= 3 ? values.get(field) : null);
                    }
                }
                updates.add(e.delta("u", e.row("id", id), changed));
            }
            task.putAndCommit(updates);
        }
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
            for (int id = 1; id <= 6; id++) {
                assertTrue(rs.next());
                assertEquals(id, rs.getInt("id"));
                if (id <= 3) {
                    SinkTypesAndSchemaTest.assertEveryType(db, rs);
                } else {
                    for (Field field : SinkTypesAndSchemaTest.TYPES.fields()) {
                        if (!field.name().equals("id")) {
                            assertNull(rs.getObject(field.name()), field.name() + " of row " + id);
                        }
                    }
                }
            }
        }
    }

    /**
     * 1,202 rows and 4 missing ones in one write (more than the default batch.size of 1000 rows per batch): two of
     * them in the column set qty, and two in rare column sets that share a flagged statement with existing rows.
     * Their INSERTs (missing.row.mode=insert) span three column sets, rare ones too, and must stay INSERTs.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dbAndMissingRowMode")
    void missingRowsInLargeWrites(String kind, String mode) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "missing_" + mode);
        TestDeltaEncoder e = Items.encoder(table);
        Map<String, String> config = Map.of("missing.row.mode", mode, "batch.size", "5000");
        try (TaskHarness task = task(db, table, config)) {
            task.putAndCommit(inserts(e, 1, 1202));
        }
        List<SinkRecord> updates = new ArrayList<>();
        Map<Integer, SinkRecord> orphans = new HashMap<>();
        for (int id = 1; id <= 1200; id++) {
            updates.add(e.deltaUpdate(id, "qty", id + 1));
            if (id == 700) {
                orphans.put(5000, e.deltaUpdate(5000, "qty", 1));
                updates.add(orphans.get(5000));
            }
        }
        orphans.put(5001, e.deltaUpdate(5001, "qty", 2));
        updates.add(orphans.get(5001));
        updates.add(e.deltaUpdate(1201, "name", "set"));
        orphans.put(5002, e.deltaUpdate(5002, "name", "orphan"));
        updates.add(orphans.get(5002));
        updates.add(e.deltaUpdate(1202, "note", "set", "price", new BigDecimal("2.25")));
        orphans.put(5003, e.deltaUpdate(5003, "note", "orphan", "price", null));
        updates.add(orphans.get(5003));

        try (TaskHarness task = task(db, table, config)) {
            if (mode.equals("fail")) {
                ConnectException error = assertThrows(ConnectException.class, () -> task.putAndCommit(updates));
                assertTrue(error.getMessage().contains("missing.row.mode"), error.getMessage());
                assertTrue(error.getMessage().contains("offset " + orphans.get(5000).kafkaOffset() + "")
                        || error.getMessage().contains("offset " + orphans.get(5001).kafkaOffset() + ""),
                        "names a missing row of the qty statements: " + error.getMessage());
                assertEquals(5, qty(db, table, 1), "nothing of a failed write is written");
                assertEquals(5, qty(db, table, 1200));
                assertEquals(1202, Items.count(db, table));
                return;
            }
            task.putAndCommit(updates);
            if (mode.equals("skip")) {
                assertEquals(4, task.task().metrics().getMissingRowsSkipped());
            } else {
                assertEquals(4, task.task().metrics().getMissingRowsInserted());
            }
        }
        for (int id : new int[]{1, 700, 999, 1000, 1001, 1200}) {
            assertEquals(id + 1, qty(db, table, id), "row " + id);
        }
        assertEquals("set", Items.row(db, table, 1201).get("name"));
        assertEquals("set", Items.row(db, table, 1202).get("note"));
        assertEquals(new BigDecimal("2.25"), Items.row(db, table, 1202).get("price"));
        if (mode.equals("skip")) {
            assertEquals(1202, Items.count(db, table));
            return;
        }
        assertEquals(1206, Items.count(db, table));
        assertEquals(1, qty(db, table, 5000));
        assertNull(Items.row(db, table, 5000).get("name"));
        assertEquals(2, qty(db, table, 5001));
        assertEquals("orphan", Items.row(db, table, 5002).get("name"));
        assertNull(Items.row(db, table, 5002).get("qty"));
        assertEquals("orphan", Items.row(db, table, 5003).get("note"));
        assertNull(Items.row(db, table, 5003).get("price"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void hostileColumnNamesInEveryPartOfTheStatement(String kind) {
        TestDatabase db = databases.of(kind);
        String table = "many \"row`s' ü";
        String key = "k\"e`y ä";
        String[] columns = {"c\"o`l'; DROP TABLE x; --", "with space", "ünïcødé ✓", "v"};
        SchemaBuilder builder = SchemaBuilder.struct().name("hostile").field(key, Schema.INT32_SCHEMA);
        for (String column : columns) {
            builder.field(column, Schema.OPTIONAL_STRING_SCHEMA);
        }
        Schema row = builder.build();
        Schema keySchema = SchemaBuilder.struct().name("hostile.Key").field(key, Schema.INT32_SCHEMA).build();
        TestDeltaEncoder e = new TestDeltaEncoder("hostile_manyrows", table, keySchema, row);
        Map<String, String> config = Map.of("schema.evolution", "basic", "collection.name.format", "${source.table}");
        try (TaskHarness task = task(db, "hostile_manyrows", config)) {
            List<SinkRecord> inserts = new ArrayList<>();
            for (int id = 1; id <= 10; id++) {
                inserts.add(e.full("c", null, e.row(key, id, columns[0], "a", columns[1], "b", columns[2], "c",
                        columns[3], "d")));
            }
            task.putAndCommit(inserts);
            List<SinkRecord> updates = new ArrayList<>();
            for (int id = 1; id <= 4; id++) {
                updates.add(e.delta("u", e.row(key, id), Map.of(columns[0], "x'\"`" + id)));
                updates.add(e.delta("u", e.row(key, id + 4), Map.of(columns[1], "y" + id, columns[2], "z" + id)));
            }
            updates.add(e.delta("u", e.row(key, 9), Map.of(columns[3], "rare")));
            Map<String, Object> nullValue = new HashMap<>();
            nullValue.put(columns[2], null);
            updates.add(e.delta("u", e.row(key, 10), nullValue));
            task.putAndCommit(updates);
        }
        String q = db.isPostgres() ? "\"" : "`";
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < columns.length; i++) {
            select.append(quote(q, columns[i])).append(" AS c").append(i).append(", ");
        }
        select.append(quote(q, key)).append(" AS id FROM ").append(quote(q, table)).append(" ORDER BY ").append(quote(q, key));
        List<Map<String, Object>> rows = TaskHarness.query(db, select.toString());
        assertEquals(10, rows.size());
        for (int id = 1; id <= 4; id++) {
            assertEquals(List.of("x'\"`" + id, "b", "c", "d"), values(rows.get(id - 1)));
            assertEquals(List.of("a", "y" + id, "z" + id, "d"), values(rows.get(id + 3)));
        }
        assertEquals(List.of("a", "b", "c", "rare"), values(rows.get(8)));
        assertEquals(java.util.Arrays.asList("a", "b", null, "d"), values(rows.get(9)));
    }

    private static String quote(String q, String identifier) {
        return q + identifier.replace(q, q + q) + q;
    }

    private static List<Object> values(Map<String, Object> row) {
        return java.util.Arrays.asList(row.get("c0"), row.get("c1"), row.get("c2"), row.get("c3"));
    }

    /** 70 columns updated in 1,000 rows: 71,000 parameters in one batch, more than one statement may carry. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void wideRowsStayWithinTheParameterLimit(String kind) {
        TestDatabase db = databases.of(kind);
        String table = "wide_" + kind;
        SchemaBuilder builder = SchemaBuilder.struct().name("wide").field("id", Schema.INT32_SCHEMA);
        for (int i = 0; i < 70; i++) {
            builder.field("c" + i, Schema.OPTIONAL_INT64_SCHEMA);
        }
        Schema row = builder.build();
        TestDeltaEncoder e = new TestDeltaEncoder(table, table, SinkTypesAndSchemaTest.KEY, row);
        try (TaskHarness task = task(db, table, Map.of("schema.evolution", "basic"))) {
            List<SinkRecord> inserts = new ArrayList<>();
            List<SinkRecord> updates = new ArrayList<>();
            for (int id = 1; id <= 1000; id++) {
                inserts.add(e.full("c", null, e.row("id", id)));
                Map<String, Object> changed = new LinkedHashMap<>();
                for (int i = 0; i < 70; i++) {
                    changed.put("c" + i, (long) id * 100 + i);
                }
                updates.add(e.delta("u", e.row("id", id), changed));
            }
            task.putAndCommit(inserts);
            long batches = task.task().metrics().getBatchesExecuted();
            task.putAndCommit(updates);
            assertEquals(batches + 1, task.task().metrics().getBatchesExecuted(), "one column set, one batch");
        }
        List<Map<String, Object>> sums = TaskHarness.query(db, "SELECT COUNT(*) AS n, SUM(c0) AS first, "
                + "SUM(c69) AS last FROM " + table);
        assertEquals(1000, ((Number) sums.get(0).get("n")).intValue());
        assertEquals(100L * 500_500, ((Number) sums.get(0).get("first")).longValue());
        assertEquals(100L * 500_500 + 69_000, ((Number) sums.get(0).get("last")).longValue());
    }
}
