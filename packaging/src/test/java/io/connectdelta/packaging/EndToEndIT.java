package io.connectdelta.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.DebeziumMariaDb;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built plugin folder in a real Connect worker, driven only through the REST API: plugin listing, validation
 * and creation of every connector in config-examples/, and Debezium PostgreSQL and Debezium MariaDB (each from a
 * plugin folder of its own) -> our transforms -> Kafka -> our sink -> PostgreSQL and MariaDB, with the targets
 * compared to their sources.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

    private static final int INITIAL_ROWS = 20;
    private static final String FORMAT_HEADER = "connectdelta.format";

    private static ConnectCluster worker;
    private static TestDatabase source;
    private static TestDatabase mariadbSource;
    private static ExamplePipeline pipeline;
    private static List<ExamplePipeline.Example> examples;

    @BeforeAll
    static void startWorker() {
        worker = PluginWorker.start();
        source = TestDatabases.postgres().createDatabase("cd_e2e_source");
        mariadbSource = TestDatabases.binlogMariaDb().createDatabase("cd_e2e_mariadb_source");
        pipeline = new ExamplePipeline(worker, source, mariadbSource,
                message -> System.out.println("[end-to-end] " + message));
        examples = pipeline.prepare(ConfigExamples.inRepository());
    }

    @AfterAll
    static void stopWorker() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (worker != null) {
            worker.close();
        }
        if (source != null) {
            TestDatabases.postgres().execute("DROP DATABASE IF EXISTS " + source.database() + " WITH (FORCE)");
        }
        if (mariadbSource != null) {
            TestDatabases.binlogMariaDb().execute("DROP DATABASE IF EXISTS " + mariadbSource.database());
        }
    }

    @Test
    @Order(1)
    void ourClassesComeOnlyFromThePluginFolder() {
        assertTrue(pipeline.pluginClasses().contains("io.connectdelta.event.ChangeEvent"),
                "the plugin folder holds the change-event model");
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.connectdelta.event.ChangeEvent"));
        assertThrows(ClassNotFoundException.class, () -> Class.forName("io.connectdelta.sink.DeltaJdbcSinkConnector"));
        for (String pluginClass : ConfigReference.PLUGIN_CLASSES) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(pluginClass), pluginClass);
        }
    }

    @Test
    @Order(2)
    void workerListsThePluginsOfThePluginFolder() {
        Map<String, String> listed = new HashMap<>();
        for (JsonNode plugin : ConnectCluster.expectSuccess("plugins",
                worker.get("/connector-plugins?connectorsOnly=false"))) {
            listed.put(plugin.path("class").asText(), plugin.path("type").asText());
        }
        assertEquals("source", listed.get("io.debezium.connector.postgresql.PostgresConnector"), listed.toString());
        assertEquals("source", listed.get(DebeziumMariaDb.CONNECTOR_CLASS), listed.toString());
        for (String pluginClass : ConfigReference.PLUGIN_CLASSES) {
            if (!pipeline.pluginClasses().contains(pluginClass)) {
                System.out.println("[end-to-end] not in the plugin yet: " + pluginClass);
                continue;
            }
            String expectedType = pluginClass.contains(".sink.") ? "sink" : "transformation";
            assertEquals(expectedType, listed.get(pluginClass), () -> pluginClass + " is not listed; the worker lists "
                    + listed.keySet().stream().filter(c -> c.startsWith(ExamplePipeline.OUR_PACKAGE)).sorted().toList());
        }
        List<String> connectorsOnly = new ArrayList<>();
        ConnectCluster.expectSuccess("connectors", worker.get("/connector-plugins"))
                .forEach(p -> connectorsOnly.add(p.path("class").asText()));
        assertTrue(connectorsOnly.stream().noneMatch(c -> c.startsWith("io.connectdelta.transforms.")), connectorsOnly::toString);
        if (pipeline.pluginClasses().contains("io.connectdelta.sink.DeltaJdbcSinkConnector")) {
            assertTrue(connectorsOnly.contains("io.connectdelta.sink.DeltaJdbcSinkConnector"), connectorsOnly::toString);
        }
    }

    @TestFactory
    @Order(3)
    Stream<DynamicTest> everyExampleValidates() {
        return examples.stream().map(example -> DynamicTest.dynamicTest(example.file() + ".json", () -> {
            String reason = pipeline.notRunnable(example);
            Assumptions.assumeTrue(reason == null, () -> example.file() + ".json skipped: " + reason);
            assertEquals(Map.of(), pipeline.validate(example), example.file() + ".json validation errors");
        }));
    }

    @Test
    @Order(4)
    void everyExampleRunsFromSourceToTarget() {
        Map<TestDatabase, CustomersWorkload> workloads = Map.of(source, new CustomersWorkload(42),
                mariadbSource, new CustomersWorkload(43));
        workloads.forEach((db, workload) -> workload.createTable(db, INITIAL_ROWS));
        List<ExamplePipeline.Example> sources = pipeline.start(false);
        List<ExamplePipeline.Example> sinks = pipeline.start(true);
        Assumptions.assumeFalse(sources.isEmpty() && sinks.isEmpty(),
                () -> "no example can run with this build of the plugin: " + pipeline.skipped());

        Map<TestDatabase, CustomersWorkload.Counts> counts = new HashMap<>();
        workloads.forEach((db, workload) -> counts.put(db, workload.run(db, 30, done -> { })));

        for (ExamplePipeline.Example sourceExample : sources) {
            int expectedEvents = INITIAL_ROWS + counts.get(pipeline.sourceOf(sourceExample)).changeEvents();
            List<ConsumerRecord<byte[], byte[]>> events = worker.consumeUntil(sourceExample.topic(),
                    records -> changeEvents(records).size() >= expectedEvents, Duration.ofSeconds(60));
            events = changeEvents(events);
            assertEquals(expectedEvents, events.size(), sourceExample.topic() + ": change events");
            for (ConsumerRecord<byte[], byte[]> event : events) {
                Header format = event.headers().lastHeader(FORMAT_HEADER);
                if (format == null && sourceExample.format().equals("full")) {
                    continue; // a full event passed through as Debezium wrote it
                }
                assertTrue(format != null, sourceExample.topic() + " offset " + event.offset() + " has no format header");
                assertEquals(sourceExample.format(), new String(format.value(), StandardCharsets.UTF_8),
                        sourceExample.topic() + " offset " + event.offset());
            }
        }
        for (ExamplePipeline.Example sink : sinks) {
            assertNull(pipeline.awaitTargetEqualsSource(sink, Duration.ofSeconds(90)),
                    sink.file() + ".json: target " + sink.target() + " differs from the source");
        }
        pipeline.skipped().forEach((file, reason) -> System.out.println("[end-to-end] skipped " + file + ".json: " + reason));
    }

    /** The records that are not tombstones (Debezium follows every delete with one). */
    private static List<ConsumerRecord<byte[], byte[]>> changeEvents(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().filter(r -> r.value() != null).toList();
    }
}
