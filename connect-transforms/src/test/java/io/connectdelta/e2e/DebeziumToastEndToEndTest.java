package io.connectdelta.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.ChangeEventReader;
import io.connectdelta.event.Formats;
import io.connectdelta.event.Op;
import io.connectdelta.event.ToastPlaceholder;
import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.DebeziumPostgres;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
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
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Debezium PostgreSQL connector (pgoutput) in a real Connect worker, on a table whose text column is
 * TOASTed out of line: an update that leaves it unchanged carries Debezium's placeholder, and our transforms,
 * configured through the worker's REST API, turn that into what they promise.
 */
class DebeziumToastEndToEndTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PLAIN = "plain";
    private static final String RESELECT = "reselect";

    private static TestDatabase db;
    private static ConnectCluster connect;
    private static final List<String> connectors = new ArrayList<>();
    private static String doc;

    @BeforeAll
    static void start() {
        db = TestDatabases.postgres().createDatabase("e2e_toast");
        db.execute("CREATE TABLE big (id INT PRIMARY KEY, title VARCHAR(100), doc TEXT)");
        doc = incompressibleText(20_000, 42);
        connect = ConnectCluster.start(1, Map.of());
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

    private static Map<String, String> reselectTransform() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("transforms", "reselect");
        config.put("transforms.reselect.type", "io.connectdelta.transforms.Reselect");
        config.put("transforms.reselect.connection.url", db.jdbcUrl());
        config.put("transforms.reselect.connection.username", db.user());
        config.put("transforms.reselect.connection.password", db.password());
        return config;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> changes(String connectorName, int count) {
        return connect.consume(connectorName + ".public.big", count, TIMEOUT);
    }

    @Test
    void toastedColumnArrivesAsPlaceholderAndReselectRestoresIt() throws Exception {
        Map<String, String> badReselect = new LinkedHashMap<>(DebeziumPostgres.connectorConfig(db, "x", "x", "public.big"));
        badReselect.putAll(reselectTransform());
        badReselect.put("transforms.reselect.connection.url", "jdbc:oracle:thin:@nowhere");
        Map<String, List<String>> errors = ConnectCluster.validationErrors(connect.validate(badReselect));
        assertTrue(errors.containsKey("transforms.reselect.connection.url"), "validation through REST: " + errors);

        startConnector(PLAIN, Map.of());
        startConnector(RESELECT, reselectTransform());
        for (String name : List.of(PLAIN, RESELECT)) {
            connect.awaitRunning(name, 1, TIMEOUT);
            DebeziumPostgres.awaitStreaming(db, name, TIMEOUT);
        }

        try (Connection c = db.connect();
             PreparedStatement insert = c.prepareStatement("INSERT INTO big VALUES (1, 'first', ?)")) {
            insert.setString(1, doc);
            insert.executeUpdate();
        }
        assertStoredOutOfLine();
        db.execute("UPDATE big SET title = 'second' WHERE id = 1");

        List<ConsumerRecord<byte[], byte[]>> plain = changes(PLAIN, 2);
        JsonNode update = ConnectCluster.json(plain.get(1).value()).path("payload");
        assertEquals("u", update.path("op").asText());
        assertEquals("second", update.path("after").path("title").asText());
        assertEquals(ToastPlaceholder.DEFAULT_PLACEHOLDER, update.path("after").path("doc").asText());
        assertTrue(update.path("before").isNull(), "REPLICA IDENTITY DEFAULT: no before image");
        ChangeEvent event = new ChangeEventReader().read(ConnectCluster.toConnect(plain.get(1), true));
        assertEquals(Set.of("doc"), event.unavailableFields());
        assertEquals(Op.UPDATE, event.op());

        List<ConsumerRecord<byte[], byte[]>> reselected = changes(RESELECT, 2);
        JsonNode insertEvent = ConnectCluster.json(reselected.get(0).value()).path("payload");
        assertEquals("c", insertEvent.path("op").asText());
        assertNull(header(reselected.get(0), Formats.FORMAT_HEADER), "an event without placeholders passes as is");
        JsonNode filled = ConnectCluster.json(reselected.get(1).value()).path("payload");
        assertEquals("u", filled.path("op").asText());
        assertEquals("second", filled.path("after").path("title").asText());
        assertTrue(doc.equals(filled.path("after").path("doc").asText()), "the TOASTed value is re-selected");
        assertEquals("full", header(reselected.get(1), Formats.FORMAT_HEADER));
        SinkRecord filledRecord = ConnectCluster.toConnect(reselected.get(1), true);
        assertTrue(new ChangeEventReader().read(filledRecord).unavailableFields().isEmpty());
    }

    /** The premise of the test: the value lives in the TOAST table, not in the row. */
    private static void assertStoredOutOfLine() throws Exception {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT pg_column_size(doc), octet_length(doc) FROM big WHERE id = 1");
             ResultSet rs = s.executeQuery()) {
            assertTrue(rs.next());
            // Compressed in line would be far smaller than 20,000 bytes; out of line uncompressed it stays as large.
            assertTrue(rs.getInt(1) > 8_000, "stored size " + rs.getInt(1));
        }
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT c2.relpages + (SELECT count(*) FROM pg_class WHERE "
                     + "oid = c.reltoastrelid) FROM pg_class c JOIN pg_class c2 ON c2.oid = c.reltoastrelid "
                     + "WHERE c.relname = 'big'");
             ResultSet rs = s.executeQuery()) {
            assertTrue(rs.next(), "the table has a TOAST table");
        }
    }
}
