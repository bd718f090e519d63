package io.connectdelta.sink.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.sink.DeltaJdbcSinkConnector;
import io.connectdelta.sink.metrics.SinkTaskMetrics;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;

import javax.management.JMException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The pipeline of the end-to-end tests: a bank database on a real source ({@link BankSource}: PostgreSQL or
 * MariaDB), the real Debezium connector for it (initial snapshot, transaction metadata) in a real Connect cluster,
 * and sinks created through the REST API into fresh target databases on PostgreSQL and MariaDB.
 */
final class BankPipeline implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    final ConnectCluster connect;
    final TestDatabase source;
    private final BankSource origin;
    private final String sourceName;
    private final String prefix;
    private final List<String> sinks = new ArrayList<>();

    private BankPipeline(ConnectCluster connect, BankSource origin, String sourceName, String prefix) {
        this.connect = connect;
        this.origin = origin;
        this.source = origin.database();
        this.sourceName = sourceName;
        this.prefix = prefix;
    }

    /**
     * Creates the source bank on PostgreSQL, starts {@code workers} Connect workers and the Debezium connector, whose
     * topics get {@code partitions} partitions, and waits until it streams.
     */
    static BankPipeline start(String name, int workers, Map<String, String> workerProps, int partitions) {
        return start(BankSource.postgres(name), name, workers, workerProps, partitions);
    }

    /** As {@link #start(String, int, Map, int)}, with the bank on {@code origin}. */
    static BankPipeline start(BankSource origin, String name, int workers, Map<String, String> workerProps,
                              int partitions) {
        BankPipeline pipeline = withoutSource(origin, name, workers, workerProps);
        try {
            pipeline.startSource(partitions);
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
        return pipeline;
    }

    /**
     * Creates the source bank on PostgreSQL and starts {@code workers} Connect workers for the sinks; the Debezium
     * connector ({@link #sourceConfig}) runs elsewhere. {@link #close} still drops its replication slot and
     * publication.
     */
    static BankPipeline withoutSource(String name, int workers, Map<String, String> workerProps) {
        return withoutSource(BankSource.postgres(name), name, workers, workerProps);
    }

    /**
     * As {@link #withoutSource(String, int, Map)}, with the bank on {@code origin}; {@link #startSource} starts its
     * connector in these workers (after the test changed the source tables, say).
     */
    static BankPipeline withoutSource(BankSource origin, String name, int workers, Map<String, String> workerProps) {
        Map<String, String> props = new LinkedHashMap<>(origin.workerProps());
        props.putAll(workerProps);
        ConnectCluster connect = ConnectCluster.start(workers, props);
        String sourceName = name + "-source-" + Long.toString(ThreadLocalRandom.current().nextLong() & 0xffffffL, 36);
        return new BankPipeline(connect, origin, sourceName, name);
    }

    /** Starts the Debezium connector through the REST API and waits until it streams. */
    void startSource(int partitions) {
        connect.putConnector(sourceName, sourceConfig(partitions));
        connect.awaitRunning(sourceName, 1, TIMEOUT);
        origin.awaitStreaming(sourceName);
    }

    /** The Debezium connector's name. */
    String sourceName() {
        return sourceName;
    }

    /** The Debezium connector's config: initial snapshot, transaction metadata, topics of {@code partitions}. */
    Map<String, String> sourceConfig(int partitions) {
        Map<String, String> config = new LinkedHashMap<>(origin.connectorConfig(sourceName, prefix));
        config.put("snapshot.mode", "initial");
        config.put("provide.transaction.metadata", "true");
        config.put("topic.creation.default.partitions", String.valueOf(partitions));
        return config;
    }

    String accountsTopic() {
        return origin.topic(prefix, "accounts");
    }

    String transfersTopic() {
        return origin.topic(prefix, "transfers");
    }

    /** Debezium's transaction metadata topic (BEGIN and END markers). */
    String transactionTopic() {
        return prefix + ".transaction";
    }

    /** A fresh target database ("postgresql" or "mariadb") with the bank tables and the audit trigger. */
    static TestDatabase newTarget(String kind, String name) {
        return newTarget(kind.equals("postgresql") ? TestDatabases.postgres() : TestDatabases.mariadb(), name);
    }

    /** A fresh target database on {@code server} with the bank tables and the audit trigger. */
    static TestDatabase newTarget(TestDatabase server, String name) {
        TestDatabase target = server.createDatabase(name);
        Bank.createTarget(target);
        return target;
    }

    /** A sink {@code name} in plain mode over the data topics; tables named after the source table. */
    Map<String, String> plainSink(String name, TestDatabase target) {
        Map<String, String> config = new LinkedHashMap<>(TaskHarness.baseConfig(target, name));
        config.put("connector.class", DeltaJdbcSinkConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics", accountsTopic() + "," + transfersTopic());
        config.put("insert.mode", "upsert");
        config.put("primary.key.mode", "record_key");
        config.put("collection.name.format", "${source.table}");
        config.put("max.retries", "10");
        config.put("retry.backoff.ms", "100");
        return config;
    }

    /** A sink in transaction mode: the data topics and Debezium's transaction topic. */
    Map<String, String> transactionalSink(String name, TestDatabase target) {
        Map<String, String> config = plainSink(name, target);
        config.put("topics", accountsTopic() + "," + transfersTopic() + "," + transactionTopic());
        config.put("transaction.aware", "true");
        config.put("transaction.topic", transactionTopic());
        return config;
    }

    /** Creates a sink through the REST API and waits until its tasks run; it is deleted on {@link #close}. */
    void startSink(String name, Map<String, String> config) {
        sinks.add(name);
        connect.putConnector(name, config);
        connect.awaitRunning(name, Integer.parseInt(config.get("tasks.max")), TIMEOUT);
    }

    void deleteSink(String name) {
        deleteConnector(name);
        sinks.remove(name);
    }

    /** POST /connectors/{name}/restart: the connector and all its tasks (or only the failed ones). */
    void restart(String name, boolean onlyFailed) {
        ConnectCluster.Response response = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            response = connect.post("/connectors/" + name + "/restart?includeTasks=true&onlyFailed=" + onlyFailed, null);
            // 409: a rebalance is under way; ask again.
            if (response.status() != 409) {
                break;
            }
            ConnectCluster.sleep(250);
        }
        ConnectCluster.expectSuccess("restart " + name, response);
    }

    /**
     * Resets a sink's consumer offsets the way an operator does: PUT /connectors/{name}/stop, DELETE
     * /connectors/{name}/offsets, PUT /connectors/{name}/resume; the consumer starts again from offset 0.
     */
    void resetOffsetsToZero(String name) {
        ConnectCluster.expectSuccess("stop " + name, connect.put("/connectors/" + name + "/stop", null));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!"STOPPED".equals(connect.status(name).path("connector").path("state").asText())) {
            if (System.nanoTime() > deadline) {
                fail(name + " did not stop: " + connect.status(name));
            }
            ConnectCluster.sleep(100);
        }
        ConnectCluster.Response reset = connect.delete("/connectors/" + name + "/offsets");
        ConnectCluster.expectSuccess("reset the offsets of " + name, reset);
        ConnectCluster.expectSuccess("resume " + name, connect.put("/connectors/" + name + "/resume", null));
        connect.awaitRunning(name, 1, TIMEOUT);
    }

    /** The trace of each FAILED task of the sinks, restarted through the REST API; empty when none failed. */
    List<String> restartFailedTasks(String... names) {
        List<String> traces = new ArrayList<>();
        for (String name : names) {
            String trace = connect.failedTaskTrace(name);
            if (trace != null) {
                traces.add(name + ": " + firstLine(trace));
                restart(name, true);
            }
        }
        return traces;
    }

    /**
     * Waits until the target holds exactly what the source holds. Fails at once when a task of {@code sink} failed
     * unless {@code restartFailed}, in which case failed tasks are restarted through the REST API.
     */
    void awaitEqualToSource(TestDatabase target, String sink, boolean restartFailed) {
        awaitEqualToSource(target, sink, restartFailed, Bank::snapshot);
    }

    /** As {@link #awaitEqualToSource(TestDatabase, String, boolean)}, comparing what {@code contents} reads. */
    void awaitEqualToSource(TestDatabase target, String sink, boolean restartFailed,
                            Function<TestDatabase, ?> contents) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Object expected = contents.apply(source);
        Object actual = null;
        while (System.nanoTime() < deadline) {
            actual = contents.apply(target);
            if (actual.equals(expected)) {
                return;
            }
            String trace = connect.failedTaskTrace(sink);
            if (trace != null) {
                if (!restartFailed) {
                    fail("A task of " + sink + " failed: " + trace);
                }
                restart(sink, true);
            }
            ConnectCluster.sleep(250);
        }
        assertEquals(expected, actual, sink + " did not bring " + target + " to the source's content in " + TIMEOUT);
    }

    /** How many tasks of the connector run on a worker other than the one at {@code port}. */
    int runningTasksAwayFrom(String name, int port) {
        int running = 0;
        for (JsonNode task : connect.status(name).path("tasks")) {
            if ("RUNNING".equals(task.path("state").asText()) && workerPort(task) != port) {
                running++;
            }
        }
        return running;
    }

    /** The port of the worker a task or connector status entry names (worker_id is host:port). */
    static int workerPort(JsonNode status) {
        String id = status.path("worker_id").asText();
        return Integer.parseInt(id.substring(id.lastIndexOf(':') + 1));
    }

    /** The port of the worker running the source connector's task. */
    int sourceTaskWorkerPort() {
        return workerPort(connect.status(sourceName).path("tasks").get(0));
    }

    /** An attribute of a sink task's MBean, read from the platform MBean server (the worker runs in this JVM). */
    static Object metric(String connector, int task, String attribute) {
        try {
            return ManagementFactory.getPlatformMBeanServer()
                    .getAttribute(SinkTaskMetrics.objectName(connector, task), attribute);
        } catch (JMException e) {
            throw new IllegalStateException("Cannot read " + attribute + " of " + connector + " task " + task, e);
        }
    }

    /** EventsBuffered of a sink's task 0, or 0 while no task is registered (between a stop and a start). */
    static long eventsBuffered(String connector) {
        return countOfTask0(connector, "EventsBuffered");
    }

    /** SourceTransactionsBuffered of a sink's task 0, or 0 while no task is registered. */
    static long transactionsBuffered(String connector) {
        return countOfTask0(connector, "SourceTransactionsBuffered");
    }

    private static long countOfTask0(String connector, String attribute) {
        if (!ManagementFactory.getPlatformMBeanServer().isRegistered(SinkTaskMetrics.objectName(connector, 0))) {
            return 0;
        }
        return ((Number) metric(connector, 0, attribute)).longValue();
    }

    static String firstLine(String trace) {
        int end = trace.indexOf('\n');
        return end < 0 ? trace : trace.substring(0, end);
    }

    @Override
    public void close() {
        try {
            for (String sink : List.copyOf(sinks)) {
                deleteConnector(sink);
            }
            deleteConnector(sourceName);
            origin.release(sourceName);
        } finally {
            connect.close();
        }
    }

    /** Deletes a connector, asking again while the cluster answers 5xx (e.g. its leader just left). */
    private void deleteConnector(String name) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                connect.deleteConnector(name);
                return;
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                ConnectCluster.sleep(500);
            }
        }
    }
}
