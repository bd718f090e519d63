package io.connectdelta.transforms;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.ChangeEventReader;
import io.connectdelta.event.Formats;
import io.connectdelta.event.Op;
import io.connectdelta.event.Shape;
import io.connectdelta.event.ToastPlaceholder;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reselect against a real PostgreSQL and a real MariaDB: every case runs on both. */
class ReselectTest {
    private static final String PLACEHOLDER = ToastPlaceholder.DEFAULT_PLACEHOLDER;
    private static final String HOSTILE_TABLE = "we\"ird` tab;le";
    private static final String HOSTILE_COLUMN = "co\"l`; DROP TABLE victims; --";
    private static final String BIG_TEXT = "x".repeat(20_000);
    private static final LocalDate BORN = LocalDate.of(1990, 5, 17);
    private static final LocalDateTime UPDATED = LocalDateTime.of(2024, 3, 13, 10, 15, 30, 123_456_000);

    private static TestDatabase postgres;
    private static TestDatabase mariadb;

    private final List<Reselect<SinkRecord>> transforms = new ArrayList<>();

    @BeforeAll
    static void createDatabases() {
        postgres = TestDatabases.postgres().createDatabase("reselect");
        mariadb = TestDatabases.mariadb().createDatabase("reselect");
        for (TestDatabase db : List.of(postgres, mariadb)) {
            char q = db.isPostgres() ? '"' : '`';
            String doubled = db.isPostgres() ? HOSTILE_TABLE.replace("\"", "\"\"") : HOSTILE_TABLE.replace("`", "``");
            String column = db.isPostgres() ? HOSTILE_COLUMN.replace("\"", "\"\"") : HOSTILE_COLUMN.replace("`", "``");
            db.execute(
                    "CREATE TABLE customers (id INT PRIMARY KEY, first_name VARCHAR(50) NOT NULL, last_name VARCHAR(50), "
                            + "doc TEXT, balance DECIMAL(10,2), born DATE, updated_at TIMESTAMP"
                            + (db.isPostgres() ? "" : "(6) NULL") + ")",
                    "CREATE TABLE addresses (customer_id INT PRIMARY KEY, city VARCHAR(50))",
                    "CREATE TABLE victims (id INT PRIMARY KEY)",
                    "CREATE TABLE tags (code VARCHAR(20) PRIMARY KEY, label TEXT)",
                    "INSERT INTO tags VALUES ('red', 'Red')",
                    "INSERT INTO victims VALUES (1)",
                    "CREATE TABLE " + q + doubled + q + " (id INT PRIMARY KEY, " + q + column + q + " VARCHAR(50))",
                    "INSERT INTO " + q + doubled + q + " VALUES (7, 'safe')");
        }
    }

    static List<TestDatabase> databases() {
        return List.of(postgres, mariadb);
    }

    @AfterEach
    void closeTransforms() {
        transforms.forEach(Reselect::close);
    }

    private void resetRows(TestDatabase db) {
        db.execute("DELETE FROM customers", "DELETE FROM addresses",
                "INSERT INTO customers VALUES (1, 'Barry', 'Wilson', '" + BIG_TEXT + "', 12.50, '1990-05-17', "
                        + "'2024-03-13 10:15:30.123456')",
                "INSERT INTO customers VALUES (2, 'Jazmine', 'Doe', 'short', NULL, NULL, NULL)",
                "INSERT INTO addresses VALUES (1, 'Hamburg')");
    }

    private Reselect<SinkRecord> reselect(TestDatabase db, String... settings) {
        Map<String, String> props = new HashMap<>();
        props.put("connection.url", db.jdbcUrl());
        props.put("connection.username", db.user());
        props.put("connection.password", db.password());
        for (int i = 0; i < settings.length; i += 2) {
            props.put(settings[i], settings[i + 1]);
        }
        Reselect<SinkRecord> transform = new Reselect<>();
        transform.configure(props);
        transforms.add(transform);
        return transform;
    }

    // ---- records as Debezium writes them --------------------------------------------------------------

