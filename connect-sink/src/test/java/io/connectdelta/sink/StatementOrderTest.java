package io.connectdelta.sink;

import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The order statements run in inside one write, and tables with a secondary UNIQUE key, on real PostgreSQL and
 * MariaDB: a unique value freed earlier in a write is freed before it is taken, an upsert or a delta is never
 * redirected to another row by a unique key, and a key's statements keep their order.
 */
class StatementOrderTest {
    private static final Schema KEY = SchemaBuilder.struct().name("srv.public.people.Key")
            .field("id", Schema.INT32_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("srv.public.people.Value")
            .field("id", Schema.INT32_SCHEMA)
            .field("email", Schema.OPTIONAL_STRING_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .build();
    private static final AtomicInteger COUNTER = new AtomicInteger();
    static DatabasePair databases;

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("statement_order");
    }

    static Stream<String> dbs() {
        return DatabasePair.kinds();
    }

    static Stream<Arguments> dbsAndReduction() {
        List<Arguments> arguments = new ArrayList<>();
        for (String db : List.of("postgresql", "mariadb")) {
            arguments.add(Arguments.of(db, true));
            arguments.add(Arguments.of(db, false));
        }
        return arguments.stream();
    }

    /** A fresh table with a primary key and, when asked, a secondary UNIQUE key on email. */
    private static String table(TestDatabase db, boolean uniqueEmail) {
        String table = "people_" + COUNTER.incrementAndGet();
        db.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, email VARCHAR(100)"
                + (uniqueEmail ? " UNIQUE" : "") + ", name VARCHAR(100))");
        return table;
    }

    private static TaskHarness task(TestDatabase db, String table, Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(TaskHarness.baseConfig(db, "order-" + table));
        config.putAll(overrides);
        return new TaskHarness(config, table);
    }

    private static SinkRecord upsert(TestDeltaEncoder e, String op, int id, String email, String name) {
        return e.full(op, null, person(e, id, email, name));
    }

    private static Struct person(TestDeltaEncoder e, int id, String email, String name) {
        return e.row("id", id, "email", email, "name", name);
    }

    /** id -> "email/name" of every row. */
    private static Map<Integer, String> rows(TestDatabase db, String table) {
        Map<Integer, String> rows = new java.util.TreeMap<>();
        for (Map<String, Object> row : TaskHarness.query(db, "SELECT id, email, name FROM " + table)) {
            rows.put(((Number) row.get("id")).intValue(), row.get("email") + "/" + row.get("name"));
        }
        return rows;
    }

    @ParameterizedTest(name = "{0} full={1}")
    @MethodSource("dbsAndFull")
    void aRowTakingAUniqueValueFreedEarlierInTheWriteIsWrittenAndOverwritesNothing(String kind, boolean full) {
        TestDatabase db = databases.of(kind);
        String table = table(db, true);
        TestDeltaEncoder e = new TestDeltaEncoder(table, table, KEY, ROW);
        try (TaskHarness task = task(db, table, Map.of())) {
            task.putAndCommit(upsert(e, "c", 1, "x@a", "a"));
            // One write: 3 is inserted first (its key comes first in the write), then 1 frees x@a, then 3 takes it.
            task.putAndCommit(upsert(e, "c", 3, "w@c", "c2"),
                    full ? upsert(e, "u", 1, "z@a", "a") : e.deltaUpdate(1, "email", "z@a"),
                    full ? upsert(e, "u", 3, "x@a", "c2") : e.deltaUpdate(3, "email", "x@a"));
            assertEquals(Map.of(1, "z@a/a", 3, "x@a/c2"), rows(db, table));
            assertEquals(0, task.task().metrics().getRecordsReportedToDlq());
        }
    }

