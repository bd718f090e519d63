package io.connectdelta.sink;

import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.Items;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logical types, schema evolution and hostile identifiers on real PostgreSQL and MariaDB. */
class SinkTypesAndSchemaTest {
    static DatabasePair databases;
    static TestDatabase postgres;
    static TestDatabase mariadb;

    static final Instant INSTANT = Instant.parse("2024-02-29T13:45:30.123Z");
    static final LocalDate DAY = LocalDate.of(2024, 2, 29);
    static final Schema KEY = SchemaBuilder.struct().name("k").field("id", Schema.INT32_SCHEMA).build();
    static final Schema VSD = SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal").optional()
            .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).build();
    static final Schema POINT = SchemaBuilder.struct().name("point").optional()
            .field("x", Schema.INT32_SCHEMA).field("y", Schema.STRING_SCHEMA).build();
    static final Schema TYPES = SchemaBuilder.struct().name("srv.public.types.Value")
            .field("id", Schema.INT32_SCHEMA)
            .field("i8", Schema.OPTIONAL_INT8_SCHEMA)
            .field("i16", Schema.OPTIONAL_INT16_SCHEMA)
            .field("i64", Schema.OPTIONAL_INT64_SCHEMA)
            .field("f32", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("f64", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("flag", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("bin", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("dec", Decimal.builder(3).parameter("connect.decimal.precision", "10").optional().build())
            .field("vsd", VSD)
            .field("d", Date.builder().optional().build())
            .field("dd", SchemaBuilder.int32().name("io.debezium.time.Date").optional().build())
            .field("t", Time.builder().optional().build())
            .field("dt", SchemaBuilder.int32().name("io.debezium.time.Time").optional().build())
            .field("mt", SchemaBuilder.int64().name("io.debezium.time.MicroTime").optional().build())
            .field("ts", Timestamp.builder().optional().build())
            .field("dts", SchemaBuilder.int64().name("io.debezium.time.Timestamp").optional().build())
            .field("mts", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").optional().build())
            .field("nts", SchemaBuilder.int64().name("io.debezium.time.NanoTimestamp").optional().build())
            .field("zts", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").optional().build())
            .field("uid", SchemaBuilder.string().name("io.debezium.data.Uuid").optional().build())
            .field("js", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
            .field("en", SchemaBuilder.string().name("io.debezium.data.Enum").parameter("allowed", "ACTIVE,GONE").optional().build())
            .field("arr", SchemaBuilder.array(Schema.INT32_SCHEMA).optional().build())
            .field("st", POINT)
            .build();

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("sink_types");
        postgres = databases.postgres();
        mariadb = databases.mariadb();
    }

    static Stream<String> dbs() {
        return DatabasePair.kinds();
    }

    static TestDatabase db(String kind) {
        return databases.of(kind);
    }

    static TaskHarness task(TestDatabase db, String topic, Map<String, String> overrides) {
        Map<String, String> config = TaskHarness.baseConfig(db, "types-" + topic);
        config.put("schema.evolution", "basic");
        config.putAll(overrides);
        return new TaskHarness(config, topic);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void everyLogicalTypeRoundTripsThroughACreatedTable(String kind) throws SQLException {
        TestDatabase db = db(kind);
        String table = "types_" + kind;
        TestDeltaEncoder e = new TestDeltaEncoder(table, table, KEY, TYPES);
        try (TaskHarness task = task(db, table, Map.of())) {
            task.putAndCommit(e.full("r", null, everyType(e, 1)));
        }
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + table + " WHERE id = 1")) {
            assertTrue(rs.next());
            assertEveryType(db, rs);
        }
    }

    /** A row of {@link #TYPES} with a value in every column; {@link #assertEveryType} checks it in the table. */
    static Struct everyType(TestDeltaEncoder e, int id) {
        long epochMicros = INSTANT.toEpochMilli() * 1000 + 456;
        return e.row("id", id, "i8", (byte) -5, "i16", (short) 300, "i64", 9_000_000_000L, "f32", 1.5f,
                "f64", 2.25, "flag", true, "bin", new byte[]{0, 1, 2, (byte) 255},
                "dec", new BigDecimal("1234567.891"),
                "vsd", new Struct(VSD).put("scale", 4).put("value", BigInteger.valueOf(123456789).toByteArray()),
                "d", java.util.Date.from(DAY.atStartOfDay(ZoneOffset.UTC).toInstant()),
                "dd", (int) DAY.toEpochDay(),
                "t", new java.util.Date(49_530_123L),
                "dt", 49_530_123,
                "mt", 49_530_123_456L,
                "ts", java.util.Date.from(INSTANT),
                "dts", INSTANT.toEpochMilli(),
                "mts", epochMicros,
                "nts", epochMicros * 1000,
                "zts", "2024-02-29T13:45:30.123456Z",
                "uid", "0b4ab6a6-5bb3-4b3f-9d0c-3f5f4ad2b7c1",
                "js", "{\"a\":[1,2],\"b\":null}",
                "en", "ACTIVE",
                "arr", List.of(1, 2, 3),
                "st", new Struct(POINT).put("x", 1).put("y", "z"));
    }

    static void assertEveryType(TestDatabase db, ResultSet rs) throws SQLException {
        LocalDateTime utc = LocalDateTime.ofInstant(INSTANT, ZoneOffset.UTC);
        LocalDateTime utcMicros = utc.plusNanos(456_000);
        assertEquals(-5, rs.getInt("i8"));
        assertEquals(300, rs.getInt("i16"));
        assertEquals(9_000_000_000L, rs.getLong("i64"));
        assertEquals(1.5f, rs.getFloat("f32"));
        assertEquals(2.25, rs.getDouble("f64"));
        assertTrue(rs.getBoolean("flag"));
        assertArrayEquals(new byte[]{0, 1, 2, (byte) 255}, rs.getBytes("bin"));
        assertEquals(0, new BigDecimal("1234567.891").compareTo(rs.getBigDecimal("dec")));
        assertEquals(0, new BigDecimal("12345.6789").compareTo(rs.getBigDecimal("vsd")));
        assertEquals(DAY, rs.getObject("d", LocalDate.class));
        assertEquals(DAY, rs.getObject("dd", LocalDate.class));
        assertEquals(LocalTime.parse("13:45:30.123"), rs.getObject("t", LocalTime.class));
        assertEquals(LocalTime.parse("13:45:30.123"), rs.getObject("dt", LocalTime.class));
        assertEquals(LocalTime.parse("13:45:30.123456"), rs.getObject("mt", LocalTime.class));
        assertEquals(utc, rs.getObject("ts", LocalDateTime.class));
        assertEquals(utc, rs.getObject("dts", LocalDateTime.class));
        assertEquals(utcMicros, rs.getObject("mts", LocalDateTime.class));
        assertEquals(utcMicros, rs.getObject("nts", LocalDateTime.class));
        if (db.isPostgres()) {
            assertEquals(utcMicros.toInstant(ZoneOffset.UTC), rs.getObject("zts", OffsetDateTime.class).toInstant());
            assertEquals(List.of(1, 2, 3), Items.list(rs.getArray("arr")));
        } else {
            assertEquals(utcMicros, rs.getObject("zts", LocalDateTime.class));
            assertEquals(Items.json("[1,2,3]"), Items.json(rs.getString("arr")));
        }
        assertEquals("0b4ab6a6-5bb3-4b3f-9d0c-3f5f4ad2b7c1", rs.getString("uid"));
        assertEquals(Items.json("{\"a\":[1,2],\"b\":null}"), Items.json(rs.getString("js")));
        assertEquals("ACTIVE", rs.getString("en"));
        assertEquals(Items.json("{\"x\":1,\"y\":\"z\"}"), Items.json(rs.getString("st")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void schemaEvolutionCreatesTablesAndAddsColumnsButNeverDrops(String kind) {
        TestDatabase db = db(kind);
        String table = "evolving_" + kind;
        Schema v1 = SchemaBuilder.struct().name("v").field("id", Schema.INT32_SCHEMA)
                .field("name", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema v2 = SchemaBuilder.struct().name("v").field("id", Schema.INT32_SCHEMA)
                .field("name", Schema.OPTIONAL_STRING_SCHEMA).field("added", Schema.OPTIONAL_INT64_SCHEMA).build();
        Schema v3 = SchemaBuilder.struct().name("v").field("id", Schema.INT32_SCHEMA)
                .field("added", Schema.OPTIONAL_INT64_SCHEMA).build();
        TestDeltaEncoder e1 = new TestDeltaEncoder(table, table, KEY, v1);
        TestDeltaEncoder e2 = new TestDeltaEncoder(table, table, KEY, v2);
        TestDeltaEncoder e3 = new TestDeltaEncoder(table, table, KEY, v3);
        e2.resetOffset(100);
        e3.resetOffset(200);
        try (TaskHarness task = task(db, table, Map.of())) {
            task.putAndCommit(e1.full("c", null, e1.row("id", 1, "name", "one")));
            task.putAndCommit(e2.deltaUpdate(1, "added", 5L), e2.full("c", null, e2.row("id", 2, "name", "two", "added", 6L)));
            task.putAndCommit(e3.full("c", null, e3.row("id", 3, "added", 7L)));
        }
        List<Map<String, Object>> rows = TaskHarness.query(db, "SELECT id, name, added FROM " + table + " ORDER BY id");
        assertEquals(3, rows.size());
        assertEquals("one", rows.get(0).get("name"));
        assertEquals(5L, ((Number) rows.get(0).get("added")).longValue());
        assertEquals(6L, ((Number) rows.get(1).get("added")).longValue());
        assertNull(rows.get(2).get("name"), "a column the schema no longer has stays in the table");

        String missing = "absent_" + kind;
        TestDeltaEncoder none = new TestDeltaEncoder(missing, missing, KEY, v1);
        try (TaskHarness task = task(db, missing, Map.of("schema.evolution", "none"))) {
            ConnectException error = assertThrows(ConnectException.class,
                    () -> task.putAndCommit(none.full("c", null, none.row("id", 1, "name", "x"))));
            assertTrue(error.getMessage().contains("does not exist") && error.getMessage().contains("offset 0"),
                    error.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void hostileIdentifiersCannotInjectSql(String kind) {
        TestDatabase db = db(kind);
        db.execute("CREATE TABLE victim (id INT PRIMARY KEY)", "INSERT INTO victim VALUES (1)");
        String table = "t\"1`; DROP TABLE victim; -- ü";
        String column = "c\"o`l'; DROP TABLE victim; --ä";
        Schema row = SchemaBuilder.struct().name("hostile").field("id", Schema.INT32_SCHEMA)
                .field(column, Schema.OPTIONAL_STRING_SCHEMA).field("plain", Schema.OPTIONAL_INT32_SCHEMA).build();
        TestDeltaEncoder e = new TestDeltaEncoder("hostile", table, KEY, row);
        try (TaskHarness task = task(db, "hostile", Map.of("collection.name.format", "${source.table}"))) {
            task.putAndCommit(e.full("c", null, e.row("id", 1, column, "v'1\"; --", "plain", 1)),
                    e.full("c", null, e.row("id", 2, column, "two", "plain", 2)));
            task.putAndCommit(e.deltaUpdate(1, column, "changed`\""), e.tombstone(e.row("id", 2)));
            task.putAndCommit(e.patch("u", e.row("id", 1), "[{\"op\":\"replace\",\"path\":\"/plain\",\"value\":9}]"));
        }
        String q = db.isPostgres() ? "\"" : "`";
        String quotedTable = q + table.replace(q, q + q) + q;
        String quotedColumn = q + column.replace(q, q + q) + q;
        List<Map<String, Object>> rows = TaskHarness.query(db, "SELECT id, " + quotedColumn + " AS v, plain FROM "
                + quotedTable + " ORDER BY id");
        assertEquals(1, rows.size());
        assertEquals("changed`\"", rows.get(0).get("v"));
        assertEquals(9, ((Number) rows.get(0).get("plain")).intValue());
        assertEquals(1, TaskHarness.query(db, "SELECT COUNT(*) AS n FROM victim").size(), "victim table survives");
    }

    @org.junit.jupiter.api.Test
    void postgresEnumUuidInetAndArrayColumnsOfAnExistingTable() {
        postgres.execute("CREATE TYPE mood AS ENUM ('happy', 'sad')",
                "CREATE TABLE pgtypes (id INT PRIMARY KEY, m mood, u UUID, ip INET, nums BIGINT[], doc JSON)");
        Schema row = SchemaBuilder.struct().name("pgtypes").field("id", Schema.INT32_SCHEMA)
                .field("m", SchemaBuilder.string().name("io.debezium.data.Enum").optional().build())
                .field("u", SchemaBuilder.string().name("io.debezium.data.Uuid").optional().build())
                .field("ip", Schema.OPTIONAL_STRING_SCHEMA)
                .field("nums", SchemaBuilder.array(Schema.INT64_SCHEMA).optional().build())
                .field("doc", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
                .build();
        TestDeltaEncoder e = new TestDeltaEncoder("pgtypes", "pgtypes", KEY, row);
        try (TaskHarness task = task(postgres, "pgtypes", Map.of("schema.evolution", "none"))) {
            task.putAndCommit(e.full("c", null, e.row("id", 1, "m", "happy", "u", "0b4ab6a6-5bb3-4b3f-9d0c-3f5f4ad2b7c1",
                    "ip", "10.0.0.1", "nums", List.of(1L, 2L), "doc", "{\"a\":{\"b\":1}}")));
            task.putAndCommit(e.patch("u", e.row("id", 1), "[{\"op\":\"replace\",\"path\":\"/m\",\"value\":\"sad\"},"
                    + "{\"op\":\"add\",\"path\":\"/nums/-\",\"value\":3},"
                    + "{\"op\":\"replace\",\"path\":\"/doc/a/b\",\"value\":2}]"));
        }
        Map<String, Object> result = TaskHarness.query(postgres,
                "SELECT m::text AS m, u::text AS u, host(ip) AS ip, nums, doc::text AS doc FROM pgtypes").get(0);
        assertEquals("sad", result.get("m"));
        assertEquals("0b4ab6a6-5bb3-4b3f-9d0c-3f5f4ad2b7c1", result.get("u"));
        assertEquals("10.0.0.1", result.get("ip"));
        assertEquals(List.of(1L, 2L, 3L), Items.list(result.get("nums")));
        assertEquals(Items.json("{\"a\":{\"b\":2}}"), Items.json(result.get("doc")), "a json (not jsonb) column");
    }
}
