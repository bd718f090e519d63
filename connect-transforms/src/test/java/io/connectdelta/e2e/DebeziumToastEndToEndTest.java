package io.connectdelta.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.ChangeEventReader;
import io.connectdelta.event.Formats;
import io.connectdelta.event.Op;
import io.connectdelta.event.Shape;
import io.connectdelta.event.ToastPlaceholder;
import io.connectdelta.event.Values;
import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.DebeziumPostgres;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import io.connectdelta.transforms.ToDelta;
import io.connectdelta.transforms.ToFull;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Debezium PostgreSQL connector (pgoutput) in a real Connect worker, on a table whose text column is
 * TOASTed out of line: an update that leaves it unchanged carries Debezium's placeholder. One connector per
 * transform chain, each configured through the worker's REST API, sees the same insert and update; each test
 * checks what reached its topic. One more connector, without transforms, captures two tables with a column of
 * every array type stored out of line (replica identity DEFAULT and FULL): the array tests run the transforms
 * in the test on what it sent.
 */
class DebeziumToastEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PLACEHOLDER = ToastPlaceholder.DEFAULT_PLACEHOLDER;
    private static final String PLAIN = "plain";
    private static final String RESELECT = "reselect";
    private static final String DELTA = "delta";
    private static final String PATCH = "patch";
    private static final String ID_ONLY = "idonly";
    private static final String ID_ONLY_RESELECT = "idonly_reselect";
    private static final String FULL_FROM_DELTA = "full_from_delta";
    private static final String FULL_ROCKSDB = "full_rocksdb";
    private static final String ARRAYS = "arrays";

    /**
     * Array columns (name, type, an out-of-line value) whose unchanged TOASTed value Debezium 3.7 (pgoutput) emits
     * as a placeholder: a one-element array of the placeholder text, bytes or name-based UUID, or an integer array of
     * the placeholder's bytes.
     */
    private static final String[][] PLACEHOLDER_ARRAYS = {
        {"a_text", "text[]", "(SELECT array_agg(md5(g::text)) FROM generate_series(1, 200) g)"},
        {"a_varchar", "varchar(40)[]", "(SELECT array_agg(md5(g::text)) FROM generate_series(1, 200) g)"},
        {"a_bpchar", "char(32)[]", "(SELECT array_agg(md5(g::text)) FROM generate_series(1, 200) g)"},
        {"a_json", "json[]", "(SELECT array_agg(json_build_object('k', md5(g::text))) FROM generate_series(1, 200) g)"},
        {"a_jsonb", "jsonb[]", "(SELECT array_agg(jsonb_build_object('k', md5(g::text))) FROM generate_series(1, 200) g)"},
        {"a_bytea", "bytea[]", "(SELECT array_agg(decode(md5(g::text), 'hex')) FROM generate_series(1, 300) g)"},
        {"a_int4", "integer[]", "(SELECT array_agg(g) FROM generate_series(1, 2000) g)"},
        {"a_int8", "bigint[]", "(SELECT array_agg(g::bigint) FROM generate_series(1, 2000) g)"},
        {"a_date", "date[]", "(SELECT array_agg(DATE '2020-01-01' + g) FROM generate_series(1, 2000) g)"},
        {"a_uuid", "uuid[]", "(SELECT array_agg(md5(g::text)::uuid) FROM generate_series(1, 300) g)"},
    };
    /**
     * Array columns whose unchanged TOASTed value Debezium 3.7 emits as null: no consumer can tell it from a NULL
     * (docs/formats.md, "TOASTed arrays that arrive as null").
     */
    private static final String[][] NULL_ARRAYS = {
        {"a_int2", "smallint[]", "(SELECT array_agg(g::smallint) FROM generate_series(1, 2000) g)"},
        {"a_float4", "real[]", "(SELECT array_agg(g::real / 3) FROM generate_series(1, 2000) g)"},
        {"a_float8", "double precision[]", "(SELECT array_agg(g::float8 / 3) FROM generate_series(1, 2000) g)"},
        {"a_numeric", "numeric[]", "(SELECT array_agg(g::numeric / 7) FROM generate_series(1, 500) g)"},
        {"a_numeric_s", "numeric(12,3)[]", "(SELECT array_agg(g::numeric / 7) FROM generate_series(1, 500) g)"},
        {"a_bool", "boolean[]", "(SELECT array_agg(g % 3 = 0) FROM generate_series(1, 5000) g)"},
        {"a_time", "time[]", "(SELECT array_agg(TIME '00:00' + g * INTERVAL '1 second') FROM generate_series(1, 2000) g)"},
        {"a_timetz", "timetz[]", "(SELECT array_agg(TIME WITH TIME ZONE '00:00+02' + g * INTERVAL '1 second') FROM generate_series(1, 500) g)"},
        {"a_timestamp", "timestamp[]", "(SELECT array_agg(TIMESTAMP '2020-01-01' + g * INTERVAL '1 minute') FROM generate_series(1, 2000) g)"},
        {"a_timestamptz", "timestamptz[]", "(SELECT array_agg(TIMESTAMPTZ '2020-01-01 00:00Z' + g * INTERVAL '1 minute') FROM generate_series(1, 2000) g)"},
        {"a_inet", "inet[]", "(SELECT array_agg(('10.0.' || (g / 250) || '.' || (g % 250))::inet) FROM generate_series(1, 500) g)"},
    };

    private static TestDatabase db;
    private static ConnectCluster connect;
    private static final List<String> connectors = new ArrayList<>();
    private static String doc;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabases.postgres().createDatabase("e2e_toast");
        db.execute("CREATE TABLE big (id INT PRIMARY KEY, title VARCHAR(100), doc TEXT)");
        createArrayTable("arrays", "DEFAULT");
        createArrayTable("arrays_full", "FULL");
        doc = incompressibleText(20_000, 42);
        connect = ConnectCluster.start(1, Map.of());

        Path stateDir = Files.createTempDirectory(Paths.get(System.getProperty("java.io.tmpdir")), "tofull-state");
        startConnector(PLAIN, Map.of());
        startConnector(RESELECT, chain(reselect("reselect")));
        startConnector(DELTA, chain(Map.of("transforms.delta.type", "io.connectdelta.transforms.ToDelta",
                "transforms.delta.delta.format", "fields")));
        startConnector(PATCH, chain(Map.of("transforms.patch.type", "io.connectdelta.transforms.ToDelta",
                "transforms.patch.delta.format", "json-patch")));
        startConnector(ID_ONLY, chain(Map.of("transforms.idonly.type", "io.connectdelta.transforms.ToIdOnly")));
        Map<String, String> idOnlyThenReselect = new LinkedHashMap<>();
        idOnlyThenReselect.put("transforms.idonly.type", "io.connectdelta.transforms.ToIdOnly");
        idOnlyThenReselect.putAll(reselect("reselect"));
        startConnector(ID_ONLY_RESELECT, chain(idOnlyThenReselect));
        startConnector(FULL_FROM_DELTA, chain(Map.of(
                "transforms.delta.type", "io.connectdelta.transforms.ToDelta",
                "transforms.full.type", "io.connectdelta.transforms.ToFull",
                "transforms.full.state.store", "memory")));
        startConnector(FULL_ROCKSDB, chain(Map.of(
                "transforms.full.type", "io.connectdelta.transforms.ToFull",
                "transforms.full.state.store", "rocksdb",
                "transforms.full.state.dir", stateDir.toString())));
        connectors.add(ARRAYS);
        connect.putConnector(ARRAYS, DebeziumPostgres.connectorConfig(db, ARRAYS, ARRAYS, "public.arrays,public.arrays_full"));
        for (String name : connectors) {
            connect.awaitRunning(name, 1, TIMEOUT);
            DebeziumPostgres.awaitStreaming(db, name, TIMEOUT);
        }

        try (Connection c = db.connect();
             PreparedStatement insert = c.prepareStatement("INSERT INTO big VALUES (1, 'first', ?)")) {
            insert.setString(1, doc);
            insert.executeUpdate();
        }
        db.execute("UPDATE big SET title = 'second' WHERE id = 1");
        for (String table : List.of("arrays", "arrays_full")) {
            StringBuilder insert = new StringBuilder("INSERT INTO " + table + " SELECT 1, 'first'");
            for (String[] column : arrayColumns()) {
                insert.append(", ").append(column[2]);
            }
            db.execute(insert.toString(), "UPDATE " + table + " SET title = 'second' WHERE id = 1");
        }
    }

    /**
     * A table with a column of every array type, each stored out of line (EXTERNAL storage: values over ~2 KB leave
     * the row uncompressed), with the given replica identity.
     */
    private static void createArrayTable(String table, String replicaIdentity) {
        StringBuilder create = new StringBuilder("CREATE TABLE " + table + " (id INT PRIMARY KEY, title TEXT");
        for (String[] column : arrayColumns()) {
            create.append(", ").append(column[0]).append(' ').append(column[1]);
        }
        db.execute(create.append(")").toString(), "ALTER TABLE " + table + " REPLICA IDENTITY " + replicaIdentity);
        for (String[] column : arrayColumns()) {
            db.execute("ALTER TABLE " + table + " ALTER COLUMN " + column[0] + " SET STORAGE EXTERNAL");
        }
    }

    private static List<String[]> arrayColumns() {
        List<String[]> columns = new ArrayList<>(List.of(PLACEHOLDER_ARRAYS));
        columns.addAll(List.of(NULL_ARRAYS));
        return columns;
    }

    private static List<String> names(String[][] columns) {
        List<String> names = new ArrayList<>();
        for (String[] column : columns) {
            names.add(column[0]);
        }
        return names;
    }

    @AfterAll
    static void stop() {
        try {
            for (String name : connectors) {
                connect.deleteConnector(name);
            }
            for (String name : connectors) {
                DebeziumPostgres.dropSlotAndPublication(db, name);
            }
        } finally {
            if (connect != null) {
                connect.close();
            }
        }
    }

    /** Random letters and digits: pglz cannot shrink them enough, so the value is stored out of line. */
    private static String incompressibleText(int length, long seed) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        Random random = new Random(seed);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static void startConnector(String name, Map<String, String> transforms) {
        Map<String, String> config = new LinkedHashMap<>(DebeziumPostgres.connectorConfig(db, name, name, "public.big"));
        config.putAll(transforms);
        connectors.add(name);
        connect.putConnector(name, config);
    }

    /** The transforms settings, with "transforms" listing the aliases in the order their keys were given. */
    private static Map<String, String> chain(Map<String, String> settings) {
        List<String> aliases = new ArrayList<>();
        for (String key : settings.keySet()) {
            String alias = key.split("\\.")[1];
            if (!aliases.contains(alias)) {
                aliases.add(alias);
            }
        }
        // Map.of has no order: a chain of several transforms lists its aliases in the order of the pipeline.
        if (aliases.contains("full") && aliases.remove("delta")) {
            aliases.add(0, "delta");
        }
        Map<String, String> config = new LinkedHashMap<>(settings);
        config.put("transforms", String.join(",", aliases));
        return config;
    }

    private static Map<String, String> reselect(String alias) {
        Map<String, String> config = new LinkedHashMap<>();
        String prefix = "transforms." + alias + ".";
        config.put(prefix + "type", "io.connectdelta.transforms.Reselect");
        config.put(prefix + "connection.url", db.jdbcUrl());
        config.put(prefix + "connection.username", db.user());
        config.put(prefix + "connection.password", db.password());
        return config;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(Formats.FORMAT_HEADER);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The insert and the update, as they reached the connector's topic. */
    private static List<ConsumerRecord<byte[], byte[]>> changes(String connectorName) {
        List<ConsumerRecord<byte[], byte[]>> records = connect.consume(connectorName + ".public.big", 2, TIMEOUT);
        assertEquals(2, records.size(), "one insert and one update");
        return records;
    }

    private static JsonNode payload(ConsumerRecord<byte[], byte[]> record) {
        return ConnectCluster.json(record.value()).path("payload");
    }

    private static ChangeEvent event(ConsumerRecord<byte[], byte[]> record) {
        return new ChangeEventReader().read(ConnectCluster.toConnect(record, true));
    }

    private static String text(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    @Test
    void debeziumSendsThePlaceholderForTheUnchangedToastedColumn() throws Exception {
        assertStoredOutOfLine();
        ConsumerRecord<byte[], byte[]> update = changes(PLAIN).get(1);
        JsonNode value = payload(update);
        assertEquals("u", value.path("op").asText());
        assertEquals("second", value.path("after").path("title").asText());
        assertEquals(PLACEHOLDER, value.path("after").path("doc").asText());
        assertTrue(value.path("before").isNull(), "REPLICA IDENTITY DEFAULT: no before image");
        ChangeEvent event = event(update);
        assertEquals(Set.of("doc"), event.unavailableFields());
        assertEquals(Op.UPDATE, event.op());
        assertNull(header(update), "Debezium's own events carry no format header");
    }

    @Test
    void reselectRestoresTheToastedValue() {
        List<ConsumerRecord<byte[], byte[]>> records = changes(RESELECT);
        assertEquals("c", payload(records.get(0)).path("op").asText());
        assertNull(header(records.get(0)), "an event without placeholders passes as is");
        JsonNode filled = payload(records.get(1));
        assertEquals("u", filled.path("op").asText());
        assertEquals("second", filled.path("after").path("title").asText());
        assertTrue(doc.equals(filled.path("after").path("doc").asText()), "the TOASTed value is re-selected");
        assertEquals("full", header(records.get(1)));
        assertTrue(event(records.get(1)).unavailableFields().isEmpty());
    }

    @Test
    void reselectConfigIsValidatedThroughRest() {
        Map<String, String> bad = new LinkedHashMap<>(DebeziumPostgres.connectorConfig(db, "x", "x", "public.big"));
        bad.putAll(chain(reselect("reselect")));
        bad.put("transforms.reselect.connection.url", "jdbc:oracle:thin:@nowhere");
        bad.put("transforms.reselect.on.missing.row", "ignore");
        Map<String, List<String>> errors = ConnectCluster.validationErrors(connect.validate(bad));
        assertTrue(errors.containsKey("transforms.reselect.connection.url"), "errors: " + errors);
        assertTrue(errors.containsKey("transforms.reselect.on.missing.row"), "errors: " + errors);
    }

    @Test
    void deltaCarriesTheAvailableFieldsAndNoPlaceholder() {
        List<ConsumerRecord<byte[], byte[]>> records = changes(DELTA);
        ConsumerRecord<byte[], byte[]> update = records.get(1);
        assertEquals("delta", header(update));
        assertFalse(text(update).contains(PLACEHOLDER), "no placeholder on the wire");
        JsonNode value = payload(update);
        // Without a before image (REPLICA IDENTITY DEFAULT) every available field counts as changed; the
        // TOASTed column, whose value the event does not have, is left out.
        assertEquals("[\"id\",\"title\"]", value.path("changed").toString());
        assertEquals(1, value.path("after").path("id").asInt());
        assertEquals("second", value.path("after").path("title").asText());
        assertTrue(value.path("after").path("doc").isNull());
        assertTrue(value.path("before").isMissingNode(), "a delta has no before");
        ChangeEvent event = event(update);
        assertEquals(Shape.DELTA, event.shape());
        assertEquals(List.of("id", "title"), event.changedFields());

        ChangeEvent insert = event(records.get(0));
        assertEquals(List.of("id", "title", "doc"), insert.changedFields());
        assertTrue(doc.equals(insert.after().get("doc")));
    }

    @Test
    void jsonPatchReplacesOnlyTheAvailableFields() throws Exception {
        List<ConsumerRecord<byte[], byte[]>> records = changes(PATCH);
        ConsumerRecord<byte[], byte[]> update = records.get(1);
        assertEquals("json-patch", header(update));
        assertFalse(text(update).contains(PLACEHOLDER), "no placeholder on the wire");
        JsonNode patch = ConnectCluster.JSON.readTree(payload(update).path("patch").asText());
        // No before image: a replace for every available field, none for the TOASTed column.
        assertEquals(ConnectCluster.JSON.readTree("[{\"op\":\"replace\",\"path\":\"/id\",\"value\":1},"
                + "{\"op\":\"replace\",\"path\":\"/title\",\"value\":\"second\"}]"), patch);
        assertEquals(1, payload(update).path("key").path("id").asInt());
        assertEquals(Shape.JSON_PATCH, event(update).shape());

        JsonNode insertPatch = ConnectCluster.JSON.readTree(payload(records.get(0)).path("patch").asText());
        assertEquals(3, insertPatch.size(), "one add per column: " + insertPatch.toString().substring(0, 80));
    }

    @Test
    void idOnlyCarriesTheKeyAndOp() {
        List<ConsumerRecord<byte[], byte[]>> records = changes(ID_ONLY);
        ConsumerRecord<byte[], byte[]> update = records.get(1);
        assertEquals("id-only", header(update));
        JsonNode value = payload(update);
        assertEquals(1, value.path("key").path("id").asInt());
        assertEquals("u", value.path("op").asText());
        assertEquals("big", value.path("source").path("table").asText());
        assertTrue(value.path("after").isMissingNode());
        assertFalse(text(update).contains(doc.substring(0, 100)), "no row data");
        assertEquals(Shape.ID_ONLY, event(update).shape());
    }

    @Test
    void idOnlyEventsAreReselectedIntoFullEvents() {
        List<ConsumerRecord<byte[], byte[]>> records = changes(ID_ONLY_RESELECT);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            assertEquals("full", header(record));
            JsonNode value = payload(record);
            assertEquals("second", value.path("after").path("title").asText(), "the current row, for both events");
            assertTrue(doc.equals(value.path("after").path("doc").asText()));
        }
        assertEquals("c", payload(records.get(0)).path("op").asText());
        assertEquals("u", payload(records.get(1)).path("op").asText());
        JsonNode schema = ConnectCluster.json(records.get(1).value()).path("schema");
        assertEquals("idonly_reselect.public.big.Envelope", schema.path("name").asText());
    }

    @Test
    void toFullRestoresTheToastedValueFromDeltasInMemory() {
        assertRestoredFromState(changes(FULL_FROM_DELTA));
    }

    @Test
    void toFullRestoresTheToastedValueFromRocksDb() {
        assertRestoredFromState(changes(FULL_ROCKSDB));
    }

    private static void assertRestoredFromState(List<ConsumerRecord<byte[], byte[]>> records) {
        ConsumerRecord<byte[], byte[]> update = records.get(1);
        assertEquals("full", header(update));
        JsonNode value = payload(update);
        assertEquals("u", value.path("op").asText());
        assertEquals("second", value.path("after").path("title").asText());
        assertTrue(doc.equals(value.path("after").path("doc").asText()), "the TOASTed value comes from the state");
        assertEquals("first", value.path("before").path("title").asText(), "before: the previously known row");
        assertTrue(event(update).unavailableFields().isEmpty());
    }

    /** The insert and the update of an array table, as the connector sent them. */
    private static List<ConsumerRecord<byte[], byte[]>> arrayChanges(String table) {
        List<ConsumerRecord<byte[], byte[]>> records = connect.consume(ARRAYS + ".public." + table, 2, TIMEOUT);
        assertEquals(2, records.size(), "one insert and one update");
        return records;
    }

    /**
     * The record as a sink task sees it, with schemas or as Debezium would have written it with
     * schemas.enable=false (the payload alone).
     */
    private static SinkRecord toConnect(ConsumerRecord<byte[], byte[]> record, boolean withSchema) {
        if (withSchema) {
            return ConnectCluster.toConnect(record, true);
        }
        byte[] key = ConnectCluster.json(record.key()).path("payload").toString().getBytes(StandardCharsets.UTF_8);
        byte[] value = payload(record).toString().getBytes(StandardCharsets.UTF_8);
        return ConnectCluster.toConnect(new ConsumerRecord<>(record.topic(), record.partition(), record.offset(), key,
                value), false);
    }

    @Test
    void everyArrayPlaceholderOfTheRealConnectorIsRecognised() {
        List<ConsumerRecord<byte[], byte[]>> records = arrayChanges("arrays");
        JsonNode insert = payload(records.get(0)).path("after");
        JsonNode update = payload(records.get(1)).path("after");
        for (String column : names(PLACEHOLDER_ARRAYS)) {
            assertTrue(insert.path(column).size() > 100, column + " has its value in the insert");
        }
        for (boolean withSchema : List.of(true, false)) {
            ChangeEvent event = new ChangeEventReader().read(toConnect(records.get(1), withSchema));
            assertEquals(Set.copyOf(names(PLACEHOLDER_ARRAYS)), event.unavailableFields(), "with schema: " + withSchema);
        }
        // What Debezium 3.7 sends for the other array types: null, as for a NULL. This fails when Debezium starts
        // sending a placeholder for them, which then needs recognising.
        for (String column : names(NULL_ARRAYS)) {
            assertTrue(insert.path(column).size() > 100, column + " has its value in the insert");
            assertTrue(update.path(column).isNull(), column + " unchanged and TOASTed: " + update.path(column));
        }
    }

    @Test
    void arrayPlaceholdersNeverBecomeDataAndToFullRestoresTheValues() {
        List<ConsumerRecord<byte[], byte[]>> records = arrayChanges("arrays");
        for (boolean withSchema : List.of(true, false)) {
            for (String format : List.of(ToDelta.FORMAT_FIELDS, ToDelta.FORMAT_JSON_PATCH)) {
                String what = format + ", with schema: " + withSchema;
                ToDelta<SinkRecord> toDelta = new ToDelta<>();
                toDelta.configure(Map.of(ToDelta.FORMAT_CONFIG, format));
                ToFull<SinkRecord> toFull = new ToFull<>();
                toFull.configure(Map.of());
                List<SinkRecord> full = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    SinkRecord delta = toDelta.apply(toConnect(record, withSchema));
                    ChangeEvent event = new ChangeEventReader().read(delta);
                    assertTrue(event.unavailableFields().isEmpty(), what);
                    for (String column : names(PLACEHOLDER_ARRAYS)) {
                        if (event.op() == Op.UPDATE) {
                            assertFalse(event.changedFields().contains(column), what + ": " + column);
                        }
                    }
                    full.add(toFull.apply(delta));
                }
                ChangeEvent inserted = new ChangeEventReader().read(full.get(0));
                ChangeEvent updated = new ChangeEventReader().read(full.get(1));
                assertEquals("second", updated.after().get("title"), what);
                for (String column : names(PLACEHOLDER_ARRAYS)) {
                    assertTrue(Values.deepEquals(inserted.after().get(column), updated.after().get(column)),
                            what + ": " + column + " restored from the insert");
                }
                if (withSchema) {
                    // From an empty store: the insert carries all ToFull needs (also as a JSON Patch).
                    SinkRecord sent = toConnect(records.get(0), true);
                    assertEquals(sent.valueSchema(), full.get(0).valueSchema(), what);
                    // By content: a bytea[] holds byte arrays, which Struct.equals compares by identity.
                    assertTrue(Values.deepEquals(sent.value(), full.get(0).value()),
                            what + ": the insert comes back as it was sent");
                }
                toDelta.close();
                toFull.close();
            }
        }
    }

    /** The way out for the arrays that arrive as null: with REPLICA IDENTITY FULL Debezium sends every value. */
    @Test
    void withReplicaIdentityFullEveryUnchangedToastedArrayComesWithItsValue() {
        List<ConsumerRecord<byte[], byte[]>> records = arrayChanges("arrays_full");
        JsonNode insert = payload(records.get(0)).path("after");
        JsonNode update = payload(records.get(1));
        assertEquals("first", update.path("before").path("title").asText(), "REPLICA IDENTITY FULL: a before image");
        assertEquals("second", update.path("after").path("title").asText());
        for (String[] column : arrayColumns()) {
            assertTrue(insert.path(column[0]).size() > 100, column[0] + " has its value in the insert");
            assertEquals(insert.path(column[0]), update.path("after").path(column[0]), column[0] + " in after");
            assertEquals(insert.path(column[0]), update.path("before").path(column[0]), column[0] + " in before");
        }
        assertTrue(event(records.get(1)).unavailableFields().isEmpty());
        ToDelta<SinkRecord> toDelta = new ToDelta<>();
        toDelta.configure(Map.of());
        SinkRecord delta = toDelta.apply(toConnect(records.get(1), true));
        assertEquals(List.of("title"), new ChangeEventReader().read(delta).changedFields(), "only the title changed");
        toDelta.close();
    }

    @Test
    void harnessProducesAndConsumesConnectRecordsAsJson() {
        String topic = "harness-roundtrip";
        connect.createTopic(topic, 1);
        Schema schema = SchemaBuilder.struct()
                .name("roundtrip.Value").field("id", Schema.INT32_SCHEMA).build();
        connect.produceJson(topic, null, Map.of("id", 7), schema, new Struct(schema).put("id", 7));
        connect.produce(topic, null, "{\"plain\":true}".getBytes(StandardCharsets.UTF_8));
        List<ConsumerRecord<byte[], byte[]>> records = connect.consume(topic, 2, TIMEOUT);
        SinkRecord withSchema = ConnectCluster.toConnect(records.get(0), false, true);
        assertEquals(schema, withSchema.valueSchema());
        assertEquals(7, ((Struct) withSchema.value()).get("id"));
        assertEquals(Map.of("id", 7L), withSchema.key());
        assertEquals(Map.of("plain", true), ConnectCluster.toConnect(records.get(1), false).value());
    }

    /** The premise of the test: the value lives in the TOAST table, not in the row. */
    private static void assertStoredOutOfLine() throws Exception {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT pg_column_size(doc) FROM big WHERE id = 1");
             ResultSet rs = s.executeQuery()) {
            assertTrue(rs.next());
            // pglz would leave far less than 20,000 bytes of compressible text; incompressible text stays this large.
            assertTrue(rs.getInt(1) > 8_000, "stored size " + rs.getInt(1));
        }
    }
}