    private static final Schema KEY_SCHEMA = SchemaBuilder.struct().name("srv.public.customers.Key")
            .field("id", Schema.INT32_SCHEMA).build();
    private static final Schema ROW_SCHEMA = SchemaBuilder.struct().name("srv.public.customers.Value").optional()
            .field("id", Schema.INT32_SCHEMA)
            .field("first_name", Schema.STRING_SCHEMA)
            .field("last_name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("doc", Schema.OPTIONAL_STRING_SCHEMA)
            .field("balance", Decimal.builder(2).optional().build())
            .field("born", SchemaBuilder.int32().name("io.debezium.time.Date").optional().build())
            .field("updated_at", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").optional().build())
            .build();
    private static final Schema SOURCE_SCHEMA = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("connector", Schema.STRING_SCHEMA).field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA).field("db", Schema.STRING_SCHEMA)
            .field("schema", Schema.OPTIONAL_STRING_SCHEMA).field("table", Schema.STRING_SCHEMA).build();
    private static final Schema ENVELOPE_SCHEMA = SchemaBuilder.struct().name("srv.public.customers.Envelope")
            .field("before", ROW_SCHEMA).field("after", ROW_SCHEMA).field("source", SOURCE_SCHEMA)
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema ID_ONLY_SCHEMA = SchemaBuilder.struct().name("srv.public.customers.IdOnly")
            .field("key", SchemaBuilder.struct().name("srv.public.customers.Key").optional()
                    .field("id", Schema.INT32_SCHEMA).build())
            .field("source", SOURCE_SCHEMA).field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    private static long offset;

    private static Struct source(TestDatabase db, String table, long tsMs) {
        return new Struct(SOURCE_SCHEMA).put("connector", db.isPostgres() ? "postgresql" : "mariadb").put("name", "srv")
                .put("ts_ms", tsMs).put("db", db.database()).put("schema", db.isPostgres() ? "public" : null)
                .put("table", table);
    }

    private static SinkRecord idOnly(TestDatabase db, int id, String op) {
        return idOnly(db, id, op, "customers", System.currentTimeMillis() - 60_000);
    }

    private static SinkRecord idOnly(TestDatabase db, int id, String op, String table, long tsMs) {
        Struct key = new Struct(KEY_SCHEMA).put("id", id);
        Struct value = new Struct(ID_ONLY_SCHEMA).put("key", new Struct(ID_ONLY_SCHEMA.field("key").schema()).put("id", id))
                .put("source", source(db, table, tsMs)).put("op", op).put("ts_ms", tsMs + 5);
        SinkRecord record = new SinkRecord("srv.public.customers", 0, KEY_SCHEMA, key, ID_ONLY_SCHEMA, value, offset++);
        record.headers().addString(Formats.FORMAT_HEADER, "id-only");
        return record;
    }

    private static SinkRecord fullWithPlaceholder(TestDatabase db, int id) {
        Struct after = new Struct(ROW_SCHEMA).put("id", id).put("first_name", "stale").put("last_name", "Wilson")
                .put("doc", PLACEHOLDER);
        Struct value = new Struct(ENVELOPE_SCHEMA).put("after", after)
                .put("source", source(db, "customers", System.currentTimeMillis() - 60_000)).put("op", "u").put("ts_ms", 1L);
        return new SinkRecord("srv.public.customers", 0, KEY_SCHEMA, new Struct(KEY_SCHEMA).put("id", id), ENVELOPE_SCHEMA,
                value, offset++);
    }

    private static Map<String, Object> sourceMap(TestDatabase db) {
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("connector", "postgresql");
        source.put("ts_ms", System.currentTimeMillis() - 60_000);
        source.put("db", db.database());
        source.put("schema", db.isPostgres() ? "public" : null);
        source.put("table", "customers");
        return source;
    }

    private static SinkRecord schemalessIdOnly(TestDatabase db, int id) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("key", Map.of("id", id));
        value.put("op", "u");
        value.put("source", sourceMap(db));
        value.put("ts_ms", 1L);
        return new SinkRecord("srv.public.customers", 0, null, Map.of("id", id), null, value, offset++);
    }

    private static SinkRecord schemalessFullWithPlaceholder(TestDatabase db, int id) {
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("id", id);
        after.put("first_name", "stale");
        after.put("doc", PLACEHOLDER);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("before", null);
        value.put("after", after);
        value.put("op", "u");
        value.put("source", sourceMap(db));
        return new SinkRecord("srv.public.customers", 0, null, Map.of("id", id), null, value, offset++);
    }

    private static ChangeEvent read(SinkRecord record) {
        assertEquals("full", record.headers().lastWithName(Formats.FORMAT_HEADER).value());
        ChangeEvent event = new ChangeEventReader().read(record);
        assertEquals(Shape.FULL, event.shape());
        return event;
    }

    private static Object firstName(SinkRecord out) {
        return read(out).after().get("first_name");
    }

