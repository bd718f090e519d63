package io.connectdelta.sink.e2e.binlog;

import io.connectdelta.event.LogPosition;
import io.connectdelta.event.TransactionBlock;
import io.connectdelta.event.TransactionMarker;
import io.connectdelta.sink.DeltaJdbcSinkConnector;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.DebeziumMariaDb;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Debezium MariaDB connector (3.5.0.Final, from a plugin folder of its own) reading the binlog of a real
 * MariaDB server (log_bin, ROW format, GTIDs, transaction metadata), in one Connect worker with our sinks, whose
 * transforms reshape the events on the way: full rows, deltas, JSON Patch, id-only with re-select, deltas made
 * full again, and transaction mode. A randomized workload of inserts, updates, deletes, NULLs, TEXT, BLOB and JSON,
 * in single- and multi-statement transactions over two tables, runs with binlog_row_image FULL; every target
 * table must equal its source table row by row, on PostgreSQL and on MariaDB. NOBLOB and MINIMAL row images are
 * probed with connectors of their own: Debezium stops on them (see docs/formats.md).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MariaDbSourceEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final String PREFIX = "binlog";
    private static final List<String> TABLES = List.of("items", "audit");

    private static TestDatabase source;
    private static ConnectCluster connect;
    private static final Map<String, TestDatabase> targets = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(Paths.get(System.getProperty("java.io.tmpdir")));
        source = TestDatabases.binlogMariaDb().createDatabase("binlog_src");
        source.execute(createItems("BLOB", "JSON"), "CREATE TABLE audit (id INT PRIMARY KEY, item_id INT NOT NULL, "
                + "what VARCHAR(20) NOT NULL)");
        connect = ConnectCluster.start(1, Map.of("plugin.path", DebeziumMariaDb.pluginPath().toString()));
        connect.putConnector("mariadb-source", DebeziumMariaDb.connectorConfig(source, PREFIX));
        connect.awaitRunning("mariadb-source", 1, TIMEOUT);
        DebeziumMariaDb.awaitStreaming(source, TIMEOUT);

        startSink("full_pg", "postgresql", Map.of());
        startSink("full_maria", "mariadb", Map.of());
        startSink("delta_pg", "postgresql", Map.of("transforms", "delta",
                "transforms.delta.type", "io.connectdelta.transforms.ToDelta"));
        startSink("patch_maria", "mariadb", Map.of("transforms", "delta",
                "transforms.delta.type", "io.connectdelta.transforms.ToDelta",
                "transforms.delta.delta.format", "json-patch"));
        Map<String, String> idOnly = new LinkedHashMap<>();
        idOnly.put("transforms", "idonly,reselect");
        idOnly.put("transforms.idonly.type", "io.connectdelta.transforms.ToIdOnly");
        idOnly.put("transforms.reselect.type", "io.connectdelta.transforms.Reselect");
        idOnly.put("transforms.reselect.connection.url", source.jdbcUrl().replace("jdbc:mariadb:", "jdbc:mysql:"));
        idOnly.put("transforms.reselect.connection.username", source.user());
        idOnly.put("transforms.reselect.connection.password", source.password());
        startSink("idonly_pg", "postgresql", idOnly);
        startSink("tofull_maria", "mariadb", Map.of("transforms", "delta,full",
                "transforms.delta.type", "io.connectdelta.transforms.ToDelta",
                "transforms.full.type", "io.connectdelta.transforms.ToFull",
                "transforms.full.state.store", "memory"));
        startSink("tx_maria", "mariadb", Map.of("transaction.aware", "true",
                "transaction.topic", PREFIX + ".transaction", "topics", topic("items") + "," + topic("audit") + ","
                        + PREFIX + ".transaction"));

        runWorkload(new Random(13));
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.close();
        }
    }

    private static String createItems(String blobType, String jsonType) {
        return "CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(50) NOT NULL, qty INT NULL, note TEXT NULL, "
                + "data " + blobType + " NULL, attrs " + jsonType + " NULL)";
    }

    private static String topic(String table) {
        return PREFIX + "." + source.database() + "." + table;
    }

    private static void startSink(String name, String kind, Map<String, String> settings) {
        boolean postgres = kind.equals("postgresql");
        TestDatabase target = (postgres ? TestDatabases.postgres() : TestDatabases.mariadb())
                .createDatabase("binlog_" + name);
        target.execute(postgres ? createItems("BYTEA", "JSONB") : createItems("BLOB", "JSON"),
                "CREATE TABLE audit (id INT PRIMARY KEY, item_id INT NOT NULL, what VARCHAR(20) NOT NULL)");
        targets.put(name, target);
        Map<String, String> config = new LinkedHashMap<>(TaskHarness.baseConfig(target, name));
        config.put("connector.class", DeltaJdbcSinkConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics", topic("items") + "," + topic("audit"));
        // The MariaDB targets are named by jdbc:mysql: URLs, as MySQL users write them.
        config.put("connection.url", target.jdbcUrl().replace("jdbc:mariadb:", "jdbc:mysql:"));
        config.put("insert.mode", "upsert");
        config.put("primary.key.mode", "record_key");
        config.put("collection.name.format", "${source.table}");
        config.put("max.retries", "10");
        config.put("retry.backoff.ms", "100");
        config.putAll(settings);
        connect.putConnector(name, config);
        connect.awaitRunning(name, 1, TIMEOUT);
    }

    /**
     * Inserts, updates (each column alone and several together, to and from NULL), deletes and inserts again;
     * a quarter of the steps are transactions that also write an audit row and update a second item, so
     * transactions span both tables.
     */
    private static void runWorkload(Random random) throws SQLException {
        try (Connection c = source.connect(); Statement s = c.createStatement()) {
            List<Integer> live = new ArrayList<>();
            int nextId = 1;
            int auditId = 1;
            for (int step = 0; step < 150; step++) {
                int choice = live.size() < 5 ? 0 : random.nextInt(10);
                boolean transaction = random.nextInt(4) == 0;
                if (transaction) {
                    c.setAutoCommit(false);
                }
                int id;
                if (choice == 0 || choice == 1) {
                    id = nextId++;
                    insert(c, id, random);
                    live.add(id);
                } else if (choice == 2) {
                    id = live.remove(random.nextInt(live.size()));
                    s.execute("DELETE FROM items WHERE id = " + id);
                } else {
                    id = live.get(random.nextInt(live.size()));
                    update(c, id, random);
                }
                if (transaction) {
                    s.execute("INSERT INTO audit VALUES (" + auditId++ + ", " + id + ", 'step " + step + "')");
                    update(c, live.get(random.nextInt(live.size())), random);
                    c.commit();
                    c.setAutoCommit(true);
                }
            }
        }
    }

    private static void insert(Connection c, int id, Random random) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)")) {
            p.setInt(1, id);
            p.setString(2, "name" + random.nextInt(1000));
            p.setObject(3, random.nextInt(3) == 0 ? null : random.nextInt(100));
            p.setString(4, random.nextInt(3) == 0 ? null : "note " + random.nextInt(1000));
            p.setBytes(5, random.nextInt(3) == 0 ? null : bytes(random));
            p.setString(6, random.nextInt(3) == 0 ? null : json(random));
            p.executeUpdate();
        }
    }

    private static void update(Connection c, int id, Random random) throws SQLException {
        List<String> sets = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        do {
            switch (random.nextInt(5)) {
                case 0 -> { sets.add("name = ?"); values.add("renamed" + random.nextInt(1000)); }
                case 1 -> { sets.add("qty = ?"); values.add(random.nextInt(3) == 0 ? null : random.nextInt(100)); }
                case 2 -> { sets.add("note = ?"); values.add(random.nextInt(3) == 0 ? null : "note " + random.nextInt(1000)); }
                case 3 -> { sets.add("data = ?"); values.add(random.nextInt(3) == 0 ? null : bytes(random)); }
                default -> { sets.add("attrs = ?"); values.add(random.nextInt(3) == 0 ? null : json(random)); }
            }
        } while (random.nextInt(3) == 0);
        try (PreparedStatement p = c.prepareStatement("UPDATE items SET " + String.join(", ", sets)
                + " WHERE id = ?")) {
            for (int i = 0; i < values.size(); i++) {
                p.setObject(i + 1, values.get(i));
            }
            p.setInt(values.size() + 1, id);
            p.executeUpdate();
        }
    }

    private static byte[] bytes(Random random) {
        byte[] bytes = new byte[1 + random.nextInt(40)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String json(Random random) {
        return "{\"color\": \"c" + random.nextInt(5) + "\", \"size\": " + random.nextInt(10)
                + ", \"tags\": [" + random.nextInt(3) + "], \"2024\": " + random.nextInt(9) + "}";
    }

    /** The table's rows by id, each column as comparable text (bytes in hex, JSON parsed). */
    static Map<Integer, List<Object>> rows(TestDatabase db, String table) {
        Map<Integer, List<Object>> rows = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 2; i <= meta.getColumnCount(); i++) {
                    String column = meta.getColumnName(i);
                    Object value = column.equals("data") ? rs.getBytes(i) : rs.getString(i);
                    if (value instanceof byte[]) {
                        value = HexFormat.of().formatHex((byte[]) value);
                    } else if (column.equals("attrs") && value != null) {
                        value = ConnectCluster.json(((String) value).getBytes(StandardCharsets.UTF_8));
                    }
                    row.add(value);
                }
                rows.put(rs.getInt(1), row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    /** Waits until the sink's target table equals the source table; returns the rows that still differ. */
    private static Map<Integer, String> awaitEqual(String sink, String table) {
        Map<Integer, List<Object>> expected = rows(source, table);
        Map<Integer, String> differences = new TreeMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            differences.clear();
            Map<Integer, List<Object>> actual = rows(targets.get(sink), table);
            for (Integer id : expected.keySet()) {
                if (!expected.get(id).equals(actual.get(id))) {
                    differences.put(id, "expected " + expected.get(id) + " got " + actual.get(id));
                }
            }
            for (Integer id : actual.keySet()) {
                if (!expected.containsKey(id)) {
                    differences.put(id, "expected no row, got " + actual.get(id));
                }
            }
            String trace = connect.failedTaskTrace(sink);
            if (trace != null) {
                differences.put(-1, "task failed: " + trace.lines().findFirst().orElse(""));
                return differences;
            }
            if (differences.isEmpty()) {
                return differences;
            }
            ConnectCluster.sleep(250);
        }
        return differences;
    }

    @Test
    @Order(1)
    void everyTargetEqualsItsSourceRowByRow() {
        Map<String, Map<Integer, String>> failures = new TreeMap<>();
        StringBuilder matrix = new StringBuilder();
        for (String sink : targets.keySet()) {
            for (String table : TABLES) {
                Map<Integer, String> differences = awaitEqual(sink, table);
                matrix.append(sink).append(' ').append(table).append(": ")
                        .append(differences.isEmpty() ? "equal" : differences.size() + " rows differ, e.g. "
                                + differences.entrySet().iterator().next()).append('\n');
                if (!differences.isEmpty()) {
                    failures.put(sink + " " + table, differences);
                }
            }
        }
        System.out.println("[binlog e2e]\n" + matrix);
        assertEquals(Map.of(), failures, matrix.toString());
        assertTrue(rows(source, "items").size() > 10, "the workload left rows to compare");
    }

    /**
     * What the MariaDB connector writes as transaction ids, verified against our parsing: the GTID
     * {@code <domain>-<server>-<sequence>}, the same in BEGIN, every data event and END; END names its data
     * collections {@code <database>.<table>}; END markers order by their GTIDs.
     */
    @Test
    @Order(2)
    void transactionIdsAreGtidsSharedByMarkersAndEvents() {
        List<ConsumerRecord<byte[], byte[]>> markers = everything(PREFIX + ".transaction");
        List<TransactionMarker> ends = new ArrayList<>();
        Map<String, Long> eventsPerXid = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : markers) {
            TransactionMarker marker = TransactionMarker.read(ConnectCluster.toConnect(record, true));
            assertTrue(marker.id().matches("0-1-\\d+"), "a MariaDB GTID: " + marker.id());
            assertEquals(marker.id(), marker.xid());
            if (marker.status() == TransactionMarker.Status.END) {
                ends.add(marker);
                for (String collection : marker.dataCollections().keySet()) {
                    assertTrue(collection.equals(source.database() + ".items")
                            || collection.equals(source.database() + ".audit"), collection);
                }
                eventsPerXid.put(marker.xid(), marker.eventCount());
            }
        }
        for (int i = 1; i < ends.size(); i++) {
            assertTrue(ends.get(i - 1).position().compareTo(ends.get(i).position()) < 0, "END markers in GTID order");
        }
        Map<String, Long> seen = new LinkedHashMap<>();
        for (String table : TABLES) {
            for (ConsumerRecord<byte[], byte[]> record : everything(topic(table))) {
                if (record.value() == null) {
                    continue; // the tombstone after a delete
                }
                TransactionBlock block = TransactionBlock.of(ConnectCluster.toConnect(record, true).value());
                seen.merge(block.xid(), 1L, Long::sum);
                Struct sourceBlock = ((Struct) ConnectCluster.toConnect(record, true).value()).getStruct("source");
                assertEquals("mariadb", sourceBlock.getString("connector"));
                assertTrue(LogPosition.ofSource(sourceBlock) != null, "binlog file, pos and row give a position");
            }
        }
        for (Map.Entry<String, Long> transaction : seen.entrySet()) {
            assertTrue(eventsPerXid.containsKey(transaction.getKey()), "an END for " + transaction.getKey());
            if (eventsPerXid.containsKey(transaction.getKey())) {
                assertEquals(eventsPerXid.get(transaction.getKey()), transaction.getValue(),
                        "END's event_count of " + transaction.getKey());
            }
        }
        assertTrue(ends.size() >= 10, "transactions were seen: " + ends.size());
    }

    /** Every record of a topic whose source has stopped writing: read until a second passes without one. */
    private static List<ConsumerRecord<byte[], byte[]>> everything(String topic) {
        int[] lastSize = {-1};
        long[] quietSince = {System.nanoTime()};
        return connect.consumeUntil(topic, records -> {
            if (records.size() != lastSize[0]) {
                lastSize[0] = records.size();
                quietSince[0] = System.nanoTime();
                return false;
            }
            return !records.isEmpty() && System.nanoTime() - quietSince[0] > Duration.ofSeconds(1).toNanos();
        }, TIMEOUT);
    }

    /**
     * binlog_row_image NOBLOB and MINIMAL: Debezium's binlog connectors compare each row image with the whole
     * table schema and stop ("internal schema size 6, but row size 3"). The task fails, nothing is sent for
     * the change: no placeholder, no NULLs. Each image is probed with a connector and a database of its own.
     */
    @Test
    @Order(3)
    void debeziumStopsOnRowImagesOtherThanFull() throws Exception {
        for (String image : List.of("NOBLOB", "MINIMAL")) {
            TestDatabase probe = TestDatabases.binlogMariaDb().createDatabase("binlog_" + image.toLowerCase());
            probe.execute(createItems("BLOB", "JSON"));
            String name = "probe-" + image.toLowerCase();
            connect.putConnector(name, DebeziumMariaDb.connectorConfig(probe, name));
            connect.awaitRunning(name, 1, TIMEOUT);
            ConnectCluster.sleep(2000);
            try (Connection c = probe.connect(); Statement s = c.createStatement()) {
                s.execute("SET SESSION binlog_row_image = '" + image + "'");
                s.execute("INSERT INTO items VALUES (1, 'a', 1, 'text', x'01', '{\"a\": 1}')");
                s.execute("UPDATE items SET qty = 2 WHERE id = 1");
            }
            String trace = null;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (trace == null && System.nanoTime() < deadline) {
                trace = connect.failedTaskTrace(name);
                ConnectCluster.sleep(250);
            }
            assertTrue(trace != null && trace.contains("Error processing binlog event"),
                    image + ": the connector stops on the change: " + trace);
            connect.deleteConnector(name);
        }
    }
}
