package io.connectdelta.sink;

import io.connectdelta.sink.support.QueryCountingProxy;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import io.connectdelta.transforms.ToIdOnly;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The sink's re-select (reselect.connection.url) against real PostgreSQL and MariaDB sources and targets: id-only
 * events become the source's current rows with one query per table and write, counted on the wire by a proxy in
 * front of the source.
 */
class SinkReselectTest {
    private static final Schema KEY = SchemaBuilder.struct().name("srv.public.things.Key")
            .field("id", Schema.INT32_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("srv.public.things.Value")
            .field("id", Schema.INT32_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("qty", Schema.OPTIONAL_INT32_SCHEMA).build();
    private static final Schema PAIR_KEY = SchemaBuilder.struct().name("srv.public.pairs.Key")
            .field("a", Schema.INT32_SCHEMA).field("b", Schema.STRING_SCHEMA).build();
    private static final Schema PAIR_ROW = SchemaBuilder.struct().name("srv.public.pairs.Value")
            .field("a", Schema.INT32_SCHEMA).field("b", Schema.STRING_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA).build();
    /** A text key field over the INT key column of a things table. */
    private static final Schema TEXT_KEY = SchemaBuilder.struct().name("srv.public.things.Key")
            .field("id", Schema.STRING_SCHEMA).build();
    private static final Schema TEXT_ROW = SchemaBuilder.struct().name("srv.public.things.Value")
            .field("id", Schema.STRING_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("qty", Schema.OPTIONAL_INT32_SCHEMA).build();
    private static final AtomicInteger COUNTER = new AtomicInteger();

    static TestDatabase postgresSource;
    static TestDatabase mariadbSource;
    static TestDatabase postgresTarget;
    static TestDatabase mariadbTarget;

    @BeforeAll
    static void databases() {
        postgresSource = TestDatabases.postgres().createDatabase("reselect_src");
        mariadbSource = TestDatabases.mariadb().createDatabase("reselect_src");
        postgresTarget = TestDatabases.postgres().createDatabase("reselect_dst");
        mariadbTarget = TestDatabases.mariadb().createDatabase("reselect_dst");
    }

    static Stream<Arguments> sourcesAndTargets() {
        return Stream.of(Arguments.of("postgresql", "postgresql"), Arguments.of("postgresql", "mariadb"),
                Arguments.of("mariadb", "postgresql"), Arguments.of("mariadb", "mariadb"));
    }

    static TestDatabase source(String kind) {
        return kind.equals("postgresql") ? postgresSource : mariadbSource;
    }

    static TestDatabase target(String kind) {
        return kind.equals("postgresql") ? postgresTarget : mariadbTarget;
    }

    /** A things table of this name in both databases; the source gets rows 1..rows. */
    static String things(TestDatabase source, TestDatabase target, int rows) {
        String table = "things_" + COUNTER.incrementAndGet();
        for (TestDatabase db : List.of(source, target)) {
            db.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, name VARCHAR(100), qty INT)");
        }
        for (int id = 1; id <= rows; id++) {
            source.execute("INSERT INTO " + table + " VALUES (" + id + ", 'name " + id + "', " + id * 10 + ")");
        }
        return table;
    }

    static Map<String, String> config(TestDatabase target, QueryCountingProxy source, String name) {
        Map<String, String> config = TaskHarness.baseConfig(target, name);
        config.put("reselect.connection.url", source.jdbcUrl());
        TestDatabase db = sourceOf(source);
        config.put("reselect.connection.username", db.user());
        config.put("reselect.connection.password", db.password());
        config.put("reselect.table.name.format", "${topic}");
        return config;
    }

    private static final Map<QueryCountingProxy, TestDatabase> PROXIED = new java.util.concurrent.ConcurrentHashMap<>();

    static QueryCountingProxy proxy(TestDatabase source, String marker) {
        QueryCountingProxy proxy = new QueryCountingProxy(source, marker);
        PROXIED.put(proxy, source);
        return proxy;
    }

    static TestDatabase sourceOf(QueryCountingProxy proxy) {
        return PROXIED.get(proxy);
    }

    static List<SinkRecord> idOnlyUpdates(TestDeltaEncoder encoder, int from, int to) {
        List<SinkRecord> records = new ArrayList<>();
        for (int id = from; id <= to; id++) {
            records.add(encoder.idOnlyEvent("u", encoder.row("id", id)));
        }
        return records;
    }

    /** The table's rows as text, ordered by the columns given. */
    static List<String> rows(TestDatabase db, String table, String orderBy) {
        return TaskHarness.query(db, "SELECT * FROM " + table + " ORDER BY " + orderBy).stream()
                .map(row -> row.values().stream().map(String::valueOf).collect(Collectors.joining("|")))
                .toList();
    }

    @ParameterizedTest(name = "{0} source, {1} target")
    @MethodSource("sourcesAndTargets")
    void aWriteOfIdOnlyEventsIsOneSourceQuery(String sourceKind, String targetKind) {
        TestDatabase source = source(sourceKind);
        TestDatabase target = target(targetKind);
        String table = things(source, target, 60);
        TestDeltaEncoder encoder = new TestDeltaEncoder(table, table, KEY, ROW);
        try (QueryCountingProxy proxy = proxy(source, table);
             TaskHarness task = new TaskHarness(config(target, proxy, "one-query-" + table), table)) {
            // 60 events, one of them twice: still one query, and both get the row.
            List<SinkRecord> records = idOnlyUpdates(encoder, 1, 60);
            records.add(encoder.idOnlyEvent("u", encoder.row("id", 7)));
            task.putAndCommit(records);
            assertEquals(1, proxy.queries(), "source queries for 61 id-only events of one table");
            assertEquals(1, task.task().metrics().getReselectQueries());
            assertEquals(61, task.task().metrics().getRowsReselected());
            assertEquals(0, task.task().metrics().getReselectedRowsGone());
        }
        assertEquals(rows(source, table, "id"), rows(target, table, "id"));
    }

    @ParameterizedTest(name = "{0} source, {1} target")
    @MethodSource("sourcesAndTargets")
    void compositeKeysAreSelectedByRowValue(String sourceKind, String targetKind) {
        TestDatabase source = source(sourceKind);
        TestDatabase target = target(targetKind);
        String table = "pairs_" + COUNTER.incrementAndGet();
        for (TestDatabase db : List.of(source, target)) {
            db.execute("CREATE TABLE " + table + " (a INT, b VARCHAR(20), name VARCHAR(100), PRIMARY KEY (a, b))");
        }
        TestDeltaEncoder encoder = new TestDeltaEncoder(table, table, PAIR_KEY, PAIR_ROW);
        List<SinkRecord> records = new ArrayList<>();
        for (int a = 1; a <= 5; a++) {
            for (String b : List.of("x", "y", "z")) {
                source.execute("INSERT INTO " + table + " VALUES (" + a + ", '" + b + "', 'pair " + a + b + "')");
                records.add(encoder.idOnlyEvent("c", encoder.row("a", a, "b", b)));
            }
        }
        // (1, 'y') and (2, 'x') must not be confused with (1, 'x') and (2, 'y').
        source.execute("UPDATE " + table + " SET name = 'changed' WHERE a = 1 AND b = 'y'");
        try (QueryCountingProxy proxy = proxy(source, table);
             TaskHarness task = new TaskHarness(config(target, proxy, "pairs-" + table), table)) {
            task.putAndCommit(records);
            assertEquals(1, proxy.queries());
            assertEquals(15, task.task().metrics().getRowsReselected());
        }
        assertEquals(rows(source, table, "a, b"), rows(target, table, "a, b"));
        assertEquals(1, TaskHarness.query(target, "SELECT * FROM " + table + " WHERE name = 'changed'").size());
    }

    @ParameterizedTest(name = "{0} source, {1} target")
    @MethodSource("sourcesAndTargets")
    void largeWritesAreChunked(String sourceKind, String targetKind) {
        TestDatabase source = source(sourceKind);
        TestDatabase target = target(targetKind);
        String table = things(source, target, 50);
        TestDeltaEncoder encoder = new TestDeltaEncoder(table, table, KEY, ROW);
        try (QueryCountingProxy proxy = proxy(source, table)) {
            Map<String, String> config = config(target, proxy, "chunks-" + table);
            config.put("reselect.max.keys.per.query", "20");
            try (TaskHarness task = new TaskHarness(config, table)) {
                task.putAndCommit(idOnlyUpdates(encoder, 1, 50));
                assertEquals(3, proxy.queries(), "50 keys in chunks of 20");
                assertEquals(3, task.task().metrics().getReselectQueries());
            }
        }
        assertEquals(rows(source, table, "id"), rows(target, table, "id"));
    }

    @ParameterizedTest(name = "{0} source, {1} target")
    @MethodSource("sourcesAndTargets")
    void theAggregateTemplateRunsOnceForTheWrite(String sourceKind, String targetKind) {
        TestDatabase source = source(sourceKind);
        TestDatabase target = target(targetKind);
        int n = COUNTER.incrementAndGet();
        String customers = "customers_" + n;
        String orders = "orders_" + n;
        source.execute("CREATE TABLE " + customers + " (id INT PRIMARY KEY, name VARCHAR(100))",
                "CREATE TABLE " + orders + " (id INT PRIMARY KEY, customer_id INT, amount INT)");
        target.execute("CREATE TABLE " + customers + " (id INT PRIMARY KEY, name VARCHAR(100), order_count BIGINT, "
                + "total BIGINT)");
        for (int id = 1; id <= 10; id++) {
            source.execute("INSERT INTO " + customers + " VALUES (" + id + ", 'customer " + id + "')");
            for (int o = 0; o < id % 4; o++) {
                source.execute("INSERT INTO " + orders + " VALUES (" + (id * 10 + o) + ", " + id + ", " + (o + 1) + ")");
            }
        }
        TestDeltaEncoder encoder = new TestDeltaEncoder(customers, customers, KEY, ROW);
        try (QueryCountingProxy proxy = proxy(source, customers)) {
            Map<String, String> config = config(target, proxy, "aggregate-" + customers);
            config.put("reselect.query", "SELECT c.id, c.name, COUNT(o.id) AS order_count, "
                    + "COALESCE(SUM(o.amount), 0) AS total FROM " + customers + " c LEFT JOIN " + orders
                    + " o ON o.customer_id = c.id WHERE c.id = ${key.id} GROUP BY c.id, c.name");
            try (TaskHarness task = new TaskHarness(config, customers)) {
                task.putAndCommit(idOnlyUpdates(encoder, 1, 10));
                assertEquals(1, proxy.queries(), "one UNION ALL for 10 events");
                assertEquals(10, task.task().metrics().getRowsReselected());
            }
        }
        assertEquals(TaskHarness.query(source, "SELECT c.id, c.name, COUNT(o.id) AS order_count, "
                        + "COALESCE(SUM(o.amount), 0) AS total FROM " + customers + " c LEFT JOIN " + orders
                        + " o ON o.customer_id = c.id GROUP BY c.id, c.name ORDER BY c.id").stream()
                        .map(r -> r.values().stream().map(String::valueOf).collect(Collectors.joining("|"))).toList(),
                rows(target, customers, "id"));
    }

    @ParameterizedTest(name = "{0} source, {1} target")
    @MethodSource("sourcesAndTargets")
    void aRowGoneFromTheSourceBecomesADelete(String sourceKind, String targetKind) {
        TestDatabase source = source(sourceKind);
        TestDatabase target = target(targetKind);
        String table = things(source, target, 5);
        TestDeltaEncoder encoder = new TestDeltaEncoder(table, table, KEY, ROW);
        try (QueryCountingProxy proxy = proxy(source, table);
             TaskHarness task = new TaskHarness(config(target, proxy, "gone-delete-" + table), table)) {
            task.putAndCommit(idOnlyUpdates(encoder, 1, 5));
            source.execute("DELETE FROM " + table + " WHERE id IN (2, 4)");
            task.putAndCommit(idOnlyUpdates(encoder, 1, 5));
            assertEquals(2, proxy.queries());
            assertEquals(2, task.task().metrics().getReselectedRowsGone());
            assertEquals(8, task.task().metrics().getRowsReselected());
        }
        assertEquals(rows(source, table, "id"), rows(target, table, "id"));
        assertEquals(3, rows(target, table, "id").size());
    }

    @ParameterizedTest(name = "{0} source, {1} target")
    @MethodSource("sourcesAndTargets")
    void aRowGoneFromTheSourceIsSkipped(String sourceKind, String targetKind) {
        TestDatabase source = source(sourceKind);
        TestDatabase target = target(targetKind);
        String table = things(source, target, 5);
        TestDeltaEncoder encoder = new TestDeltaEncoder(table, table, KEY, ROW);
        try (QueryCountingProxy proxy = proxy(source, table)) {
            Map<String, String> config = config(target, proxy, "gone-skip-" + table);
            config.put("reselect.on.missing.row", "skip");
            try (TaskHarness task = new TaskHarness(config, table)) {
                task.putAndCommit(idOnlyUpdates(encoder, 1, 5));
                source.execute("DELETE FROM " + table + " WHERE id = 3", "UPDATE " + table + " SET qty = 0");
                task.putAndCommit(idOnlyUpdates(encoder, 1, 5));
                assertEquals(1, task.task().metrics().getReselectedRowsGone());
            }
        }
        // Row 3 stays as it was; the others are the source's current rows.
        assertEquals(List.of("1|name 1|0", "2|name 2|0", "3|name 3|30", "4|name 4|0", "5|name 5|0"),
                rows(target, table, "id"));
    }

    @ParameterizedTest(name = "{0} source, {1} target")
    @MethodSource("sourcesAndTargets")
    void aRowGoneFromTheSourceFailsNamingTheRecord(String sourceKind, String targetKind) {
        TestDatabase source = source(sourceKind);
        TestDatabase target = target(targetKind);
        String table = things(source, target, 3);
        TestDeltaEncoder encoder = new TestDeltaEncoder(table, table, KEY, ROW);
        source.execute("DELETE FROM " + table + " WHERE id = 2");
        try (QueryCountingProxy proxy = proxy(source, table)) {
            Map<String, String> config = config(target, proxy, "gone-fail-" + table);
            config.put("reselect.on.missing.row", "fail");
            TaskHarness task = new TaskHarness(config, table);
            try {
                ConnectException error = assertThrows(ConnectException.class,
                        () -> task.putAndCommit(idOnlyUpdates(encoder, 1, 3)));
                assertTrue(error.getMessage().contains("topic '" + table + "' partition 0 offset 1"), error.getMessage());
                assertTrue(error.getMessage().contains("gone from the source"), error.getMessage());
            } finally {
                task.close();
            }
        }
        assertEquals(List.of(), rows(target, table, "id"), "nothing of the failed write is applied");
    }

    static Stream<Arguments> postgresSourceAndTargets() {
        return Stream.of(Arguments.of("postgresql"), Arguments.of("mariadb"));
    }

    /**
     * Id-only updates of keys 1..5 whose key field is text, at offsets 0..4, the one at offset 2 a key the source's
     * INT key column cannot take: PostgreSQL fails the whole query on it (invalid input syntax for type integer).
     */
    static List<SinkRecord> idOnlyUpdatesWithABadKey(TestDeltaEncoder encoder) {
        List<SinkRecord> records = new ArrayList<>();
        for (String id : List.of("1", "2", "three", "4", "5")) {
            records.add(encoder.idOnlyEvent("u", encoder.row("id", id)));
        }
        return records;
    }

    @ParameterizedTest(name = "postgresql source, {0} target")
    @MethodSource("postgresSourceAndTargets")
    void aKeyTheSourceCannotTakeGoesAloneToTheDeadLetterQueue(String targetKind) {
        TestDatabase source = postgresSource;
        TestDatabase target = target(targetKind);
        String table = things(source, target, 5);
        TestDeltaEncoder encoder = new TestDeltaEncoder(table, table, TEXT_KEY, TEXT_ROW);
        List<SinkRecord> records = idOnlyUpdatesWithABadKey(encoder);
        try (QueryCountingProxy proxy = proxy(source, table)) {
            Map<String, String> config = config(target, proxy, "bad-key-dlq-" + table);
            config.put("errors.tolerance", "all");
            try (TaskHarness task = new TaskHarness(config, table)) {
                Map<TopicPartition, OffsetAndMetadata> committed = task.putAndCommit(records);
                assertEquals(List.of(records.get(2)), task.reported(), "only the record with the bad key is reported");
                assertEquals(5, committed.get(new TopicPartition(table, 0)).offset());
                assertEquals(4, task.task().metrics().getRowsReselected());
                assertEquals(1, task.task().metrics().getRecordsReportedToDlq());
                assertTrue(proxy.queries() > 1, "the failed query was split: " + proxy.queries());
            }
        }
        source.execute("DELETE FROM " + table + " WHERE id = 3");
        assertEquals(rows(source, table, "id"), rows(target, table, "id"), "the four good records are written");
    }

    @ParameterizedTest(name = "postgresql source, {0} target")
    @MethodSource("postgresSourceAndTargets")
    void aKeyTheSourceCannotTakeFailsTheWriteNamingItsRecord(String targetKind) {
        TestDatabase source = postgresSource;
        TestDatabase target = target(targetKind);
        String table = things(source, target, 5);
        TestDeltaEncoder encoder = new TestDeltaEncoder(table, table, TEXT_KEY, TEXT_ROW);
        try (QueryCountingProxy proxy = proxy(source, table)) {
            TaskHarness task = new TaskHarness(config(target, proxy, "bad-key-" + table), table);
            try {
                ConnectException error = assertThrows(ConnectException.class,
                        () -> task.putAndCommit(idOnlyUpdatesWithABadKey(encoder)));
                assertTrue(error.getMessage().contains("topic '" + table + "' partition 0 offset 2"), error.getMessage());
                assertTrue(error.getMessage().contains("three"), error.getMessage());
            } finally {
                task.close();
            }
        }
        assertEquals(List.of(), rows(target, table, "id"), "nothing of the failed write is applied");
    }

    @Test
    void idOnlyEventsOfSeveralTablesAreOneQueryPerTable() {
        TestDatabase source = postgresSource;
        TestDatabase target = mariadbTarget;
        String first = things(source, target, 10);
        String second = things(source, target, 10);
        TestDeltaEncoder one = new TestDeltaEncoder(first, first, KEY, ROW);
        TestDeltaEncoder two = new TestDeltaEncoder(second, second, KEY, ROW);
        try (QueryCountingProxy proxy = proxy(source, "things_");
             TaskHarness task = new TaskHarness(config(target, proxy, "tables-" + first), first, second)) {
            List<SinkRecord> records = new ArrayList<>();
            for (int id = 1; id <= 10; id++) {
                records.add(one.idOnlyEvent("u", one.row("id", id)));
                records.add(two.idOnlyEvent("u", two.row("id", id)));
            }
            // An id-only delete needs no query.
            records.add(one.idOnlyEvent("d", one.row("id", 3)));
            source.execute("DELETE FROM " + first + " WHERE id = 3");
            task.putAndCommit(records);
            assertEquals(2, proxy.queries());
        }
        assertEquals(rows(source, first, "id"), rows(target, first, "id"));
        assertEquals(rows(source, second, "id"), rows(target, second, "id"));
    }

    @Test
    void aSourceThatIsDownIsRetriedThenTheWriteSucceeds() {
        assumeTrue(TestDatabases.canRestartMariaDb(), "needs the private MariaDB server, which this JVM can restart");
        TestDatabase source = mariadbSource;
        TestDatabase target = postgresTarget;
        String table = things(source, target, 5);
        TestDeltaEncoder encoder = new TestDeltaEncoder(table, table, KEY, ROW);
        try (QueryCountingProxy proxy = proxy(source, table)) {
            Map<String, String> config = config(target, proxy, "down-" + table);
            config.put("max.retries", "30");
            config.put("retry.backoff.ms", "200");
            try (TaskHarness task = new TaskHarness(config, table)) {
                task.putAndCommit(idOnlyUpdates(encoder, 1, 2));
                CompletableFuture<Void> restart = CompletableFuture.runAsync(
                        () -> TestDatabases.restartMariaDb(Duration.ofSeconds(3)));
                ConnectCluster.sleep(1000);
                Map<TopicPartition, OffsetAndMetadata> committed = task.putAndCommit(idOnlyUpdates(encoder, 3, 5));
                restart.join();
                assertTrue(task.task().metrics().getRetries() >= 1, "the re-select was retried while the source was down");
                assertEquals(encoder.nextOffset(), committed.get(new TopicPartition(table, 0)).offset());
            }
        }
        assertEquals(rows(source, table, "id"), rows(target, table, "id"));
    }

    @Test
    void aSourceThatStaysDownFailsTheWriteAndLosesNothing() {
        assumeTrue(TestDatabases.canRestartMariaDb(), "needs the private MariaDB server, which this JVM can restart");
        TestDatabase source = mariadbSource;
        TestDatabase target = postgresTarget;
        String table = things(source, target, 5);
        TestDeltaEncoder encoder = new TestDeltaEncoder(table, table, KEY, ROW);
        List<SinkRecord> records = idOnlyUpdates(encoder, 1, 5);
        try (QueryCountingProxy proxy = proxy(source, table)) {
            Map<String, String> config = config(target, proxy, "stays-down-" + table);
            config.put("max.retries", "2");
            config.put("retry.backoff.ms", "100");
            TaskHarness task = new TaskHarness(config, table);
            CompletableFuture<Void> restart = CompletableFuture.runAsync(
                    () -> TestDatabases.restartMariaDb(Duration.ofSeconds(4)));
            ConnectCluster.sleep(1000);
            try {
                ConnectException error = assertThrows(ConnectException.class, () -> task.putAndCommit(records));
                assertTrue(error.getMessage().contains("unreachable after 2 retries"), error.getMessage());
                assertTrue(error.getMessage().contains("topic '" + table + "'"), error.getMessage());
            } finally {
                task.close();
            }
            restart.join();
            assertEquals(List.of(), rows(target, table, "id"), "nothing applied");
            // The worker delivers the records again to the restarted task: now they are applied.
            try (TaskHarness again = new TaskHarness(config, table)) {
                Map<TopicPartition, OffsetAndMetadata> committed = again.putAndCommit(records);
                assertEquals(5, committed.get(new TopicPartition(table, 0)).offset());
            }
        }
        assertEquals(rows(source, table, "id"), rows(target, table, "id"));
    }

    private static final Schema TX_BLOCK = SchemaBuilder.struct().name("event.block")
            .field("id", Schema.STRING_SCHEMA).field("total_order", Schema.INT64_SCHEMA)
            .field("data_collection_order", Schema.INT64_SCHEMA).optional().build();
    private static final Schema TX_ENVELOPE = SchemaBuilder.struct().name("db.public.things.Envelope")
            .field("before", SchemaBuilder.struct().name("db.public.things.Value").optional()
                    .field("id", Schema.INT32_SCHEMA).build())
            .field("after", SchemaBuilder.struct().name("db.public.things.Value").optional()
                    .field("id", Schema.INT32_SCHEMA).build())
            .field("op", Schema.STRING_SCHEMA).field("transaction", TX_BLOCK).build();
    private static final Schema COLLECTION = SchemaBuilder.struct().name("event.collection")
            .field("data_collection", Schema.STRING_SCHEMA).field("event_count", Schema.INT64_SCHEMA).build();
    private static final Schema MARKER = SchemaBuilder.struct()
            .name("io.debezium.connector.common.TransactionMetadataValue")
            .field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA)
            .field("event_count", Schema.OPTIONAL_INT64_SCHEMA)
            .field("data_collections", SchemaBuilder.array(COLLECTION).optional().build())
            .field("ts_ms", Schema.INT64_SCHEMA).build();

    /** An id-only update (through the ToIdOnly transform) of row {@code id} in source transaction {@code tx}. */
    private static SinkRecord idOnlyInTransaction(ToIdOnly<SinkRecord> toIdOnly, String topic, int id, String tx,
                                                  long order, long offset) {
        Struct value = new Struct(TX_ENVELOPE).put("after", new Struct(TX_ENVELOPE.field("after").schema()).put("id", id))
                .put("op", "u").put("transaction", new Struct(TX_BLOCK).put("id", tx).put("total_order", order)
                        .put("data_collection_order", order));
        return toIdOnly.apply(new SinkRecord(topic, 0, KEY, new Struct(KEY).put("id", id), TX_ENVELOPE, value, offset));
    }

    private static SinkRecord marker(String status, String tx, String collection, long count, long offset) {
        Struct value = new Struct(MARKER).put("status", status).put("id", tx).put("ts_ms", 1L);
        if (collection != null) {
            value.put("event_count", count).put("data_collections",
                    List.of(new Struct(COLLECTION).put("data_collection", collection).put("event_count", count)));
        }
        return new SinkRecord("db.transaction", 0, null, null, MARKER, value, offset);
    }

    @ParameterizedTest(name = "{0} source, {1} target")
    @MethodSource("sourcesAndTargets")
    void transactionModeReselectsWholeTransactionsOnly(String sourceKind, String targetKind) {
        TestDatabase source = source(sourceKind);
        TestDatabase target = target(targetKind);
        String table = things(source, target, 3);
        String topic = "db.public." + table;
        try (QueryCountingProxy proxy = proxy(source, table); ToIdOnly<SinkRecord> toIdOnly = new ToIdOnly<>()) {
            toIdOnly.configure(Map.of());
            Map<String, String> config = config(target, proxy, "tx-" + table);
            config.put("topics", topic + ",db.transaction");
            config.put("transaction.aware", "true");
            config.put("transaction.topic", "db.transaction");
            config.put("collection.name.format", table);
            config.put("reselect.table.name.format", table);
            try (TaskHarness task = new TaskHarness(config, topic, "db.transaction")) {
                task.putAndCommit(marker("BEGIN", "700:1", null, 0, 0),
                        idOnlyInTransaction(toIdOnly, topic, 1, "700:2", 1, 0),
                        idOnlyInTransaction(toIdOnly, topic, 2, "700:3", 2, 1));
                assertEquals(0, proxy.queries(), "nothing is re-selected before the transaction is whole");
                assertEquals(List.of(), rows(target, table, "id"));
                task.putAndCommit(idOnlyInTransaction(toIdOnly, topic, 3, "700:4", 3, 2),
                        marker("END", "700:5", "public." + table, 3, 1));
                assertEquals(1, proxy.queries(), "one query for the whole transaction");
                assertEquals(3, task.task().metrics().getRowsReselected());
                assertEquals(1, task.task().metrics().getSourceTransactionsApplied());
            }
        }
        assertEquals(rows(source, table, "id"), rows(target, table, "id"));
    }

    private static final String PLACEHOLDER = "__debezium_unavailable_value";

    /**
     * Full updates whose TOASTed column arrives as a placeholder (PostgreSQL, REPLICA IDENTITY DEFAULT): rows 1-10
     * are in the target, 11-20 are not, 20 is gone from the source. The events' new qty is written either way.
     */
    private static List<String> placeholderUpdates(String sourceKind, String targetKind, boolean reselect,
                                                   Map<String, Long> metrics) {
        TestDatabase source = source(sourceKind);
        TestDatabase target = target(targetKind);
        String table = "docs_" + COUNTER.incrementAndGet();
        for (TestDatabase db : List.of(source, target)) {
            db.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, name VARCHAR(100), qty INT)");
        }
        for (int id = 1; id <= 20; id++) {
            source.execute("INSERT INTO " + table + " VALUES (" + id + ", 'long text " + id + "', " + id + ")");
            if (id <= 10) {
                target.execute("INSERT INTO " + table + " VALUES (" + id + ", 'long text " + id + "', " + id + ")");
            }
        }
        source.execute("DELETE FROM " + table + " WHERE id = 20");
        TestDeltaEncoder encoder = new TestDeltaEncoder(table, table, KEY, ROW);
        List<SinkRecord> records = new ArrayList<>();
        for (int id = 1; id <= 20; id++) {
            records.add(encoder.full("u", null, encoder.row("id", id, "name", PLACEHOLDER, "qty", id * 100)));
        }
        try (QueryCountingProxy proxy = proxy(source, table)) {
            Map<String, String> config = config(target, proxy, "placeholders-" + table);
            config.put("reselect.placeholder.columns", String.valueOf(reselect));
            config.put("missing.row.mode", "insert");
            try (TaskHarness task = new TaskHarness(config, table)) {
                task.putAndCommit(records);
                metrics.put("sourceQueries", (long) proxy.queries());
                metrics.put("filled", task.task().metrics().getPlaceholderColumnsReselected());
                metrics.put("gone", task.task().metrics().getReselectedRowsGone());
            }
        }
        return rows(target, table, "id");
    }

