package io.connectdelta.jdbc.type;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.testing.TestDatabases;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Each logical type found from its schema, with its column category, its JDBC object, its JSON form and its value
 * read back from a real PostgreSQL column.
 */
class ColumnTypesTest {
    private static final Schema VARIABLE_SCALE = SchemaBuilder.struct().name(LogicalTypes.DBZ_VARIABLE_SCALE_DECIMAL)
            .optional().field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).build();
    private static final Schema DECIMAL = Decimal.builder(2).optional().build();
    private static final Schema DATE = Date.builder().optional().build();
    private static final Schema TIME = Time.builder().optional().build();
    private static final Schema TIMESTAMP = Timestamp.builder().optional().build();
    private static final Schema DBZ_DATE = logical(SchemaBuilder.int32(), LogicalTypes.DBZ_DATE);
    private static final Schema DBZ_TIME = logical(SchemaBuilder.int32(), LogicalTypes.DBZ_TIME);
    private static final Schema DBZ_MICRO_TIME = logical(SchemaBuilder.int64(), LogicalTypes.DBZ_MICRO_TIME);
    private static final Schema DBZ_NANO_TIME = logical(SchemaBuilder.int64(), LogicalTypes.DBZ_NANO_TIME);
    private static final Schema DBZ_ZONED_TIME = logical(SchemaBuilder.string(), LogicalTypes.DBZ_ZONED_TIME);
    private static final Schema DBZ_TIMESTAMP = logical(SchemaBuilder.int64(), LogicalTypes.DBZ_TIMESTAMP);
    private static final Schema DBZ_MICRO_TIMESTAMP = logical(SchemaBuilder.int64(), LogicalTypes.DBZ_MICRO_TIMESTAMP);
    private static final Schema DBZ_NANO_TIMESTAMP = logical(SchemaBuilder.int64(), LogicalTypes.DBZ_NANO_TIMESTAMP);
    private static final Schema DBZ_ZONED_TIMESTAMP = logical(SchemaBuilder.string(), LogicalTypes.DBZ_ZONED_TIMESTAMP);
    private static final Schema DBZ_JSON = logical(SchemaBuilder.string(), LogicalTypes.DBZ_JSON);
    private static final Schema DBZ_UUID = logical(SchemaBuilder.string(), LogicalTypes.DBZ_UUID);
    private static final Schema DBZ_ENUM = logical(SchemaBuilder.string(), LogicalTypes.DBZ_ENUM);
    private static final Schema DBZ_XML = logical(SchemaBuilder.string(), LogicalTypes.DBZ_XML);

    /** 2023-11-14T22:13:20.123456Z */
    private static final long MICROS = 1_700_000_000_123_456L;
    private static final long MILLIS = MICROS / 1000;
    /** 13:00:05.123456 */
    private static final long MICROS_OF_DAY = 13 * 3_600_000_000L + 5_123_456L;

    private static Schema logical(SchemaBuilder builder, String name) {
        return builder.name(name).optional().build();
    }

    @Test
    void eachSchemaFindsTheCategoryOfItsColumn() {
        Map<Schema, TypeCategory> categories = Map.ofEntries(
                Map.entry(DECIMAL, TypeCategory.DECIMAL),
                Map.entry(VARIABLE_SCALE, TypeCategory.NUMERIC),
                Map.entry(DATE, TypeCategory.DATE),
                Map.entry(DBZ_DATE, TypeCategory.DATE),
                Map.entry(TIME, TypeCategory.TIME_MILLIS),
                Map.entry(DBZ_TIME, TypeCategory.TIME_MILLIS),
                Map.entry(DBZ_MICRO_TIME, TypeCategory.TIME_MICROS),
                Map.entry(DBZ_NANO_TIME, TypeCategory.TIME_MICROS),
                Map.entry(DBZ_ZONED_TIME, TypeCategory.TEXT),
                Map.entry(TIMESTAMP, TypeCategory.TIMESTAMP_MILLIS),
                Map.entry(DBZ_TIMESTAMP, TypeCategory.TIMESTAMP_MILLIS),
                Map.entry(DBZ_MICRO_TIMESTAMP, TypeCategory.TIMESTAMP_MICROS),
                Map.entry(DBZ_NANO_TIMESTAMP, TypeCategory.TIMESTAMP_MICROS),
                Map.entry(DBZ_ZONED_TIMESTAMP, TypeCategory.TIMESTAMP_WITH_ZONE),
                Map.entry(DBZ_JSON, TypeCategory.JSON),
                Map.entry(DBZ_UUID, TypeCategory.UUID),
                Map.entry(DBZ_ENUM, TypeCategory.ENUM),
                Map.entry(DBZ_XML, TypeCategory.XML),
                Map.entry(Schema.INT8_SCHEMA, TypeCategory.INT8),
                Map.entry(Schema.INT16_SCHEMA, TypeCategory.INT16),
                Map.entry(Schema.INT32_SCHEMA, TypeCategory.INT32),
                Map.entry(Schema.INT64_SCHEMA, TypeCategory.INT64),
                Map.entry(Schema.FLOAT32_SCHEMA, TypeCategory.FLOAT32),
                Map.entry(Schema.FLOAT64_SCHEMA, TypeCategory.FLOAT64),
                Map.entry(Schema.BOOLEAN_SCHEMA, TypeCategory.BOOLEAN),
                Map.entry(Schema.STRING_SCHEMA, TypeCategory.TEXT),
                Map.entry(Schema.BYTES_SCHEMA, TypeCategory.BYTES),
                Map.entry(SchemaBuilder.array(Schema.INT32_SCHEMA).build(), TypeCategory.ARRAY),
                Map.entry(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), TypeCategory.JSON),
                Map.entry(SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).build(), TypeCategory.JSON),
                // A logical type of its own is a plain value of its Connect type.
                Map.entry(logical(SchemaBuilder.string(), "io.debezium.data.Ltree"), TypeCategory.TEXT),
                Map.entry(logical(SchemaBuilder.bytes(), "io.debezium.data.Bits"), TypeCategory.BYTES));
        categories.forEach((schema, category) ->
                assertEquals(category, ColumnTypes.of(schema).category(), String.valueOf(schema.name())));
        assertSame(ColumnTypes.of(DBZ_MICRO_TIME), ColumnTypes.of(logical(SchemaBuilder.int64(), LogicalTypes.DBZ_MICRO_TIME)));
        assertThrows(DataException.class, () -> ColumnTypes.of(null).category());
    }

    @Test
    void eachLogicalTypeAsTheObjectJdbcBinds() {
        Struct variableScale = new Struct(VARIABLE_SCALE).put("scale", 3).put("value", new BigInteger("1234567").toByteArray());
        assertEquals(new BigDecimal("12.50"), toJdbc(DECIMAL, new BigDecimal("12.50")));
        assertEquals(new BigDecimal("1234.567"), toJdbc(VARIABLE_SCALE, variableScale));
        assertEquals(LocalDate.of(1969, 12, 29), toJdbc(DATE, new java.util.Date(-3L * 86_400_000L)));
        assertEquals(LocalDate.ofEpochDay(20_000), toJdbc(DBZ_DATE, 20_000));
        assertEquals(LocalTime.of(13, 0, 5, 123_000_000), toJdbc(TIME, new java.util.Date(MICROS_OF_DAY / 1000)));
        // Times of day wrap into one day, as the sources' time columns hold them.
        assertEquals(LocalTime.of(23, 59, 59), toJdbc(TIME, new java.util.Date(-1000L)));
        assertEquals(LocalTime.of(13, 0, 5, 123_000_000), toJdbc(DBZ_TIME, (int) (MICROS_OF_DAY / 1000)));
        assertEquals(LocalTime.of(13, 0, 5, 123_456_000), toJdbc(DBZ_MICRO_TIME, MICROS_OF_DAY));
        assertEquals(LocalTime.of(0, 0, 0, 1), toJdbc(DBZ_NANO_TIME, 86_400_000_000_000L + 1));
        assertEquals("13:00:05Z", toJdbc(DBZ_ZONED_TIME, "13:00:05Z"));
        LocalDateTime utc = LocalDateTime.of(2023, 11, 14, 22, 13, 20, 123_456_000);
        assertEquals(utc.withNano(123_000_000), toJdbc(TIMESTAMP, new java.util.Date(MILLIS)));
        assertEquals(utc.withNano(123_000_000), toJdbc(DBZ_TIMESTAMP, MILLIS));
        assertEquals(utc, toJdbc(DBZ_MICRO_TIMESTAMP, MICROS));
        assertEquals(LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_000), toJdbc(DBZ_MICRO_TIMESTAMP, -1L));
        assertEquals(utc, toJdbc(DBZ_NANO_TIMESTAMP, MICROS * 1000));
        assertEquals(OffsetDateTime.parse("2023-11-14T22:13:20.123+02:00"),
                toJdbc(DBZ_ZONED_TIMESTAMP, "2023-11-14T22:13:20.123+02:00"));
        for (Schema text : List.of(DBZ_JSON, DBZ_UUID, DBZ_ENUM, DBZ_XML, Schema.STRING_SCHEMA)) {
            assertEquals("{\"a\": 1}", toJdbc(text, "{\"a\": 1}"), text.name());
        }
        assertEquals(7, toJdbc(Schema.INT32_SCHEMA, 7));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) toJdbc(Schema.BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {1, 2})));
        assertEquals(List.of(LocalDate.ofEpochDay(1)),
                toJdbc(SchemaBuilder.array(DATE).build(), List.of(new java.util.Date(86_400_000L))));
        Schema struct = SchemaBuilder.struct().field("at", TIMESTAMP).build();
        assertEquals("{\"at\":" + MILLIS + "}", toJdbc(struct, new Struct(struct).put("at", new java.util.Date(MILLIS))));
        // Without a schema, by the value's class.
        assertEquals(utc.withNano(123_000_000), toJdbc(null, new java.util.Date(MILLIS)));
        assertNull(ConnectValues.toJdbc(DATE, null));
    }

    @Test
    void eachLogicalTypeAsJsonConverterWritesIt() throws Exception {
        Struct variableScale = new Struct(VARIABLE_SCALE).put("scale", 3).put("value", new BigInteger("1234567").toByteArray());
        Map<Schema, Object> values = Map.ofEntries(
                Map.entry(VARIABLE_SCALE, variableScale),
                Map.entry(DATE, new java.util.Date(-3L * 86_400_000L)),
                Map.entry(DBZ_DATE, 20_000),
                Map.entry(TIME, new java.util.Date(MICROS_OF_DAY / 1000)),
                Map.entry(DBZ_TIME, (int) (MICROS_OF_DAY / 1000)),
                Map.entry(DBZ_MICRO_TIME, MICROS_OF_DAY),
                Map.entry(DBZ_NANO_TIME, MICROS_OF_DAY * 1000),
                Map.entry(DBZ_ZONED_TIME, "13:00:05Z"),
                Map.entry(TIMESTAMP, new java.util.Date(MILLIS)),
                Map.entry(DBZ_TIMESTAMP, MILLIS),
                Map.entry(DBZ_MICRO_TIMESTAMP, MICROS),
                Map.entry(DBZ_NANO_TIMESTAMP, MICROS * 1000),
                Map.entry(DBZ_ZONED_TIMESTAMP, "2023-11-14T22:13:20.123Z"),
                Map.entry(DBZ_UUID, "5d7f1c3e-6a2b-4c1d-9e8f-0a1b2c3d4e5f"),
                Map.entry(DBZ_ENUM, "red"),
                Map.entry(DBZ_XML, "<a>1</a>"),
                Map.entry(Schema.BYTES_SCHEMA, new byte[] {1, 2, 3}),
                Map.entry(Schema.FLOAT32_SCHEMA, 1.5f));
        values.forEach((schema, value) -> assertEquals(kafkaJson(schema, value),
                ConnectValues.toJsonNode(schema, value).toString(), String.valueOf(schema.name())));
        assertEquals(0, new BigDecimal("12.50").compareTo(ConnectValues.toJsonNode(DECIMAL, new BigDecimal("12.50")).decimalValue()));
        assertEquals(-3, ConnectValues.toJsonNode(DATE, new java.util.Date(-3L * 86_400_000L)).intValue());
        assertEquals("null", ConnectValues.toJsonText(DATE, null));
    }

    @Test
    void debeziumJsonIsTheJsonItHolds() {
        String text = "{\"a\": [1, 2]}";
        assertEquals("{\"a\":[1,2]}", ConnectValues.toJsonNode(DBZ_JSON, text).toString());
        assertEquals(text, ConnectValues.toJsonText(DBZ_JSON, text), "kept as written");
        assertEquals("\"not json {\"", ConnectValues.toJsonNode(DBZ_JSON, "not json {").toString());
        Schema struct = SchemaBuilder.struct().field("doc", DBZ_JSON).build();
        assertEquals("{\"doc\":{\"a\":[1,2]}}", ConnectValues.toJsonText(struct, new Struct(struct).put("doc", text)));
    }

    @Test
    void derivedValuesWithoutASchema() {
        assertEquals(-3, JdbcValues.schemaless(new java.util.Date(-3L * 86_400_000L), DATE));
        assertEquals(47_105_123, JdbcValues.schemaless(new java.util.Date(47_105_123L), TIME));
        assertEquals(MILLIS, JdbcValues.schemaless(new java.util.Date(MILLIS), TIMESTAMP));
        assertEquals("12.50", JdbcValues.schemaless(new BigDecimal("12.50"), DECIMAL));
        assertEquals("x", JdbcValues.schemaless("x", Schema.OPTIONAL_STRING_SCHEMA));
        assertNull(JdbcValues.schemaless(null, DATE));
    }

    /** One logical type read from a PostgreSQL column of {@code sqlType} holding {@code literal}. */
    private record ReadCase(Schema schema, String sqlType, String literal, Object expected) {
    }

    @Test
    void eachTypeReadsBackFromPostgres() throws Exception {
        Struct variableScale = new Struct(VARIABLE_SCALE).put("scale", 4).put("value", BigInteger.valueOf(1234567).toByteArray());
        List<ReadCase> cases = List.of(
                new ReadCase(DECIMAL, "numeric(10, 1)", "12.5", new BigDecimal("12.50")),
                new ReadCase(VARIABLE_SCALE, "numeric", "123.4567", variableScale),
                new ReadCase(DATE, "date", "1969-12-29", new java.util.Date(-3L * 86_400_000L)),
                new ReadCase(DBZ_DATE, "date", "2024-01-02", (int) LocalDate.of(2024, 1, 2).toEpochDay()),
                new ReadCase(TIME, "time(3)", "13:00:05.123", new java.util.Date(MICROS_OF_DAY / 1000)),
                new ReadCase(DBZ_TIME, "time(3)", "13:00:05.123", (int) (MICROS_OF_DAY / 1000)),
                new ReadCase(DBZ_MICRO_TIME, "time(6)", "13:00:05.123456", MICROS_OF_DAY),
                new ReadCase(DBZ_NANO_TIME, "time(6)", "13:00:05.123456", MICROS_OF_DAY * 1000),
                new ReadCase(DBZ_ZONED_TIME, "timetz", "13:00:05+02", "11:00:05Z"),
                new ReadCase(TIMESTAMP, "timestamp(3)", "2023-11-14 22:13:20.123", new java.util.Date(MILLIS)),
                new ReadCase(DBZ_TIMESTAMP, "timestamp(3)", "2023-11-14 22:13:20.123", MILLIS),
                new ReadCase(DBZ_MICRO_TIMESTAMP, "timestamp(6)", "2023-11-14 22:13:20.123456", MICROS),
                new ReadCase(DBZ_NANO_TIMESTAMP, "timestamptz", "2023-11-15 00:13:20.123456+02", MICROS * 1000),
                new ReadCase(DBZ_ZONED_TIMESTAMP, "timestamptz", "2023-11-15 00:13:20.123+02", "2023-11-14T22:13:20.123Z"),
                new ReadCase(DBZ_JSON, "jsonb", "{\"a\":1}", "{\"a\": 1}"),
                new ReadCase(DBZ_UUID, "uuid", "5D7F1C3E-6A2B-4C1D-9E8F-0A1B2C3D4E5F", "5d7f1c3e-6a2b-4c1d-9e8f-0a1b2c3d4e5f"),
                new ReadCase(DBZ_ENUM, "text", "red", "red"),
                new ReadCase(DBZ_XML, "xml", "<a>1</a>", "<a>1</a>"),
                new ReadCase(Schema.OPTIONAL_BOOLEAN_SCHEMA, "boolean", "t", true),
                new ReadCase(Schema.OPTIONAL_INT8_SCHEMA, "smallint", "-7", (byte) -7),
                new ReadCase(Schema.OPTIONAL_INT16_SCHEMA, "smallint", "-7", (short) -7),
                new ReadCase(Schema.OPTIONAL_INT32_SCHEMA, "integer", "123456", 123_456),
                new ReadCase(Schema.OPTIONAL_INT64_SCHEMA, "bigint", "9000000000", 9_000_000_000L),
                new ReadCase(Schema.OPTIONAL_FLOAT32_SCHEMA, "real", "1.5", 1.5f),
                new ReadCase(Schema.OPTIONAL_FLOAT64_SCHEMA, "double precision", "2.5", 2.5),
                new ReadCase(Schema.OPTIONAL_STRING_SCHEMA, "text", "ünï", "ünï"),
                // Elements through the element schema's own type.
                new ReadCase(SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).optional().build(), "int4[]", "{1,NULL,3}",
                        Arrays.asList(1, null, 3)),
                new ReadCase(SchemaBuilder.array(DECIMAL).optional().build(), "numeric(5, 1)[]", "{1.5,2}",
                        List.of(new BigDecimal("1.50"), new BigDecimal("2.00"))),
                new ReadCase(SchemaBuilder.array(Schema.OPTIONAL_BOOLEAN_SCHEMA).optional().build(), "bool[]", "{t,f}",
                        List.of(true, false)));
        List<String> columns = new ArrayList<>();
        List<String> nulls = new ArrayList<>();
        for (ReadCase c : cases) {
            columns.add("CAST('" + c.literal() + "' AS " + c.sqlType() + ")");
            nulls.add("CAST(NULL AS " + c.sqlType() + ")");
        }
        try (Connection connection = TestDatabases.postgres().connect(); Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT " + String.join(", ", columns))) {
                rs.next();
                for (int i = 0; i < cases.size(); i++) {
                    ReadCase c = cases.get(i);
                    assertEquals(c.expected(), ColumnTypes.of(c.schema()).read(rs, i + 1, c.schema()), c.sqlType());
                }
            }
            try (ResultSet rs = statement.executeQuery("SELECT " + String.join(", ", nulls))) {
                rs.next();
                for (int i = 0; i < cases.size(); i++) {
                    ReadCase c = cases.get(i);
                    assertNull(ColumnTypes.of(c.schema()).read(rs, i + 1, c.schema()), "null " + c.sqlType());
                }
            }
            try (ResultSet rs = statement.executeQuery("SELECT CAST('\\x0001ff' AS bytea), CAST('1.25' AS numeric(5, 2))")) {
                rs.next();
                assertArrayEquals(new byte[] {0, 1, -1}, (byte[]) JdbcValues.read(rs, 1, Schema.OPTIONAL_BYTES_SCHEMA));
                assertThrows(DataException.class, () -> JdbcValues.read(rs, 2, Decimal.builder(1).build()),
                        "a decimal that does not fit its schema's scale");
                assertThrows(DataException.class, () -> JdbcValues.read(rs, 2, SchemaBuilder.struct().build()));
            }
        }
    }

    private static Object toJdbc(Schema schema, Object value) {
        return ConnectValues.toJdbc(schema, value);
    }

    /** The JSON text Kafka's JsonConverter writes for the value, without a schema. */
    private static String kafkaJson(Schema schema, Object value) {
        try (JsonConverter converter = new JsonConverter()) {
            converter.configure(Map.of("schemas.enable", "false", "decimal.format", "NUMERIC"), false);
            return new String(converter.fromConnectData("t", schema, value), StandardCharsets.UTF_8);
        }
    }
}
