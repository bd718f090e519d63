package io.connectdelta.sink.e2e;

import io.connectdelta.bench.DebeziumJdbcPlugin;
import io.connectdelta.sink.DeltaJdbcSinkConnector;
import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Debezium JDBC sink 3.5.0.Final (in its own plugin folder, as the benchmark runs it) and this sink consume the
 * same topic with the same configuration apart from connector.class: field.exclude.list, quote.identifiers=false (a
 * mixed-case field), a schema-qualified collection.name.format, upserts, deletes and schema
 * evolution. The tables they write are compared: schema and table names, columns, types and rows.
 */
class DebeziumJdbcSinkSideBySideTest {
    private static final String TOPIC = "srv.inventory.customers";
    private static final int ROWS = 12;
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private static final Schema KEY = SchemaBuilder.struct().name("srv.inventory.customers.Key")
            .field("id", Schema.INT32_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().name("srv.inventory.customers.Value").optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("firstName", Schema.OPTIONAL_STRING_SCHEMA)
            .field("email", Schema.OPTIONAL_STRING_SCHEMA)
            .field("secret", Schema.OPTIONAL_STRING_SCHEMA)
            .field("score", Schema.OPTIONAL_INT64_SCHEMA)
            .field("active", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("price", Decimal.builder(2).optional().build())
            .field("created", Timestamp.builder().optional().build())
            .build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("version", Schema.STRING_SCHEMA).field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
            .field("db", Schema.STRING_SCHEMA).field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("srv.inventory.customers.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private static ConnectCluster connect;
    private static TestDatabase debezium;
    private static TestDatabase ours;

    @BeforeAll
    static void start() throws Exception {
        Path plugins = Paths.get("target", "test-plugins").toAbsolutePath();
        Files.createDirectories(plugins);
        DebeziumJdbcPlugin.prepare(plugins);
        TestDatabase postgres = TestDatabases.postgres();
        debezium = postgres.createDatabase("side_dbz");
        ours = postgres.createDatabase("side_ours");
        // The Debezium JDBC sink does not create a missing schema (3.5.0.Final); ours does (schema.evolution=basic).
        debezium.execute("CREATE SCHEMA inventory");
        // The Debezium JDBC sink loads from plugin.path, isolated; ours from the class path.
        connect = ConnectCluster.start(1, Map.of("plugin.path", plugins.toString()));
        connect.createTopic(TOPIC, 1);
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.close();
        }
    }

    @Test
    void bothSinksWriteTheSameTablesFromTheSameConfiguration() throws Exception {
        produceEvents();
        connect.putConnector("side-dbz", config("io.debezium.connector.jdbc.JdbcSinkConnector", debezium));
        connect.putConnector("side-ours", config(DeltaJdbcSinkConnector.class.getName(), ours));

        String rowsQuery = "SELECT * FROM inventory.customers ORDER BY id";
        List<List<String>> expectedRows = expectedRows();
        awaitRows("side-dbz", debezium, rowsQuery, expectedRows);
        awaitRows("side-ours", ours, rowsQuery, expectedRows);

        // The differences we chose (docs/sink.md): a Decimal without a precision is NUMERIC (Debezium: NUMERIC(38, s),
        // which refuses larger values), a millisecond Timestamp is TIMESTAMP(3) (Debezium: TIMESTAMP(6)).
        List<String> expectedColumns = new ArrayList<>();
        for (String column : columns(debezium)) {
            expectedColumns.add(column.replace("price numeric 38 2", "price numeric null null")
                    .replace("created timestamp without time zone null null 6", "created timestamp without time zone null null 3"));
        }
        assertEquals(expectedColumns, columns(ours), "schema, table, column names, types and nullability");
        assertEquals(rows(debezium, rowsQuery), rows(ours, rowsQuery));
        assertFalse(columns(ours).toString().contains("secret"), "field.exclude.list leaves the column out");
    }

    private static Map<String, String> config(String connectorClass, TestDatabase target) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", connectorClass);
        config.put("tasks.max", "1");
        config.put("topics", TOPIC);
        config.put("connection.url", target.jdbcUrl());
        config.put("connection.username", target.user());
        config.put("connection.password", target.password());
        config.put("insert.mode", "upsert");
        config.put("primary.key.mode", "record_key");
        config.put("delete.enabled", "true");
        config.put("schema.evolution", "basic");
        config.put("quote.identifiers", "false");
        config.put("collection.name.format", "${source.schema}.${source.table}");
        config.put("field.exclude.list", TOPIC + ":secret");
        config.put("use.time.zone", "UTC");
        config.put("batch.size", "100");
        config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("key.converter.schemas.enable", "true");
        config.put("value.converter.schemas.enable", "true");
        return config;
    }

    /** Inserts of ROWS rows, an update of every third, a delete of two. */
    private static void produceEvents() {
        for (int id = 1; id <= ROWS; id++) {
            send(id, "c", null, row(id, "first " + id));
        }
        for (int id = 3; id <= ROWS; id += 3) {
            send(id, "u", row(id, "first " + id), row(id, "changed " + id));
        }
        send(2, "d", row(2, "first 2"), null);
        send(5, "d", row(5, "first 5"), null);
    }

    private static Struct row(int id, String firstName) {
        return new Struct(ROW).put("id", id).put("firstName", firstName).put("email", "c" + id + "@example.com")
                .put("secret", "secret " + id).put("score", 1000L * id).put("active", id % 2 == 0)
                .put("price", new BigDecimal("9.99").add(BigDecimal.valueOf(id)))
                .put("created", new java.util.Date(1_700_000_000_000L + id * 1000L));
    }

    private static void send(int id, String op, Struct before, Struct after) {
        Struct source = new Struct(SOURCE).put("version", "3.7.0.Final").put("connector", "postgresql")
                .put("name", "srv").put("ts_ms", 1_700_000_000_000L).put("db", "shop").put("schema", "inventory")
                .put("table", "customers");
        Struct envelope = new Struct(ENVELOPE).put("before", before).put("after", after).put("source", source)
                .put("op", op).put("ts_ms", 1_700_000_000_000L);
        connect.produceJson(TOPIC, KEY, new Struct(KEY).put("id", id), ENVELOPE, envelope);
    }

    /** The rows both sinks must end with, as text: id, firstname, email, score, active, price, created. */
    private static List<List<String>> expectedRows() {
        List<List<String>> rows = new ArrayList<>();
        for (int id = 1; id <= ROWS; id++) {
            if (id == 2 || id == 5) {
                continue;
            }
            String first = (id % 3 == 0 ? "changed " : "first ") + id;
            rows.add(List.of(String.valueOf(id), first, "c" + id + "@example.com", String.valueOf(1000L * id),
                    id % 2 == 0 ? "t" : "f", new BigDecimal("9.99").add(BigDecimal.valueOf(id)).toPlainString(),
                    java.time.LocalDateTime.ofEpochSecond(1_700_000_000L + id, 0, java.time.ZoneOffset.UTC).toString()));
        }
        return rows;
    }

    private static void awaitRows(String connector, TestDatabase db, String sql, List<List<String>> expected) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        List<List<String>> actual = null;
        while (System.nanoTime() < deadline) {
            String failed = connect.failedTaskTrace(connector);
            if (failed != null) {
                fail(connector + " failed: " + failed);
            }
            try {
                actual = normalized(rows(db, sql));
                if (actual.equals(expected)) {
                    return;
                }
            } catch (SQLException e) {
                // The table is not there yet.
            }
            ConnectCluster.sleep(500);
        }
        assertEquals(expected, actual, connector + " did not write the expected rows in " + TIMEOUT);
    }

