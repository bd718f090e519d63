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
 * Partial updates of many rows in one write, grouped by column set into JDBC batches; rare column sets go as UPDATEs
 * of many rows from arrays on PostgreSQL and share a flagged statement on MariaDB: the same results on both,
 * whatever the column sets, types, names, NULLs and missing rows.
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
            // Two column sets of 4 rows; of the three rare ones, PostgreSQL sends the one of plain columns as an
            // UPDATE from arrays and the two writing json or array columns in one flagged statement.
            assertEquals(batches + (db.isPostgres() ? 4 : 3), task.task().metrics().getBatchesExecuted());
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
            insertTypeRows(task, e, 6);
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
        assertTypeRows(db, table, 6, id -> id <= 3, java.util.Set.of("id"));
    }

    /** Inserts rows 1..{@code rows}: the first three with their key only, the others with every type. */
    private static void insertTypeRows(TaskHarness task, TestDeltaEncoder e, int rows) {
        List<SinkRecord> inserts = new ArrayList<>();
        for (int id = 1; id <= rows; id++) {
            inserts.add(e.full("c", null, id <= 3 ? e.row("id", id) : SinkTypesAndSchemaTest.everyType(e, id)));
        }
        task.putAndCommit(inserts);
    }

    /** Rows 1..{@code rows} hold every type where {@code everyType} says so, else NULL in all but {@code kept}. */
    private static void assertTypeRows(TestDatabase db, String table, int rows, java.util.function.IntPredicate everyType,
                                       java.util.Set<String> kept) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
            for (int id = 1; id <= rows; id++) {
                assertTrue(rs.next());
                assertEquals(id, rs.getInt("id"));
                if (everyType.test(id)) {
                    SinkTypesAndSchemaTest.assertEveryType(db, rs);
                    continue;
                }
                for (Field field : SinkTypesAndSchemaTest.TYPES.fields()) {
                    if (!kept.contains(field.name())) {
                        assertNull(rs.getObject(field.name()), field.name() + " of row " + id);
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

    /** Fields of SinkTypesAndSchemaTest.TYPES whose columns cannot take arrays: json, native arrays, structs. */
    private static final java.util.Set<String> NOT_THROUGH_ARRAYS = java.util.Set.of("js", "arr", "st");

    /**
     * Every type the sink maps to a column that takes arrays: set in three rows (one rare column set), set to NULL
     * but for i8, which they leave as it is, in three others (another). Row 7 writes a json column, which cannot
     * take an array: on PostgreSQL the six rows go in one UPDATE from arrays and row 7 alone, on MariaDB all seven
     * in one flagged statement. The json, array and struct columns of rows 1-6 follow in a second write.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void everyPlainTypeAndNullInOneStatement(String kind) throws SQLException {
        TestDatabase db = databases.of(kind);
        String table = "plain_types_" + kind;
        TestDeltaEncoder e = new TestDeltaEncoder(table, table, SinkTypesAndSchemaTest.KEY, SinkTypesAndSchemaTest.TYPES);
        try (TaskHarness task = task(db, table, Map.of("schema.evolution", "basic"))) {
            insertTypeRows(task, e, 7);
            List<SinkRecord> plain = new ArrayList<>();
            List<SinkRecord> others = new ArrayList<>();
            for (int id = 1; id <= 6; id++) {
                Struct values = SinkTypesAndSchemaTest.everyType(e, id);
                Map<String, Object> plainChanges = new LinkedHashMap<>();
                Map<String, Object> otherChanges = new LinkedHashMap<>();
                for (Field field : values.schema().fields()) {
                    if (!field.name().equals("id") && (id <= 3 || !field.name().equals("i8"))) {
                        (NOT_THROUGH_ARRAYS.contains(field.name()) ? otherChanges : plainChanges)
                                .put(field.name(), id <= 3 ? values.get(field) : null);
                    }
                }
                plain.add(e.delta("u", e.row("id", id), plainChanges));
                others.add(e.delta("u", e.row("id", id), otherChanges));
            }
            plain.add(e.deltaUpdate(7, "js", SinkTypesAndSchemaTest.everyType(e, 7).get("js")));
            long batches = task.task().metrics().getBatchesExecuted();
            task.putAndCommit(plain);
            assertEquals(batches + (db.isPostgres() ? 2 : 1), task.task().metrics().getBatchesExecuted());
            task.putAndCommit(others);
        }
        assertTypeRows(db, table, 7, id -> id <= 3 || id == 7, java.util.Set.of("id", "i8"));
        assertEquals(-5, ((Number) TaskHarness.query(db, "SELECT i8 FROM " + table + " WHERE id = 5").get(0).get("i8"))
                .intValue(), "left as it was");
    }

    /**
     * PostgreSQL reads each array element as text: quotes, backslashes, braces, commas, the word NULL, empty
     * strings and bytes, NaN and infinities, offsets and padded chars must come out as they went in. The eight
     * rows are of four rare column sets: one UPDATE from arrays; row 9 writes json, which goes alone.
     */
    @org.junit.jupiter.api.Test
    void postgresArrayElementsKeepEveryCharacter() {
        TestDatabase db = databases.of("postgresql");
        String table = "elements";
        db.execute("CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, s VARCHAR(40), f DOUBLE PRECISION, g REAL, "
                + "b BYTEA, z TIMESTAMPTZ, ch CHAR(4), n NUMERIC(6,2), ok BOOLEAN, j JSONB)");
        Schema row = SchemaBuilder.struct().name("elements").field("id", Schema.INT64_SCHEMA)
                .field("s", Schema.OPTIONAL_STRING_SCHEMA).field("f", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("g", Schema.OPTIONAL_FLOAT32_SCHEMA).field("b", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("z", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").optional().build())
                .field("ch", Schema.OPTIONAL_STRING_SCHEMA)
                .field("n", org.apache.kafka.connect.data.Decimal.builder(2).optional().build())
                .field("ok", Schema.OPTIONAL_BOOLEAN_SCHEMA)
                .field("j", SchemaBuilder.string().name("io.debezium.data.Json").optional().build()).build();
        Schema key = SchemaBuilder.struct().name("elements.Key").field("id", Schema.INT64_SCHEMA).build();
        TestDeltaEncoder e = new TestDeltaEncoder(table, table, key, row);
        String[] strings = {"a \"q\" \\ {b}, c", "NULL", "", "ünï ✓ 😀 '"};
        double[] doubles = {Double.NaN, Double.NEGATIVE_INFINITY, -0.0, 123456789.125};
        float[] floats = {Float.POSITIVE_INFINITY, 0.1f, -1.5e-7f, Float.NaN};
        byte[][] bytes = {new byte[0], new byte[]{'\\', '"', ',', 0}, null, new byte[]{(byte) 255}};
        String[] zoned = {"2024-02-29T13:45:30.123456+05:30", "2024-02-29T13:45:30Z", null, "1999-12-31T23:59:59-08:00"};
        String[] chars = {"ab", " x", null, "{,}"};
        try (TaskHarness task = task(db, table, Map.of())) {
            List<SinkRecord> records = new ArrayList<>();
            for (long id = 1; id <= 9; id++) {
                records.add(e.full("c", null, e.row("id", id)));
            }
            task.putAndCommit(records);
            records.clear();
            for (int i = 0; i < 4; i++) {
                // Row 3 leaves b and row 7 leaves n and ok as they are (NULL): two more column sets.
                records.add(i == 2 ? e.deltaUpdate(3L, "s", strings[i], "f", doubles[i], "g", floats[i])
                        : e.deltaUpdate((long) i + 1, "s", strings[i], "f", doubles[i], "g", floats[i], "b", bytes[i]));
                records.add(i == 2 ? e.deltaUpdate(7L, "s", strings[i], "z", zoned[i], "ch", chars[i])
                        : e.deltaUpdate((long) i + 5, "s", strings[i], "z", zoned[i], "ch", chars[i],
                        "n", new BigDecimal("-12.5" + i), "ok", i % 2 == 0));
            }
            records.add(e.deltaUpdate(9L, "j", "{\"a\":1}"));
            long batches = task.task().metrics().getBatchesExecuted();
            task.putAndCommit(records);
            assertEquals(batches + 2, task.task().metrics().getBatchesExecuted(), "the arrays, then the json row");
        }
        List<Map<String, Object>> rows = TaskHarness.query(db, "SELECT s, f, g, b, z, ch, n, ok, j::text AS j FROM "
                + table + " ORDER BY id");
        assertEquals("{\"a\": 1}", rows.get(8).get("j"));
        for (int i = 0; i < 4; i++) {
            Map<String, Object> first = rows.get(i);
            assertEquals(strings[i], first.get("s"));
            assertEquals(doubles[i], ((Number) first.get("f")).doubleValue());
            assertEquals(floats[i], ((Number) first.get("g")).floatValue());
            if (bytes[i] == null) {
                assertNull(first.get("b"));
            } else {
                org.junit.jupiter.api.Assertions.assertArrayEquals(bytes[i], (byte[]) first.get("b"));
            }
            assertNull(first.get("z"), "left as it was");
            Map<String, Object> second = rows.get(i + 4);
            assertEquals(strings[i], second.get("s"));
            assertNull(second.get("f"), "left as it was");
            if (zoned[i] == null) {
                assertNull(second.get("z"));
            } else {
                assertEquals(java.time.OffsetDateTime.parse(zoned[i]).toInstant(),
                        ((java.sql.Timestamp) second.get("z")).toInstant());
            }
            assertEquals(chars[i] == null ? null : String.format("%-4s", chars[i]), second.get("ch"));
            assertEquals(i == 2 ? null : new BigDecimal("-12.5" + i), second.get("n"));
            assertEquals(i == 2 ? null : i % 2 == 0, second.get("ok"));
        }
    }

    /**
     * 30 rows over all 15 column sets of qty, name, note and price (two rows each, so every set is rare) and 4
     * missing rows, in chunks of batch.size=7 rows: each chunk finds its own missing rows, under every
     * missing.row.mode. PostgreSQL sends the 34 rows as 5 UPDATEs from arrays, MariaDB as 5 flagged batches.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dbAndMissingRowMode")
    void missingRowsInChunksOfBatchSize(String kind, String mode) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "chunks_" + mode);
        TestDeltaEncoder e = Items.encoder(table);
        Map<String, String> config = Map.of("missing.row.mode", mode, "batch.size", "7");
        try (TaskHarness task = task(db, table, config)) {
            task.putAndCommit(inserts(e, 1, 30));
        }
        List<SinkRecord> updates = new ArrayList<>();
        for (int id = 1; id <= 30; id++) {
            updates.add(update(e, id, id % 15 + 1));
            if (id % 7 == 0) {
                updates.add(update(e, 1000 + id, 1 << (id / 7 - 1)));
            }
        }
        try (TaskHarness task = task(db, table, config)) {
            long batches = task.task().metrics().getBatchesExecuted();
            if (mode.equals("fail")) {
                ConnectException error = assertThrows(ConnectException.class, () -> task.putAndCommit(updates));
                assertTrue(error.getMessage().contains("missing.row.mode"), error.getMessage());
                assertEquals(5, qty(db, table, 1), "nothing of a failed write is written");
                assertEquals(30, Items.count(db, table));
                return;
            }
            task.putAndCommit(updates);
            assertEquals(batches + 5 + (mode.equals("insert") ? 4 : 0), task.task().metrics().getBatchesExecuted(),
                    "34 rows in chunks of 7, then an INSERT per column set of the missing rows");
            assertEquals(4, mode.equals("skip") ? task.task().metrics().getMissingRowsSkipped()
                    : task.task().metrics().getMissingRowsInserted());
        }
        for (int id = 1; id <= 30; id++) {
            int set = id % 15 + 1;
            Map<String, Object> stored = Items.row(db, table, id);
            assertEquals((set & 1) != 0 ? id + 100 : 5, ((Number) stored.get("qty")).intValue(), "row " + id);
            assertEquals((set & 2) != 0 ? "u1-" + id : "n" + id, stored.get("name"), "row " + id);
            assertEquals((set & 4) != 0 ? null : "note " + id, stored.get("note"), "row " + id);
            assertEquals(new BigDecimal((set & 8) != 0 ? id + ".15" : "1.50"), stored.get("price"), "row " + id);
        }
        assertEquals(mode.equals("skip") ? 30 : 34, Items.count(db, table));
        if (mode.equals("insert")) {
            assertEquals(1107, qty(db, table, 1007));
            assertEquals("u1-1014", Items.row(db, table, 1014).get("name"));
            assertNull(Items.row(db, table, 1014).get("qty"));
            assertEquals(new BigDecimal("1028.15"), Items.row(db, table, 1028).get("price"));
        }
    }

    /** An update of the columns in {@code set} (bits: qty, name, note, price) of row {@code id}. */
    private static SinkRecord update(TestDeltaEncoder e, int id, int set) {
        return e.delta("u", e.id(id), changes(id, set, 1));
    }

    /** The changes of version {@code version} of the columns in {@code set} (bits: qty, name, note, price). */
    private static Map<String, Object> changes(int id, int set, int version) {
        Map<String, Object> changed = new LinkedHashMap<>();
        if ((set & 1) != 0) {
            changed.put("qty", id + 100 * version);
        }
        if ((set & 2) != 0) {
            changed.put("name", "u" + version + "-" + id);
        }
        if ((set & 4) != 0) {
            changed.put("note", null);
        }
        if ((set & 8) != 0) {
            changed.put("price", new BigDecimal(id + "." + version + "5"));
        }
        return changed;
    }

    /**
     * Without the reduction buffer each update of a key runs in its own round, in order, so no key appears twice in
     * one UPDATE from arrays. Three rounds of 20 rows over rare column sets.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void repeatedKeysWithoutTheReductionBuffer(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "unreduced");
        TestDeltaEncoder e = Items.encoder(table);
        Map<String, String> config = Map.of("use.reduction.buffer", "false");
        Map<Integer, Map<String, Object>> expected = new HashMap<>();
        try (TaskHarness task = task(db, table, config)) {
            task.putAndCommit(inserts(e, 1, 20));
            List<SinkRecord> updates = new ArrayList<>();
            for (int step = 0; step < 3; step++) {
                for (int id = 1; id <= 20; id++) {
                    int set = (id + 5 * step) % 15 + 1;
                    Map<String, Object> changed = changes(id, set, step + 1);
                    updates.add(e.delta("u", e.id(id), changed));
                    expected.computeIfAbsent(id, k -> itemsRowAsStored(k)).putAll(changed);
                }
            }
            task.putAndCommit(updates);
        }
        for (int id = 1; id <= 20; id++) {
            assertEquals(expected.get(id), Items.row(db, table, id), "row " + id);
        }
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