    /** Compares without printing 20,000 characters on a failure. */
    private static void assertBigText(Object actual) {
        assertTrue(BIG_TEXT.equals(actual), () -> "expected the big text but found "
                + (actual == null ? null : String.valueOf(actual).substring(0, Math.min(60, String.valueOf(actual).length()))));
    }

    private static int epochDay(LocalDate date) {
        return (int) date.toEpochDay();
    }

    // ---- tests -----------------------------------------------------------------------------------------

    /** Named as the other transforms name their envelopes: Debezium's {@code .Value} suffix is not kept. */
    @ParameterizedTest
    @MethodSource("databases")
    void envelopeOfAValueNamedEventIsNamedAsTheOtherTransformsNameIt(TestDatabase db) {
        resetRows(db);
        SinkRecord idOnly = idOnly(db, 1, "u");
        SchemaBuilder valueNamed = SchemaBuilder.struct().name("srv.public.customers.Value");
        ID_ONLY_SCHEMA.fields().forEach(field -> valueNamed.field(field.name(), field.schema()));
        Schema schema = valueNamed.build();
        Struct value = new Struct(schema);
        schema.fields().forEach(field -> value.put(field, ((Struct) idOnly.value()).get(field.name())));
        SinkRecord out = reselect(db).apply(idOnly.newRecord(idOnly.topic(), 0, idOnly.keySchema(), idOnly.key(),
                schema, value, idOnly.timestamp(), idOnly.headers()));

        assertEquals("srv.public.customers.Envelope", out.valueSchema().name());
        assertEquals("Barry", read(out).after().get("first_name"));
        assertEquals(((Struct) idOnly.value()).get("source"), ((Struct) out.value()).get("source"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void idOnlyEventBecomesFullEventWithConnectTypes(TestDatabase db) {
        resetRows(db);
        SinkRecord out = reselect(db).apply(idOnly(db, 1, "u"));

        assertEquals("srv.public.customers.Envelope", out.valueSchema().name());
        assertEquals("srv.public.customers.Value", out.valueSchema().field("after").schema().name());
        ChangeEvent event = read(out);
        assertEquals(Op.UPDATE, event.op());
        assertNull(event.before());
        assertEquals("Barry", event.after().get("first_name"));
        assertBigText(event.after().get("doc"));
        assertEquals(new BigDecimal("12.50"), event.after().get("balance"));
        assertEquals(Decimal.LOGICAL_NAME, event.after().fieldSchema("balance").name());
        assertEquals(new java.util.Date(TimeUnit.DAYS.toMillis(BORN.toEpochDay())), event.after().get("born"));
        assertEquals(java.util.Date.from(UPDATED.toInstant(ZoneOffset.UTC)), event.after().get("updated_at"));
        assertEquals(org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME, event.after().fieldSchema("updated_at").name());
        assertEquals("customers", event.position().table());
        assertEquals(1, ((Struct) out.key()).get("id"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void schemalessIdOnlyEventBecomesMapEnvelope(TestDatabase db) {
        resetRows(db);
        SinkRecord out = reselect(db).apply(schemalessIdOnly(db, 1));

        assertNull(out.valueSchema());
        @SuppressWarnings("unchecked")
        Map<String, Object> after = (Map<String, Object>) ((Map<?, ?>) out.value()).get("after");
        assertEquals("Barry", after.get("first_name"));
        assertEquals("12.50", after.get("balance"));
        assertEquals(epochDay(BORN), after.get("born"));
        assertEquals(UPDATED.toInstant(ZoneOffset.UTC).toEpochMilli(), after.get("updated_at"));
        assertEquals("u", ((Map<?, ?>) out.value()).get("op"));
        assertBigText(read(out).after().get("doc"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void placeholderColumnsAreFilledAndOthersKept(TestDatabase db) {
        resetRows(db);
        SinkRecord out = reselect(db).apply(fullWithPlaceholder(db, 1));

        assertSame(ENVELOPE_SCHEMA, out.valueSchema());
        ChangeEvent event = read(out);
        assertBigText(event.after().get("doc"));
        assertEquals("stale", event.after().get("first_name"), "only the placeholder column is re-selected by default");
        assertTrue(event.unavailableFields().isEmpty());

        SinkRecord schemaless = reselect(db).apply(schemalessFullWithPlaceholder(db, 1));
        assertBigText(read(schemaless).after().get("doc"));
        assertEquals("stale", read(schemaless).after().get("first_name"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void chosenColumnsAreReselectedInTheEventsOwnTypes(TestDatabase db) {
        resetRows(db);
        Reselect<SinkRecord> transform = reselect(db, "reselect.columns", "first_name,born,updated_at");
        ChangeEvent event = read(transform.apply(fullWithPlaceholder(db, 1)));
        assertEquals("Barry", event.after().get("first_name"));
        assertBigText(event.after().get("doc"));
        assertEquals(epochDay(BORN), event.after().get("born"), "io.debezium.time.Date stays days since epoch");
        long micros = UPDATED.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + UPDATED.getNano() / 1000;
        assertEquals(micros, event.after().get("updated_at"), "io.debezium.time.MicroTimestamp stays micros");

        SinkRecord unchanged = fullWithPlaceholder(db, 1);
        ((Struct) unchanged.value()).getStruct("after").put("doc", "known");
        assertSame(unchanged, reselect(db).apply(unchanged), "no placeholder and no chosen columns: passed as is");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void queryTemplateJoinsTheAggregateWithBoundParameters(TestDatabase db) {
        resetRows(db);
        Reselect<SinkRecord> transform = reselect(db, "query",
                "SELECT c.id, c.first_name, a.city FROM customers c LEFT JOIN addresses a ON a.customer_id = c.id "
                        + "WHERE c.id = ${key.id}");
        SinkRecord out = transform.apply(idOnly(db, 1, "c"));
        assertEquals("srv.public.customers.Reselected", out.valueSchema().field("after").schema().name());
        ChangeEvent event = read(out);
        assertEquals(Op.CREATE, event.op());
        assertEquals(List.of("id", "first_name", "city"), List.copyOf(event.after().fieldNames()));
        assertEquals("Hamburg", event.after().get("city"));

        ChangeEvent withoutAddress = read(transform.apply(idOnly(db, 2, "u")));
        assertEquals("Jazmine", withoutAddress.after().get("first_name"));
        assertNull(withoutAddress.after().get("city"));

        ChangeEvent schemaless = read(transform.apply(schemalessIdOnly(db, 1)));
        assertEquals("Hamburg", schemaless.after().get("city"));
    }

    /** A delta event (ToDelta's wire format) of an update of customer 1's last name. */
    private static SinkRecord deltaOfLastName(TestDatabase db) {
        Schema deltaRow = SchemaBuilder.struct().name("srv.public.customers.Value").optional()
                .field("id", SchemaBuilder.int32().optional().parameter(Formats.REQUIRED_PARAMETER, "true").build())
                .field("first_name", SchemaBuilder.string().optional().parameter(Formats.REQUIRED_PARAMETER, "true").build())
                .field("last_name", Schema.OPTIONAL_STRING_SCHEMA)
                .field("doc", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Schema deltaSchema = SchemaBuilder.struct().name("srv.public.customers.Delta")
                .field("after", deltaRow).field("changed", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
                .field("source", SOURCE_SCHEMA).field("op", Schema.STRING_SCHEMA).build();
        Struct value = new Struct(deltaSchema).put("after", new Struct(deltaRow).put("id", 1).put("last_name", "Wilson"))
                .put("changed", List.of("last_name")).put("source", source(db, "customers", 1L)).put("op", "u");
        SinkRecord delta = new SinkRecord("srv.public.customers", 0, KEY_SCHEMA, new Struct(KEY_SCHEMA).put("id", 1),
                deltaSchema, value, offset++);
        delta.headers().addString(Formats.FORMAT_HEADER, "delta");
        return delta;
    }

    @ParameterizedTest
    @MethodSource("databases")
    void deltaEventBecomesFullWithItsFullRowSchemaRestored(TestDatabase db) {
        resetRows(db);
        SinkRecord delta = deltaOfLastName(db);
        SinkRecord out = reselect(db).apply(delta);
        assertEquals("srv.public.customers.Envelope", out.valueSchema().name());
        Schema row = out.valueSchema().field("after").schema();
        assertEquals("srv.public.customers.Value", row.name());
        assertTrue(!row.field("first_name").schema().isOptional(), "required again");
        assertNull(row.field("first_name").schema().parameters(), "the marker parameter is gone");
        ChangeEvent event = read(out);
        assertEquals("Barry", event.after().get("first_name"));
        assertBigText(event.after().get("doc"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void toFullCompletesEventsWithoutStateThroughTheFetcher(TestDatabase db) {
        resetRows(db);
        ToFull<SinkRecord> toFull = new ToFull<>();
        toFull.configure(Map.of(ToFull.ON_MISSING_STATE_CONFIG, "reselect", "connection.url", db.jdbcUrl(),
                "connection.username", db.user(), "connection.password", db.password()));
        try {
            ChangeEvent event = read(toFull.apply(deltaOfLastName(db)));
            assertEquals("Barry", event.after().get("first_name"), "re-selected from the table");
            assertEquals("Wilson", event.after().get("last_name"));
            assertBigText(event.after().get("doc"));
        } finally {
            toFull.close();
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void idOnlyDeleteBecomesFullDeleteAndTextKeysBind(TestDatabase db) {
        resetRows(db);
        ChangeEvent delete = read(reselect(db).apply(idOnly(db, 2, "d")));
        assertEquals(Op.DELETE, delete.op());
        assertNull(delete.after());

        Map<String, Object> tagSource = sourceMap(db);
        tagSource.put("table", "tags");
        Map<String, Object> value = new LinkedHashMap<>(Map.of("key", Map.of("code", "red"), "op", "c", "source", tagSource));
        ChangeEvent tag = read(reselect(db).apply(new SinkRecord("srv.tags", 0, null, Map.of("code", "red"), null, value, 9)));
        assertEquals("Red", tag.after().get("label"));

        if (db.isPostgres()) {
            // A uuid key arrives as text (io.debezium.data.Uuid): it must compare with the uuid column.
            String id = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
            db.execute("CREATE TABLE IF NOT EXISTS sessions (id UUID PRIMARY KEY, label TEXT)",
                    "DELETE FROM sessions", "INSERT INTO sessions VALUES ('" + id + "', 'uuid row')");
            Map<String, Object> sessionSource = sourceMap(db);
            sessionSource.put("table", "sessions");
            Map<String, Object> session = new LinkedHashMap<>(Map.of("key", Map.of("id", id), "op", "u", "source", sessionSource));
            assertEquals("uuid row", read(reselect(db).apply(
                    new SinkRecord("srv.sessions", 0, null, Map.of("id", id), null, session, 10))).after().get("label"));
        }
    }

    @ParameterizedTest
    @MethodSource("databases")
    void missingRowBecomesDeleteOrFailsOrPasses(TestDatabase db) {
        resetRows(db);
        SinkRecord gone = idOnly(db, 99, "u");

        SinkRecord deleted = reselect(db).apply(gone);
        ChangeEvent event = read(deleted);
        assertEquals(Op.DELETE, event.op());
        assertNull(event.after());
        assertEquals("srv.public.customers.Envelope", deleted.valueSchema().name());
        assertEquals(99, ((Struct) deleted.key()).get("id"));

        SinkRecord fullGone = fullWithPlaceholder(db, 99);
        ChangeEvent fullDeleted = read(reselect(db).apply(fullGone));
        assertEquals(Op.DELETE, fullDeleted.op());
        assertNull(fullDeleted.before(), "the known row held a placeholder, so it is no 'before'");

        DataException failure = assertThrows(DataException.class, () -> reselect(db, "on.missing.row", "fail").apply(gone));
        assertTrue(failure.getMessage().contains("srv.public.customers") && failure.getMessage().contains("offset"),
                failure.getMessage());

        assertSame(gone, reselect(db, "on.missing.row", "pass").apply(gone));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void cachedRowsAnswerUntilTheirTimeToLive(TestDatabase db) throws Exception {
        resetRows(db);
        // A time to live far longer than the steps between reads, so a slow machine cannot expire the entry early.
        Reselect<SinkRecord> transform = reselect(db, "cache.ttl.ms", "60000");
        assertEquals("Barry", firstName(transform.apply(idOnly(db, 1, "u"))));

        db.execute("UPDATE customers SET first_name = 'Melissa' WHERE id = 1");
        assertEquals("Barry", firstName(transform.apply(idOnly(db, 1, "u"))),
                "an event of a change older than the cached read is answered from the cache");
        SinkRecord newerChange = idOnly(db, 1, "u", "customers", System.currentTimeMillis() + 1_000);
        assertEquals("Melissa", firstName(transform.apply(newerChange)),
                "an event of a change after the cached read selects again");

        Reselect<SinkRecord> shortLived = reselect(db, "cache.ttl.ms", "200");
        assertEquals("Melissa", firstName(shortLived.apply(idOnly(db, 1, "u"))));
        db.execute("UPDATE customers SET first_name = 'Melody' WHERE id = 1");
        Thread.sleep(300);
        assertEquals("Melody", firstName(shortLived.apply(idOnly(db, 1, "u"))),
                "an expired entry selects again");

        Reselect<SinkRecord> uncached = reselect(db, "cache.max.entries", "0");
        assertEquals("Melody", firstName(uncached.apply(idOnly(db, 1, "u"))));
        db.execute("UPDATE customers SET first_name = 'Mona' WHERE id = 1");
        assertEquals("Mona", firstName(uncached.apply(idOnly(db, 1, "u"))));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void hostileNamesAreQuotedNeverExecuted(TestDatabase db) throws Exception {
        resetRows(db);
        Reselect<SinkRecord> transform = reselect(db);
        for (String table : List.of("customers\" WHERE 1=1; DROP TABLE victims; --",
                "customers` WHERE 1=1; DROP TABLE victims; --", "customers; DROP TABLE victims")) {
            DataException e = assertThrows(DataException.class,
                    () -> transform.apply(idOnly(db, 1, "u", table, System.currentTimeMillis())));
            assertTrue(e.getMessage().contains("offset"), e.getMessage());
        }
        Schema hostileKey = SchemaBuilder.struct().field("id = 1 OR 1 = 1; DROP TABLE victims; --", Schema.INT32_SCHEMA).build();
        Map<String, Object> source = sourceMap(db);
        Map<String, Object> value = new LinkedHashMap<>(Map.of("key", Map.of("id\" = 1 OR \"1", 1), "op", "u", "source", source));
        assertThrows(DataException.class, () -> transform.apply(new SinkRecord("t", 0, null,
                Map.of("id\" = 1 OR \"1", 1), null, value, 1)));
        assertThrows(DataException.class, () -> transform.apply(new SinkRecord("t", 0, hostileKey,
                new Struct(hostileKey).put("id = 1 OR 1 = 1; DROP TABLE victims; --", 1), null,
                new LinkedHashMap<>(Map.of("key", Map.of("x", 1), "op", "u", "source", source)), 2)));

        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM victims")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1), "the victims table is still there");
        }

        // A table and column whose real names hold quotes, backticks and semicolons work as plain names.
        Map<String, Object> weirdSource = sourceMap(db);
        weirdSource.put("table", HOSTILE_TABLE);
        Map<String, Object> after = new LinkedHashMap<>();
        after.put("id", 7);
        after.put(HOSTILE_COLUMN, PLACEHOLDER);
        Map<String, Object> full = new LinkedHashMap<>();
        full.put("before", null);
        full.put("after", after);
        full.put("op", "u");
        full.put("source", weirdSource);
        SinkRecord out = transform.apply(new SinkRecord("t", 0, null, Map.of("id", 7), null, full, 3));
        assertEquals("safe", read(out).after().get(HOSTILE_COLUMN));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void flattenedRowsNeedATableNameFormat(TestDatabase db) {
        resetRows(db);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 1);
        row.put("first_name", "stale");
        row.put("doc", PLACEHOLDER);
        SinkRecord flattened = new SinkRecord("srv." + (db.isPostgres() ? "public" : db.database()) + ".customers", 0,
                null, Map.of("id", 1), null, row, 5);
        DataException e = assertThrows(DataException.class, () -> reselect(db).apply(flattened));
        assertTrue(e.getMessage().contains("table.name.format"), e.getMessage());

        SinkRecord out = reselect(db, "table.name.format", "${topic.schema}.${topic.table}").apply(flattened);
        @SuppressWarnings("unchecked")
        Map<String, Object> value = (Map<String, Object>) out.value();
        assertBigText(value.get("doc"));
        assertEquals("stale", value.get("first_name"));
    }

    @ParameterizedTest
    @MethodSource("databases")
    void brokenConnectionIsReopened(TestDatabase db) throws Exception {
        resetRows(db);
        Reselect<SinkRecord> transform = reselect(db, "cache.max.entries", "0");
        assertEquals("Barry", firstName(transform.apply(idOnly(db, 1, "u"))));
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            if (db.isPostgres()) {
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                        + "AND pid <> pg_backend_pid()");
            } else {
                List<Long> ids = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT id FROM information_schema.processlist WHERE db = DATABASE() "
                        + "AND id <> CONNECTION_ID()")) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                assertTrue(!ids.isEmpty(), "the transform's session is listed");
                for (long id : ids) {
                    s.execute("KILL " + id);
                }
            }
        }
        assertEquals("Barry", firstName(transform.apply(idOnly(db, 1, "u"))));
    }
}