    /** Rows as text, timestamps in ISO form (LocalDateTime), so that both drivers' renderings compare. */
    private static List<List<String>> normalized(List<List<String>> rows) {
        List<List<String>> result = new ArrayList<>();
        for (List<String> row : rows) {
            List<String> values = new ArrayList<>(row);
            String created = values.get(values.size() - 1);
            if (created != null) {
                values.set(values.size() - 1, java.sql.Timestamp.valueOf(created).toLocalDateTime().toString());
            }
            result.add(values);
        }
        return result;
    }

    private static List<List<String>> rows(TestDatabase db, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** Every column of every table outside the system schemas: schema, table, column, type, nullable. */
    private static List<String> columns(TestDatabase db) throws SQLException {
        List<String> columns = new ArrayList<>();
        String sql = "SELECT table_schema, table_name, column_name, data_type, numeric_precision, numeric_scale, "
                + "datetime_precision, is_nullable FROM information_schema.columns WHERE table_schema NOT IN "
                + "('pg_catalog', 'information_schema') AND table_name <> 'connectdelta_offsets' ORDER BY table_schema, table_name, ordinal_position";
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                StringBuilder column = new StringBuilder();
                for (int i = 1; i <= 8; i++) {
                    column.append(i == 1 ? "" : " ").append(rs.getString(i));
                }
                columns.add(column.toString());
            }
        }
        return columns;
    }
}