    static Stream<Arguments> dbsAndFull() {
        return dbsAndReduction();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void aFullRowWhoseUniqueValueAnotherRowHoldsIsAnErrorNamingItsRecord(String kind) {
        TestDatabase db = databases.of(kind);
        String table = table(db, true);
        TestDeltaEncoder e = new TestDeltaEncoder(table, table, KEY, ROW);
        // A row the source no longer has (a delete the sink ignored, a row written by hand) holds x@a.
        db.execute("INSERT INTO " + table + " (id, email, name) VALUES (1, 'x@a', 'stale')");
        try (TaskHarness task = task(db, table, Map.of())) {
            SinkRecord colliding = upsert(e, "c", 3, "x@a", "new");
            ConnectException error = assertThrows(ConnectException.class,
                    () -> task.putAndCommit(upsert(e, "c", 2, "y@b", "b"), colliding));
            assertTrue(error.getMessage().contains("topic '" + table + "' partition 0 offset " + colliding.kafkaOffset()),
                    error.getMessage());
            assertTrue(error.getMessage().contains("SQLState 23"), error.getMessage());
        }
        assertEquals(Map.of(1, "x@a/stale"), rows(db, table), "the other row is untouched, nothing of the write is in");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void aDeltaIsAnUpdateByPrimaryKeyThatAUniqueKeyCannotRedirect(String kind) {
        TestDatabase db = databases.of(kind);
        String table = table(db, true);
        TestDeltaEncoder e = new TestDeltaEncoder(table, table, KEY, ROW);
        db.execute("INSERT INTO " + table + " (id, email, name) VALUES (1, 'x@a', 'a'), (2, 'y@b', 'b')");
        try (TaskHarness task = task(db, table, Map.of("missing.row.mode", "insert"))) {
            SinkRecord colliding = e.deltaUpdate(2, "email", "x@a", "name", "b2");
            ConnectException error = assertThrows(ConnectException.class, () -> task.putAndCommit(colliding));
            assertTrue(error.getMessage().contains("offset " + colliding.kafkaOffset()), error.getMessage());
        }
        try (TaskHarness task = task(db, table, Map.of("missing.row.mode", "insert"))) {
            // A delta of a missing row becomes an INSERT, never an upsert onto the row holding the value.
            SinkRecord missing = e.deltaUpdate(5, "email", "y@b", "name", "e");
            ConnectException error = assertThrows(ConnectException.class, () -> task.putAndCommit(missing));
            assertTrue(error.getMessage().contains("offset " + missing.kafkaOffset()), error.getMessage());
        }
        assertEquals(Map.of(1, "x@a/a", 2, "y@b/b"), rows(db, table));
    }

    @ParameterizedTest(name = "{0} reduction={1}")
    @MethodSource("dbsAndReduction")
    void aKeysStatementsKeepTheirOrderInsideAWrite(String kind, boolean reduction) {
        TestDatabase db = databases.of(kind);
        for (boolean unique : List.of(false, true)) {
            String table = table(db, unique);
            TestDeltaEncoder e = new TestDeltaEncoder(table, table, KEY, ROW);
            try (TaskHarness task = task(db, table, Map.of("use.reduction.buffer", String.valueOf(reduction),
                    "missing.row.mode", "fail"))) {
                task.putAndCommit(upsert(e, "c", 9, "q@9", "nine"));
                task.putAndCommit(
                        upsert(e, "c", 1, "k@1", "first"),
                        e.deltaUpdate(9, "name", "nine2"),
                        e.full("d", person(e, 1, "k@1", "first"), null),
                        upsert(e, "c", 2, "j@2", "j0"),
                        e.full("d", person(e, 9, "q@9", "nine2"), null),
                        upsert(e, "c", 1, "k@1", "second"),
                        e.deltaUpdate(2, "name", "j1"),
                        upsert(e, "c", 9, "q@9", "back"),
                        e.deltaUpdate(1, "name", "third"),
                        e.deltaUpdate(9, "email", "r@9"),
                        e.full("d", person(e, 2, "j@2", "j1"), null),
                        upsert(e, "c", 2, "j@2", "j2"),
                        e.deltaUpdate(2, "name", "j3"));
                assertEquals(Map.of(1, "k@1/third", 2, "j@2/j3", 9, "r@9/back"), rows(db, table),
                        "unique=" + unique);
                assertEquals(0, task.task().metrics().getRecordsReportedToDlq());
            }
        }
    }

    @ParameterizedTest(name = "{0} reduction={1}")
    @MethodSource("dbsAndReduction")
    void randomMovesOfUniqueValuesBetweenRowsEndAsInTheSource(String kind, boolean reduction) {
        TestDatabase db = databases.of(kind);
        String table = table(db, true);
        TestDeltaEncoder e = new TestDeltaEncoder(table, table, KEY, ROW);
        java.util.Random random = new java.util.Random(20261205L + kind.length() + (reduction ? 1 : 0));
        List<String> pool = List.of("a@x", "b@x", "c@x", "d@x", "e@x", "f@x");
        Map<Integer, String> model = new java.util.TreeMap<>();
        Map<Integer, String> emails = new HashMap<>();
        List<SinkRecord> records = new ArrayList<>();
        int nextId = 1;
        for (int step = 0; step < 400; step++) {
            List<String> free = new ArrayList<>(pool);
            free.removeAll(emails.values());
            int action = random.nextInt(10);
            boolean full = random.nextBoolean();
            if (model.isEmpty() || action < 2) {
                int id = nextId++;
                String email = free.isEmpty() || random.nextInt(5) == 0 ? null : free.get(random.nextInt(free.size()));
                emails.put(id, email);
                model.put(id, email + "/n" + step);
                records.add(upsert(e, "c", id, email, "n" + step));
                continue;
            }
            List<Integer> ids = new ArrayList<>(model.keySet());
            int id = ids.get(random.nextInt(ids.size()));
            String name = model.get(id).substring(model.get(id).indexOf('/') + 1);
            if (action < 3) {
                records.add(e.full("d", person(e, id, emails.get(id), name), null));
                model.remove(id);
                emails.remove(id);
            } else if (action < 8 && !free.isEmpty()) {
                // Moves a row to a free value, often one another row freed a moment ago.
                String email = free.get(random.nextInt(free.size()));
                emails.put(id, email);
                model.put(id, email + "/" + name);
                records.add(full ? upsert(e, "u", id, email, name) : e.deltaUpdate(id, "email", email));
            } else {
                String renamed = "r" + step;
                model.put(id, emails.get(id) + "/" + renamed);
                records.add(full ? upsert(e, "u", id, emails.get(id), renamed) : e.deltaUpdate(id, "name", renamed));
            }
        }
        try (TaskHarness task = task(db, table, Map.of("use.reduction.buffer", String.valueOf(reduction)))) {
            for (int from = 0; from < records.size(); ) {
                int to = Math.min(records.size(), from + 1 + random.nextInt(60));
                task.putAndCommit(records.subList(from, to));
                from = to;
            }
            assertEquals(model, rows(db, table));
            assertEquals(0, task.task().metrics().getRecordsReportedToDlq());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void anUpsertOfTheKeyAloneInsertsOnceAndThenChangesNothing(String kind) {
        TestDatabase db = databases.of(kind);
        String table = table(db, true);
        TestDeltaEncoder e = new TestDeltaEncoder(table, table, KEY, ROW);
        // Only the key is written: the upsert has no column to update.
        try (TaskHarness task = task(db, table, Map.of("field.exclude.list", table + ":email," + table + ":name"))) {
            task.putAndCommit(upsert(e, "c", 1, "x@a", "a"));
            task.putAndCommit(upsert(e, "u", 1, "y@a", "a2"), upsert(e, "c", 2, "z@a", "b"));
            assertEquals(Map.of(1, "null/null", 2, "null/null"), rows(db, table));
        }
    }
}