    @ParameterizedTest(name = "{0} source, {1} target")
    @MethodSource("sourcesAndTargets")
    void placeholderColumnsAreFilledFromTheSourceInOneQuery(String sourceKind, String targetKind) {
        Map<String, Long> metrics = new java.util.HashMap<>();
        List<String> rows = placeholderUpdates(sourceKind, targetKind, true, metrics);
        List<String> expected = new ArrayList<>();
        for (int id = 1; id <= 19; id++) {
            expected.add(id + "|long text " + id + "|" + id * 100);
        }
        // Gone from the source: nothing can fill it, so it is left out as without re-select.
        expected.add("20|null|2000");
        assertEquals(expected, rows);
        assertEquals(1L, metrics.get("sourceQueries"), "one source query for 20 events of one table");
        assertEquals(19L, metrics.get("filled"));
        assertEquals(1L, metrics.get("gone"));
    }

    @ParameterizedTest(name = "{0} source, {1} target")
    @MethodSource("sourcesAndTargets")
    void withoutPlaceholderReselectRowsTheTargetLacksGetTheColumnsDefault(String sourceKind, String targetKind) {
        Map<String, Long> metrics = new java.util.HashMap<>();
        List<String> rows = placeholderUpdates(sourceKind, targetKind, false, metrics);
        for (int id = 1; id <= 20; id++) {
            String name = id <= 10 ? "long text " + id : "null";
            assertEquals(id + "|" + name + "|" + id * 100, rows.get(id - 1));
        }
        assertEquals(0L, metrics.get("sourceQueries"));
        assertEquals(0L, metrics.get("filled"));
    }

    @Test
    void placeholderReselectNeedsASource() {
        Map<String, String> config = TaskHarness.baseConfig(postgresTarget, "placeholders-without-source");
        config.put("reselect.placeholder.columns", "true");
        org.apache.kafka.common.config.ConfigException error = assertThrows(
                org.apache.kafka.common.config.ConfigException.class, () -> new DeltaJdbcSinkConfig(config));
        assertTrue(error.getMessage().contains("reselect.connection.url"), error.getMessage());
    }
}
