package io.connectdelta.sink;

import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.Items;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The connector in a real Connect worker, created and checked through the REST API. */
class DeltaJdbcSinkConnectorTest {
    static EmbeddedConnectCluster connect;
    static DatabasePair databases;
    static TestDatabase postgres;
    static TestDatabase mariadb;
    static final JsonConverter KEYS = converter(true);
    static final JsonConverter VALUES = converter(false);

    @BeforeAll
    static void start() {
        databases = DatabasePair.create("sink_connector");
        postgres = databases.postgres();
        mariadb = databases.mariadb();
        Map<String, String> worker = new HashMap<>();
        worker.put("offset.flush.interval.ms", "500");
        worker.put("key.converter", JsonConverter.class.getName());
        worker.put("value.converter", JsonConverter.class.getName());
        connect = new EmbeddedConnectCluster.Builder().name("sink-connector-test").numWorkers(1).numBrokers(1)
                .workerProps(worker).build();
        connect.start();
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.stop();
        }
    }

    static JsonConverter converter(boolean key) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "true"), key);
        return converter;
    }

    static void produce(List<SinkRecord> records) {
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of())) {
            for (SinkRecord record : records) {
                RecordHeaders headers = new RecordHeaders();
                for (Header header : record.headers()) {
                    headers.add(header.key(), header.value().toString().getBytes(StandardCharsets.UTF_8));
                }
                byte[] key = KEYS.fromConnectData(record.topic(), record.keySchema(), record.key());
                byte[] value = record.value() == null ? null
                        : VALUES.fromConnectData(record.topic(), record.valueSchema(), record.value());
                producer.send(new ProducerRecord<>(record.topic(), 0, key, value, headers));
            }
            producer.flush();
        }
    }

    static Map<String, String> connectorConfig(TestDatabase db, String topic) {
        Map<String, String> config = new HashMap<>(TaskHarness.baseConfig(db, "connector-for-" + topic));
        config.put("connector.class", DeltaJdbcSinkConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics", topic);
        return config;
    }

    static String json(Map<String, String> config) {
        StringBuilder json = new StringBuilder("{");
        config.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":\"")
                .append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
        return json.append('}').toString();
    }

    /** Creates a connector with a JSON config through PUT /connectors/{name}/config. */
    static void createConnector(String name, Map<String, String> config) throws InterruptedException {
        config.put("name", name);
        Response response = connect.requestPut(connect.endpointForResource("connectors/" + name + "/config"), json(config));
        assertTrue(response.getStatus() == 201 || response.getStatus() == 200,
                "PUT config answered " + response.getStatus() + ": " + response.getEntity());
        connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning(name, 1, "connector " + name + " runs");
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        fail("Timed out waiting for " + what);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void appliesEveryShapeProducedAsJson(String kind) throws InterruptedException {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "rest");
        connect.kafka().createTopic(table, 1);
        TestDeltaEncoder e = Items.encoder(table);
        createConnector("rest-" + table, connectorConfig(db, table));
        produce(List.of(
                e.full("c", null, e.row("id", 1, "name", "one", "qty", 1, "tags", List.of("a"))),
                e.full("c", null, e.row("id", 2, "name", "two", "qty", 2)),
                e.deltaUpdate(1, "qty", 10, "note", "noted"),
                e.patch("u", e.row("id", 1), "[{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"b\"}]"),
                e.full("d", e.row("id", 2, "name", "two"), null),
                e.tombstone(e.row("id", 2))));
        await("the events in " + table, () -> {
            Map<String, Object> one = Items.row(db, table, 1);
            return one != null && one.get("tags") != null && ((List<?>) one.get("tags")).size() == 2
                    && Items.row(db, table, 2) == null;
        });
        Map<String, Object> one = Items.row(db, table, 1);
        assertEquals("one", one.get("name"));
        assertEquals(10, ((Number) one.get("qty")).intValue());
        assertEquals("noted", one.get("note"));
        assertEquals(List.of("a", "b"), one.get("tags"));
        connect.deleteConnector("rest-" + table);
    }

    @Test
    void validateReportsABadConnectionPerKey() {
        Map<String, String> config = connectorConfig(postgres, "unused");
        config.put("connection.url", "jdbc:postgresql://127.0.0.1:1/nothing");
        ConfigInfos infos = connect.validateConnectorConfig(DeltaJdbcSinkConnector.class.getSimpleName(), config);
        assertTrue(infos.errorCount() > 0);
        List<String> urlErrors = errors(infos, "connection.url");
        assertFalse(urlErrors.isEmpty(), "connection.url carries the error");
        assertTrue(urlErrors.get(0).contains("Cannot connect"), urlErrors.toString());

        config.put("connection.url", "jdbc:oracle:thin:@nowhere");
        infos = connect.validateConnectorConfig(DeltaJdbcSinkConnector.class.getSimpleName(), config);
        assertFalse(errors(infos, "connection.url").isEmpty());

        config = connectorConfig(postgres, "unused");
        config.put("insert.mode", "sometimes");
        infos = connect.validateConnectorConfig(DeltaJdbcSinkConnector.class.getSimpleName(), config);
        assertFalse(errors(infos, "insert.mode").isEmpty());

        infos = connect.validateConnectorConfig(DeltaJdbcSinkConnector.class.getSimpleName(), connectorConfig(postgres, "unused"));
        assertEquals(0, infos.errorCount(), "a good configuration validates");
    }

    static List<String> errors(ConfigInfos infos, String key) {
        for (ConfigInfo info : infos.configs()) {
            if (info.configValue().name().equals(key)) {
                return info.configValue().errors();
            }
        }
        return List.of();
    }

    @Test
    void badRecordsGoToTheDeadLetterQueueAndTheTaskKeepsRunning() throws InterruptedException {
        String table = Items.create(mariadb, "dlq");
        connect.kafka().createTopic(table, 1);
        connect.kafka().createTopic(table + "-dlq", 1);
        TestDeltaEncoder e = Items.encoder(table);
        Map<String, String> config = connectorConfig(mariadb, table);
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", table + "-dlq");
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        String name = "dlq-" + table;
        createConnector(name, config);
        produce(List.of(
                e.full("c", null, e.row("id", 1, "name", "one")),
                e.deltaUpdate(99, "qty", 5),
                e.idOnlyEvent("u", e.row("id", 1)),
                e.full("c", null, e.row("id", 2, "name", "two"))));
        await("good rows", () -> Items.row(mariadb, table, 1) != null && Items.row(mariadb, table, 2) != null);
        ConsumerRecords<byte[], byte[]> dead = connect.kafka().consume(2, 60_000, table + "-dlq");
        assertEquals(2, dead.count(), "the orphan delta and the id-only event land in the DLQ");
        ConnectorStateInfo status = connect.connectorStatus(name);
        assertEquals("RUNNING", status.tasks().get(0).state());
        connect.deleteConnector(name);
    }

    @Test
    void withoutToleranceABadRecordFailsTheTaskNamingIt() throws InterruptedException {
        String table = Items.create(postgres, "fail");
        connect.kafka().createTopic(table, 1);
        TestDeltaEncoder e = Items.encoder(table);
        String name = "fail-" + table;
        createConnector(name, connectorConfig(postgres, table));
        produce(List.of(e.full("c", null, e.row("id", 1, "name", "one")), e.deltaUpdate(99, "qty", 5)));
        await("the task to fail", () -> "FAILED".equals(connect.connectorStatus(name).tasks().get(0).state()));
        String trace = connect.connectorStatus(name).tasks().get(0).trace();
        assertTrue(trace.contains("topic '" + table + "' partition 0 offset 1"), trace);
        assertEquals("one", Items.row(postgres, table, 1) == null ? "one" : Items.row(postgres, table, 1).get("name"));
        connect.deleteConnector(name);
    }

    @Test
    void resettingTheConnectorOffsetsReplaysNothingTwice() throws InterruptedException {
        String table = Items.create(postgres, "reset");
        postgres.execute("INSERT INTO " + table + " (id, tags) VALUES (1, ARRAY['a'])");
        connect.kafka().createTopic(table, 1);
        TestDeltaEncoder e = Items.encoder(table);
        String name = "reset-" + table;
        createConnector(name, connectorConfig(postgres, table));
        produce(List.of(
                e.patch("u", e.row("id", 1), "[{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"b\"}]"),
                e.patch("u", e.row("id", 1), "[{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"c\"}]")));
        await("two appends", () -> List.of("a", "b", "c").equals(Items.row(postgres, table, 1).get("tags")));
        // Wait until the worker committed its consumer offsets, then throw them away through the REST API.
        await("committed offsets", () -> !connect.connectorOffsets(name).offsets().isEmpty());
        connect.stopConnector(name);
        connect.assertions().assertConnectorIsStopped(name, "stopped");
        connect.resetConnectorOffsets(name);
        connect.resumeConnector(name);
        connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning(name, 1, "resumed");
        produce(List.of(e.patch("u", e.row("id", 1), "[{\"op\":\"add\",\"path\":\"/tags/-\",\"value\":\"d\"}]")));
        await("the third append", () -> ((List<?>) Items.row(postgres, table, 1).get("tags")).contains("d"));
        // With exactly.once.enabled=false this reads [a, b, c, b, c, d]: the replay really happens.
        assertEquals(List.of("a", "b", "c", "d"), Items.row(postgres, table, 1).get("tags"),
                "the consumer restarted from offset 0, the sink resumed from its own offsets table");
        connect.deleteConnector(name);
    }
}
