package io.connectdelta.sink.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.sink.metrics.SinkTaskMetrics;
import io.connectdelta.sink.support.QueryCountingProxy;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.DebeziumPostgres;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real Debezium PostgreSQL source emits id-only events (ToIdOnly) into a real Connect worker; our sink,
 * configured through the REST API, re-selects the rows from the source (through a proxy that counts the queries
 * on the wire) into PostgreSQL and MariaDB targets, which must end equal to the source row by row.
 */
class SinkReselectEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final String SOURCE_CONNECTOR = "reselect-e2e-source";
    private static ConnectCluster connect;
    private static TestDatabase source;

    @BeforeAll
    static void start() {
        source = TestDatabases.postgres().createDatabase("reselect_e2e");
        source.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(100), qty INT)",
                "CREATE TABLE pairs (a INT, b VARCHAR(20), name VARCHAR(100), PRIMARY KEY (a, b))",
                "CREATE TABLE gone (id INT PRIMARY KEY, name VARCHAR(100))",
                "CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100))",
                "CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT, amount INT)",
                "CREATE TABLE stock (id INT PRIMARY KEY, name VARCHAR(100), qty INT)");
        connect = ConnectCluster.start(1, Map.of());
        Map<String, String> config = DebeziumPostgres.connectorConfig(source, SOURCE_CONNECTOR, "idonly",
                "public.items,public.pairs,public.gone,public.customers,public.stock");
        config.put("provide.transaction.metadata", "true");
        config.put("transforms", "idonly");
        config.put("transforms.idonly.type", "io.connectdelta.transforms.ToIdOnly");
        connect.putConnector(SOURCE_CONNECTOR, config);
        connect.awaitRunning(SOURCE_CONNECTOR, 1, TIMEOUT);
        DebeziumPostgres.awaitStreaming(source, SOURCE_CONNECTOR, TIMEOUT);
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.deleteConnector(SOURCE_CONNECTOR);
            connect.close();
        }
        if (source != null) {
            DebeziumPostgres.dropSlotAndPublication(source, SOURCE_CONNECTOR);
        }
    }

    private static Map<String, String> sink(TestDatabase target, QueryCountingProxy proxy) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.connectdelta.sink.DeltaJdbcSinkConnector");
        config.put("tasks.max", "1");
        config.put("topics", "idonly.public.items,idonly.public.pairs");
        config.put("connection.url", target.jdbcUrl());
        config.put("connection.username", target.user());
        config.put("connection.password", target.password());
        config.put("delete.enabled", "true");
        config.put("schema.evolution", "basic");
        config.put("collection.name.format", "${source.table}");
        config.put("reselect.connection.url", proxy.jdbcUrl());
        config.put("reselect.connection.username", source.user());
        config.put("reselect.connection.password", source.password());
        return config;
    }

    private static List<String> rows(TestDatabase db, String table, String orderBy) {
        return TaskHarness.query(db, "SELECT * FROM " + table + " ORDER BY " + orderBy).stream()
                .map(row -> row.values().stream().map(String::valueOf).collect(Collectors.joining("|"))).toList();
    }

    private static boolean tableEquals(TestDatabase target, String table, String orderBy) {
        try {
            return rows(source, table, orderBy).equals(rows(target, table, orderBy));
        } catch (IllegalStateException notYetCreated) {
            return false;
        }
    }

    private static long reselectQueries(String connector) throws Exception {
        return metric(connector, "ReselectQueries");
    }

    private static long metric(String connector, String name) throws Exception {
        return (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(
                SinkTaskMetrics.objectName(connector, 0), name);
    }

    /** Waits until every table equals the source's, failing at once when a task of a connector failed. */
    private static void awaitEqual(Map<TestDatabase, List<String>> tablesOf, List<String> connectors) {
        awaitUntil(() -> tablesOf.entrySet().stream().allMatch(target -> target.getValue().stream()
                        .allMatch(table -> tableEquals(target.getKey(), table.split(":")[0], table.split(":")[1]))),
                connectors, () -> "The targets did not become equal to the source");
    }

    /** Waits until {@code done}, failing at once when a task of a connector failed, or with {@code timedOut}. */
    private static void awaitUntil(BooleanSupplier done, List<String> connectors, Supplier<String> timedOut) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!done.getAsBoolean()) {
            for (String name : connectors) {
                String failed = connect.failedTaskTrace(name);
                if (failed != null) {
                    fail("A task of " + name + " failed: " + failed);
                }
            }
            if (System.nanoTime() > deadline) {
                fail(timedOut.get());
            }
            ConnectCluster.sleep(500);
        }
    }

    @Test
    void idOnlyEventsFromDebeziumAreReselectedInBatchesIntoPostgresAndMariaDb() throws Exception {
        TestDatabase postgresTarget = TestDatabases.postgres().createDatabase("reselect_e2e_dst");
        TestDatabase mariadbTarget = TestDatabases.mariadb().createDatabase("reselect_e2e_dst");
        try (QueryCountingProxy toPostgres = new QueryCountingProxy(source, "FROM \"public\".");
             QueryCountingProxy toMariaDb = new QueryCountingProxy(source, "FROM \"public\".")) {
            // 500 inserts in one transaction, composite keys, updates, then deletes.
            source.execute("INSERT INTO items SELECT i, 'item ' || i, i FROM generate_series(1, 500) i",
                    "INSERT INTO pairs SELECT i, b, 'pair ' || i || b FROM generate_series(1, 50) i, "
                            + "(VALUES ('x'), ('y')) v(b)",
                    "UPDATE items SET qty = qty * 2 WHERE id % 3 = 0",
                    "UPDATE pairs SET name = 'changed' WHERE b = 'y'",
                    "DELETE FROM items WHERE id % 10 = 0",
                    "DELETE FROM pairs WHERE a = 7");
            int events = 500 + 100 + 166 + 50 + 50 + 2;
            // The sinks start on the whole backlog, so that how the events are split into writes does not depend on
            // how fast this machine streams them.
            awaitChangeEvents("idonly.public.items", 500 + 166 + 50);
            awaitChangeEvents("idonly.public.pairs", 100 + 50 + 2);
            connect.putConnector("reselect-e2e-pg", sink(postgresTarget, toPostgres));
            connect.putConnector("reselect-e2e-maria", sink(mariadbTarget, toMariaDb));
            connect.awaitRunning("reselect-e2e-pg", 1, TIMEOUT);
            connect.awaitRunning("reselect-e2e-maria", 1, TIMEOUT);
            awaitEqual(Map.of(postgresTarget, List.of("items:id", "pairs:a, b"), mariadbTarget, List.of("items:id", "pairs:a, b")),
                    List.of("reselect-e2e-pg", "reselect-e2e-maria"));
            assertEquals(450, rows(postgresTarget, "items", "id").size());
            assertEquals(98, rows(mariadbTarget, "pairs", "a, b").size());
            for (QueryCountingProxy proxy : List.of(toPostgres, toMariaDb)) {
                assertTrue(proxy.queries() > 0 && proxy.queries() * 10 <= events,
                        proxy.queries() + " source queries for " + events + " events");
            }
            assertEquals(toPostgres.queries(), reselectQueries("reselect-e2e-pg"));
            assertEquals(toMariaDb.queries(), reselectQueries("reselect-e2e-maria"));
            System.out.printf("[reselect e2e] %d events: %d source queries (PostgreSQL target), %d (MariaDB target)%n",
                    events, toPostgres.queries(), toMariaDb.queries());
        } finally {
            connect.deleteConnector("reselect-e2e-pg");
            connect.deleteConnector("reselect-e2e-maria");
        }
    }

    @Test
    void inTransactionModeWholeTransactionsAreReselectedAndRowsGoneFromTheSourceBecomeDeletes() throws Exception {
        TestDatabase postgresTarget = TestDatabases.postgres().createDatabase("reselect_e2e_txn");
        TestDatabase mariadbTarget = TestDatabases.mariadb().createDatabase("reselect_e2e_txn");
        // Before the sinks exist: every fourth row is deleted after its insert and update, so the id-only insert and
        // update events of those rows reach the sinks when their rows are gone from the source.
        source.execute("INSERT INTO gone SELECT i, 'row ' || i FROM generate_series(1, 200) i",
                "UPDATE gone SET name = 'updated ' || id WHERE id % 2 = 0",
                "DELETE FROM gone WHERE id % 4 = 0");
        awaitChangeEvents("idonly.public.gone", 200 + 100 + 50);
        try (QueryCountingProxy toPostgres = new QueryCountingProxy(source, "FROM \"public\".");
             QueryCountingProxy toMariaDb = new QueryCountingProxy(source, "FROM \"public\".")) {
            for (Map.Entry<String, TestDatabase> sink : Map.of("reselect-e2e-txn-pg", postgresTarget,
                    "reselect-e2e-txn-maria", mariadbTarget).entrySet()) {
                Map<String, String> config = sink(sink.getValue(), sink.getKey().endsWith("pg") ? toPostgres : toMariaDb);
                config.put("topics", "idonly.public.gone,idonly.transaction");
                config.put("transaction.aware", "true");
                config.put("transaction.topic", "idonly.transaction");
                connect.putConnector(sink.getKey(), config);
            }
            connect.awaitRunning("reselect-e2e-txn-pg", 1, TIMEOUT);
            connect.awaitRunning("reselect-e2e-txn-maria", 1, TIMEOUT);
            // A transaction of 38 updates while the sinks run: applied whole, re-selected together.
            source.execute("UPDATE gone SET name = 'bulk ' || id WHERE id <= 50");
            int events = 200 + 100 + 50 + 38;

            awaitEqual(Map.of(postgresTarget, List.of("gone:id"), mariadbTarget, List.of("gone:id")),
                    List.of("reselect-e2e-txn-pg", "reselect-e2e-txn-maria"));
            assertEquals(150, rows(postgresTarget, "gone", "id").size());
            assertEquals(150, rows(mariadbTarget, "gone", "id").size());
            for (String name : List.of("reselect-e2e-txn-pg", "reselect-e2e-txn-maria")) {
                // Inserts and updates of the 50 deleted rows (100 events) found no row; each became a delete (a
                // retried write counts again).
                long gone = metric(name, "ReselectedRowsGone");
                assertTrue(gone >= 100, name + ": " + gone + " re-selected rows gone");
            }
            for (QueryCountingProxy proxy : List.of(toPostgres, toMariaDb)) {
                assertTrue(proxy.queries() > 0 && proxy.queries() * 10 <= events,
                        proxy.queries() + " source queries for " + events + " events");
            }
            assertEquals(toPostgres.queries(), reselectQueries("reselect-e2e-txn-pg"));
            assertEquals(toMariaDb.queries(), reselectQueries("reselect-e2e-txn-maria"));
            System.out.printf("[reselect e2e, transaction mode] %d events: %d source queries (PostgreSQL target), "
                    + "%d (MariaDB target)%n", events, toPostgres.queries(), toMariaDb.queries());
        } finally {
            connect.deleteConnector("reselect-e2e-txn-pg");
            connect.deleteConnector("reselect-e2e-txn-maria");
        }
    }

    @Test
    void theAggregateTemplateReselectsEachRowWithItsRelatedRowsInOneQueryPerWrite() throws Exception {
        TestDatabase postgresTarget = TestDatabases.postgres().createDatabase("reselect_e2e_agg");
        TestDatabase mariadbTarget = TestDatabases.mariadb().createDatabase("reselect_e2e_agg");
        for (TestDatabase target : List.of(postgresTarget, mariadbTarget)) {
            target.execute("CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(100), order_count BIGINT, "
                    + "total BIGINT)");
        }
        String aggregate = "SELECT c.id, c.name, COUNT(o.id) AS order_count, COALESCE(SUM(o.amount), 0) AS total "
                + "FROM customers c LEFT JOIN orders o ON o.customer_id = c.id";
        // Orders are not captured: each customer's id-only event is re-selected together with its orders.
        source.execute("INSERT INTO orders SELECT i, i % 40 + 1, i FROM generate_series(1, 100) i",
                "INSERT INTO customers SELECT i, 'customer ' || i FROM generate_series(1, 40) i",
                "UPDATE customers SET name = 'renamed ' || id WHERE id % 5 = 0");
        int events = 40 + 8;
        awaitChangeEvents("idonly.public.customers", events);
        try (QueryCountingProxy toPostgres = new QueryCountingProxy(source, "FROM customers c");
             QueryCountingProxy toMariaDb = new QueryCountingProxy(source, "FROM customers c")) {
            for (Map.Entry<String, TestDatabase> sink : Map.of("reselect-e2e-agg-pg", postgresTarget,
                    "reselect-e2e-agg-maria", mariadbTarget).entrySet()) {
                Map<String, String> config = sink(sink.getValue(), sink.getKey().endsWith("pg") ? toPostgres : toMariaDb);
                config.put("topics", "idonly.public.customers");
                config.put("reselect.query", aggregate + " WHERE c.id = ${key.id} GROUP BY c.id, c.name");
                connect.putConnector(sink.getKey(), config);
            }
            List<String> expected = TaskHarness.query(source, aggregate + " GROUP BY c.id, c.name ORDER BY c.id").stream()
                    .map(row -> row.values().stream().map(String::valueOf).collect(Collectors.joining("|"))).toList();
            assertEquals(40, expected.size());
            awaitUntil(() -> rowsOrEmpty(postgresTarget).equals(expected) && rowsOrEmpty(mariadbTarget).equals(expected),
                    List.of("reselect-e2e-agg-pg", "reselect-e2e-agg-maria"),
                    () -> "The targets did not become equal to the source's aggregate: " + rowsOrEmpty(postgresTarget)
                            + " / " + rowsOrEmpty(mariadbTarget));
            for (QueryCountingProxy proxy : List.of(toPostgres, toMariaDb)) {
                assertTrue(proxy.queries() > 0 && proxy.queries() * 5 <= events,
                        proxy.queries() + " source queries for " + events + " events");
            }
            assertEquals(toPostgres.queries(), reselectQueries("reselect-e2e-agg-pg"));
            assertEquals(toMariaDb.queries(), reselectQueries("reselect-e2e-agg-maria"));
            System.out.printf("[reselect e2e, aggregate template] %d events: %d source queries (PostgreSQL target), "
                    + "%d (MariaDB target)%n", events, toPostgres.queries(), toMariaDb.queries());
        } finally {
            connect.deleteConnector("reselect-e2e-agg-pg");
            connect.deleteConnector("reselect-e2e-agg-maria");
        }
    }

    /**
     * The source goes away under running sinks: the proxies the sinks re-select through are cut (open connections
     * killed, new ones refused) while Debezium, which reads the source directly, keeps streaming id-only events.
     * Each sink retries, then its task fails naming the first record it could not re-select; nothing of the failed
     * write is applied and the committed offsets stay where they were. Once the source is back, restarting the task
     * through the REST API brings the targets to the source's rows.
     */
    @Test
    void aSourceThatIsDownIsRetriedThenFailsTheTaskAndLosesNothing() throws Exception {
        TestDatabase postgresTarget = TestDatabases.postgres().createDatabase("reselect_e2e_down");
        TestDatabase mariadbTarget = TestDatabases.mariadb().createDatabase("reselect_e2e_down");
        String topic = "idonly.public.stock";
        int maxRetries = 2;
        source.execute("INSERT INTO stock SELECT i, 'stock ' || i, i FROM generate_series(1, 100) i");
        int applied = 100;
        try (QueryCountingProxy toPostgres = new QueryCountingProxy(source, "FROM \"public\".");
             QueryCountingProxy toMariaDb = new QueryCountingProxy(source, "FROM \"public\".")) {
            Map<String, QueryCountingProxy> proxies = Map.of("reselect-e2e-down-pg", toPostgres,
                    "reselect-e2e-down-maria", toMariaDb);
            List<String> connectors = List.copyOf(proxies.keySet());
            for (String name : connectors) {
                Map<String, String> config = sink(name.endsWith("pg") ? postgresTarget : mariadbTarget, proxies.get(name));
                config.put("topics", topic);
                config.put("max.retries", String.valueOf(maxRetries));
                config.put("retry.backoff.ms", "1000");
                connect.putConnector(name, config);
            }
            awaitEqual(Map.of(postgresTarget, List.of("stock:id"), mariadbTarget, List.of("stock:id")), connectors);
            awaitUntil(() -> connectors.stream().allMatch(name -> committedOffset(name, topic) == applied), connectors,
                    () -> "The sinks did not commit the offsets of the first " + applied + " events");
            List<String> appliedRows = rows(source, "stock", "id");

            toPostgres.cut();
            toMariaDb.cut();
            source.execute("UPDATE stock SET qty = qty + 1000 WHERE id <= 50",
                    "INSERT INTO stock SELECT i, 'stock ' || i, i FROM generate_series(101, 150) i",
                    "DELETE FROM stock WHERE id % 10 = 0");
            Map<String, String> traces = new HashMap<>();
            Map<String, Long> retriesSeen = new HashMap<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (traces.size() < connectors.size()) {
                for (String name : connectors) {
                    if (!traces.containsKey(name)) {
                        // Read while the task runs: a failed task's metrics are unregistered.
                        retriesSeen.merge(name, retriesOrZero(name), Math::max);
                        String trace = connect.failedTaskTrace(name);
                        if (trace != null) {
                            traces.put(name, trace);
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    fail("The sink tasks did not fail while the source was down: " + traces.keySet() + " failed");
                }
                ConnectCluster.sleep(100);
            }

            for (String name : connectors) {
                QueryCountingProxy proxy = proxies.get(name);
                assertTrue(proxy.killedConnections() >= 1, name + ": its open connection to the source was killed");
                // Each attempt opens at least one connection: the first select and max.retries retries.
                assertTrue(proxy.refusedConnections() >= maxRetries + 1,
                        name + ": " + proxy.refusedConnections() + " connections refused");
                assertTrue(retriesSeen.get(name) >= 1, name + " retried the re-select");
                String trace = traces.get(name);
                assertTrue(trace.contains("record of topic '" + topic + "' partition 0 offset " + applied), trace);
                assertTrue(trace.contains("the source database stays unreachable after " + maxRetries + " retries"),
                        trace);
                assertEquals(applied, committedOffset(name, topic), name + ": the committed offset moved");
            }
            assertEquals(appliedRows, rows(postgresTarget, "stock", "id"), "nothing of the failed write is applied");
            assertEquals(appliedRows, rows(mariadbTarget, "stock", "id"), "nothing of the failed write is applied");

            toPostgres.restore();
            toMariaDb.restore();
            for (String name : connectors) {
                ConnectCluster.expectSuccess("restart task 0 of " + name,
                        connect.post("/connectors/" + name + "/tasks/0/restart", null));
            }
            for (String name : connectors) {
                awaitTaskRunningAgain(name);
            }
            awaitEqual(Map.of(postgresTarget, List.of("stock:id"), mariadbTarget, List.of("stock:id")), connectors);
            assertEquals(135, rows(postgresTarget, "stock", "id").size());
            System.out.printf("[reselect e2e, source down] connections killed %d/%d, refused %d/%d (PostgreSQL/MariaDB "
                            + "target), retries seen %s%n", toPostgres.killedConnections(), toMariaDb.killedConnections(),
                    toPostgres.refusedConnections(), toMariaDb.refusedConnections(), retriesSeen);
        } finally {
            for (String name : List.of("reselect-e2e-down-pg", "reselect-e2e-down-maria")) {
                connect.deleteConnector(name);
            }
        }
    }

    /** The Retries metric of a connector's task 0, or 0 while it has no running task. */
    private static long retriesOrZero(String connector) {
        try {
            return metric(connector, "Retries");
        } catch (Exception noRunningTask) {
            return 0;
        }
    }

    /** The offset the sink's consumer group committed for partition 0 of the topic (GET /connectors/{name}/offsets). */
    private static long committedOffset(String connector, String topic) {
        JsonNode offsets = ConnectCluster.expectSuccess("offsets of " + connector,
                connect.get("/connectors/" + connector + "/offsets"));
        for (JsonNode offset : offsets.path("offsets")) {
            if (offset.path("partition").path("kafka_topic").asText().equals(topic)
                    && offset.path("partition").path("kafka_partition").asInt() == 0) {
                return offset.path("offset").path("kafka_offset").asLong();
            }
        }
        return -1;
    }

    /** Waits until the topic holds {@code count} change events (tombstones not counted). */
    /**
     * TOAST placeholders through the real source: rows with a large incompressible text exist before a Debezium
     * connector of full events starts (snapshot.mode=no_data), so the targets never see their inserts. Updates that
     * leave the text alone arrive with the placeholder in it; with reselect.placeholder.columns the sinks fill it
     * from the source in one query per write, and the targets, which lacked the rows, end equal to the source.
     */
    @Test
    void toastPlaceholdersOfRowsTheTargetLacksAreFilledFromTheSource() throws Exception {
        String toastConnector = "reselect-e2e-toast-source";
        int rowCount = 40;
        source.execute("CREATE TABLE docs (id INT PRIMARY KEY, body TEXT, qty INT)",
                "INSERT INTO docs SELECT i, (SELECT string_agg(md5(random()::text || i || g), '') "
                        + "FROM generate_series(1, 400) g), i FROM generate_series(1, " + rowCount + ") i");
        TestDatabase postgresTarget = TestDatabases.postgres().createDatabase("reselect_e2e_toast");
        TestDatabase mariadbTarget = TestDatabases.mariadb().createDatabase("reselect_e2e_toast");
        Map<String, String> debezium = DebeziumPostgres.connectorConfig(source, toastConnector, "full", "public.docs");
        connect.putConnector(toastConnector, debezium);
        try (QueryCountingProxy toPostgres = new QueryCountingProxy(source, "FROM \"public\".\"docs\"");
             QueryCountingProxy toMariaDb = new QueryCountingProxy(source, "FROM \"public\".\"docs\"")) {
            connect.awaitRunning(toastConnector, 1, TIMEOUT);
            DebeziumPostgres.awaitStreaming(source, toastConnector, TIMEOUT);
            source.execute("UPDATE docs SET qty = qty * 100");
            awaitChangeEvents("full.public.docs", rowCount);
            Map<String, QueryCountingProxy> proxies = Map.of("reselect-e2e-toast-pg", toPostgres,
                    "reselect-e2e-toast-maria", toMariaDb);
            List<String> connectors = List.copyOf(proxies.keySet());
            for (String name : connectors) {
                Map<String, String> config = sink(name.endsWith("pg") ? postgresTarget : mariadbTarget, proxies.get(name));
                config.put("topics", "full.public.docs");
                config.put("reselect.placeholder.columns", "true");
                connect.putConnector(name, config);
            }
            awaitEqual(Map.of(postgresTarget, List.of("docs:id"), mariadbTarget, List.of("docs:id")), connectors);
            assertEquals(rowCount, rows(postgresTarget, "docs", "id").size());
            for (String name : connectors) {
                // Every update carried the placeholder (the metric counts the columns filled), and the sink read
                // them all in a query or two, not one per event.
                assertEquals(rowCount, metric(name, "PlaceholderColumnsReselected"), name);
                long queries = proxies.get(name).queries();
                assertTrue(queries >= 1 && queries <= 2, name + " ran " + queries + " source queries");
                assertEquals(queries, reselectQueries(name), name);
            }
            System.out.printf("[reselect e2e] %d updates with a TOAST placeholder: %d source queries (PostgreSQL "
                    + "target), %d (MariaDB target)%n", rowCount, toPostgres.queries(), toMariaDb.queries());
        } finally {
            connect.deleteConnector("reselect-e2e-toast-pg");
            connect.deleteConnector("reselect-e2e-toast-maria");
            connect.deleteConnector(toastConnector);
            DebeziumPostgres.dropSlotAndPublication(source, toastConnector);
        }
    }

    /**
     * Waits until task 0 of a restarted connector runs: the worker answers the restart at once and reports the old
     * FAILED state until the new task has started.
     */
    private static void awaitTaskRunningAgain(String name) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        JsonNode task = null;
        while (System.nanoTime() < deadline) {
            task = connect.status(name).path("tasks").path(0);
            if ("RUNNING".equals(task.path("state").asText())) {
                return;
            }
            ConnectCluster.sleep(100);
        }
        fail("Task 0 of " + name + " did not run again after its restart: " + task);
    }

    private static void awaitChangeEvents(String topic, int count) {
        connect.consumeUntil(topic, records -> records.stream().filter(r -> r.value() != null).count() >= count, TIMEOUT);
    }

    private static List<String> rowsOrEmpty(TestDatabase target) {
        try {
            return rows(target, "customers", "id");
        } catch (IllegalStateException notYetCreated) {
            return List.of();
        }
    }
}
