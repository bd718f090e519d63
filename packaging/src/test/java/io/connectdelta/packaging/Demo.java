package io.connectdelta.packaging;

import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.DebeziumPostgres;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The demo: the plugin folder in a Connect worker with an in-process Kafka broker, an embedded PostgreSQL (source
 * and targets) and a MariaDB server with a binlog (a second source), the connectors of config-examples/ created
 * through the REST API (Debezium PostgreSQL and MariaDB from plugin folders of their own), a workload on each source
 * table, and a summary. Run it with {@code mvn -B -q -pl packaging -am -Pdemo -DskipTests verify}.
 */
public final class Demo {

    private static final int INITIAL_ROWS = 200;
    private static final int TRANSACTIONS = 400;
    /**
     * The examples the demo leaves to the end-to-end test: it shows the pipelines that end in a sink on PostgreSQL
     * (sink-mariadb would start a third database server), from both sources.
     */
    private static final Set<String> NOT_IN_THE_DEMO = Set.of("debezium-postgres-reselect", "sink-mariadb",
            "source-mariadb-json-patch", "source-mariadb-id-only");

    private Demo() {
    }

    /** The binlog client of Debezium's MariaDB connector logs through java.util.logging: quiet below warnings. */
    private static final java.util.logging.Logger BINLOG_CLIENT_LOG = java.util.logging.Logger
            .getLogger("com.github.shyiko.mysql.binlog");

    public static void main(String[] args) throws Exception {
        BINLOG_CLIENT_LOG.setLevel(java.util.logging.Level.WARNING);
        say("Kafka Connect Delta demo");
        say("plugin folder: " + PluginWorker.pluginFolder());
        TestDatabase source = TestDatabases.postgres().createDatabase("cd_demo_source");
        say("source database: " + source);
        TestDatabase mariadbSource = TestDatabases.binlogMariaDb().createDatabase("cd_demo_mariadb_source");
        say("MariaDB source database (binlog in ROW format, GTIDs): " + mariadbSource);
        Map<TestDatabase, CustomersWorkload> workloads = new LinkedHashMap<>();
        workloads.put(source, new CustomersWorkload(7));
        workloads.put(mariadbSource, new CustomersWorkload(8));
        workloads.forEach((db, workload) -> workload.createTable(db, INITIAL_ROWS));
        say("created table customers with " + INITIAL_ROWS + " rows in each source");

        say("starting Kafka and a Connect worker (plugin.path = the plugin folder's parent) ...");
        boolean allEqual = true;
        try (ConnectCluster worker = PluginWorker.start();
             ExamplePipeline pipeline = new ExamplePipeline(worker, source, mariadbSource, Demo::say)) {
            List<ExamplePipeline.Example> examples = pipeline.prepare(ConfigExamples.inRepository(),
                    file -> !NOT_IN_THE_DEMO.contains(file));
            pipeline.add(plainDebeziumSource(examples));

            List<ExamplePipeline.Example> sources = pipeline.start(false);
            List<ExamplePipeline.Example> sinks = pipeline.start(true);

            // One freshness probe per source database, over the sinks that read it.
            Map<TestDatabase, Map<String, TestDatabase>> targetsBySource = new LinkedHashMap<>();
            sinks.forEach(sink -> targetsBySource.computeIfAbsent(pipeline.sourceOf(sink), k -> new LinkedHashMap<>())
                    .put(sink.name(), sink.target()));
            Map<TestDatabase, FreshnessProbe> freshness = new LinkedHashMap<>();
            targetsBySource.forEach((from, targets) -> freshness.put(from, new FreshnessProbe(from, targets)));
            Map<TestDatabase, CustomersWorkload.Counts> counts = new LinkedHashMap<>();
            workloads.forEach((db, workload) -> {
                say("running the workload on " + db.kind() + ": " + TRANSACTIONS + " transactions of 5 changes ...");
                CustomersWorkload.Counts done = workload.run(db, TRANSACTIONS, committed -> {
                    if (committed % 100 == 0) {
                        say("  " + committed + "/" + TRANSACTIONS + " transactions committed");
                    }
                });
                say("workload done: " + done.inserts() + " inserts, " + done.updates() + " updates, "
                        + done.deletes() + " deletes");
                counts.put(db, done);
            });
            long lastCommit = System.nanoTime();

            Map<String, String> lag = new LinkedHashMap<>();
            Map<String, Boolean> equal = new LinkedHashMap<>();
            for (ExamplePipeline.Example sink : sinks) {
                String difference = pipeline.awaitTargetEqualsSource(sink, Duration.ofSeconds(120));
                equal.put(sink.file(), difference == null);
                lag.put(sink.file(), difference == null
                        ? Duration.ofNanos(System.nanoTime() - lastCommit).toMillis() + " ms"
                        : "not caught up: " + difference);
            }
            for (FreshnessProbe probe : freshness.values()) {
                probe.close();
            }

            say("");
            say("==================== summary ====================");
            say("events by shape, per source example (snapshot + workload change events;");
            say("payload = the event without the schema JsonConverter repeats in each one):");
            // Plain Debezium (full) first: the other shapes of the same source connector are compared with it.
            Map<String, Long> fullPayloads = new HashMap<>();
            for (ExamplePipeline.Example example : sources.stream()
                    .sorted(Comparator.comparing(e -> !e.format().equals("full"))).toList()) {
                int expectedEvents = INITIAL_ROWS + counts.get(pipeline.sourceOf(example)).changeEvents();
                long[] shape = countEvents(worker, example.topic(), expectedEvents);
                if (example.format().equals("full")) {
                    fullPayloads.put(example.connectorClass(), shape[2]);
                }
                long fullPayload = fullPayloads.getOrDefault(example.connectorClass(), 0L);
                say(String.format("  %-10s %-26s %5d events %9d bytes, payload %8d bytes (%4d/event)%s",
                        example.format(), example.file(), shape[0], shape[1], shape[2],
                        shape[0] == 0 ? 0 : shape[2] / shape[0],
                        fullPayload > 0 && !example.format().equals("full")
                                ? String.format("  %3.0f%% of full", 100.0 * shape[2] / fullPayload) : ""));
            }
            say("sinks (from their JMX metrics) and end-to-end lag (last source commit -> target equal):");
            try (Admin admin = worker.embedded().kafka().createAdminClient()) {
                for (ExamplePipeline.Example sink : sinks) {
                    long consumed = 0;
                    Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets = admin
                            .listConsumerGroupOffsets("connect-" + sink.name()).partitionsToOffsetAndMetadata().get();
                    for (OffsetAndMetadata offset : offsets.values()) {
                        consumed += offset == null ? 0 : offset.offset();
                    }
                    say(String.format("  %-28s %5d events consumed, %5s records applied %s, %s columns written, "
                                    + "%s left alone, %s database transactions committed, lag %s", sink.name(), consumed,
                            sinkMetric(sink, "RecordsApplied"), sinkMetric(sink, "RecordsAppliedByShapeAndOp"),
                            sinkMetric(sink, "ColumnsWritten"), sinkMetric(sink, "ColumnsSkipped"),
                            sinkMetric(sink, "TransactionsCommitted"), lag.get(sink.file())));
                }
            }
            say("freshness of the workloads' new rows (visible in the source -> visible in the target; a workload "
                    + "commits as fast as it can, so this includes the backlog):");
            for (ExamplePipeline.Example sink : sinks) {
                say(String.format("  %-28s %s", sink.name(), freshness.get(pipeline.sourceOf(sink)).summary(sink.name())));
            }
            List<ExamplePipeline.Example> transactional = sinks.stream()
                    .filter(s -> "true".equals(s.config().get("transaction.aware"))).toList();
            say("source transactions applied atomically (snapshot rows have no transaction):");
            for (ExamplePipeline.Example sink : transactional) {
                TestDatabase from = pipeline.sourceOf(sink);
                say(String.format("  %-28s %s of the %d in the %s workload", sink.name(),
                        sinkMetric(sink, "SourceTransactionsApplied"), counts.get(from).transactions(), from.kind()));
            }
            if (transactional.isEmpty()) {
                say("  transaction-aware mode not available in this build ("
                        + pipeline.skipped().getOrDefault("sink-postgres-transactional", "not run") + ")");
            }
            say("target equals its source:");
            for (Map.Entry<String, Boolean> entry : equal.entrySet()) {
                say(String.format("  %-30s %s", entry.getKey(), entry.getValue() ? "yes" : "NO"));
                allEqual &= entry.getValue();
            }
            if (sinks.isEmpty()) {
                say("  (no sink example could run with this build)");
            }
            pipeline.skipped().forEach((file, reason) -> say("skipped " + file + ".json: " + reason));
        } finally {
            TestDatabases.postgres().execute("DROP DATABASE IF EXISTS " + source.database() + " WITH (FORCE)");
            TestDatabases.binlogMariaDb().execute("DROP DATABASE IF EXISTS " + mariadbSource.database());
        }
        if (!allEqual) {
            throw new IllegalStateException("A target differs from its source: see the summary above");
        }
        say("demo finished");
    }

    /** The delta source without its transform: plain Debezium full events, to compare sizes with. */
    private static ExamplePipeline.Example plainDebeziumSource(List<ExamplePipeline.Example> examples) {
        ExamplePipeline.Example delta = examples.stream().filter(e -> e.file().equals("source-postgres-delta"))
                .findFirst().orElseThrow(() -> new IllegalStateException("config-examples/source-postgres-delta.json"));
        Map<String, String> config = new LinkedHashMap<>(delta.config());
        config.keySet().removeIf(key -> key.startsWith("transforms"));
        config.put("name", "demo-source-full");
        config.put("topic.prefix", "full");
        config.put("slot.name", DebeziumPostgres.slotName("demo-source-full"));
        config.put("publication.name", DebeziumPostgres.slotName("demo-source-full"));
        config.put("provide.transaction.metadata", "false");
        return new ExamplePipeline.Example("demo-source-full", "demo-source-full", config, null);
    }

    /**
     * {count, value bytes, payload bytes} of the non-tombstone events on a topic, waiting for at least
     * {@code expected}. The payload leaves out the schema that JsonConverter repeats in every event.
     */
    private static long[] countEvents(ConnectCluster worker, String topic, int expected) {
        long[] result = new long[3];
        List<ConsumerRecord<byte[], byte[]>> records = worker.consumeUntil(topic,
                read -> read.stream().filter(r -> r.value() != null).count() >= expected, Duration.ofSeconds(60));
        for (ConsumerRecord<byte[], byte[]> event : records) {
            if (event.value() != null) {
                result[0]++;
                result[1] += event.value().length;
                result[2] += ConnectCluster.json(event.value()).path("payload").toString()
                        .getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return result;
    }

    /** An attribute of the sink task's MBean (io.connectdelta:type=sink-task,connector="...",task=0). */
    private static String sinkMetric(ExamplePipeline.Example sink, String attribute) {
        try {
            ObjectName name = new ObjectName("io.connectdelta:type=sink-task,connector="
                    + ObjectName.quote(sink.name()) + ",task=0");
            return String.valueOf(ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute));
        } catch (Exception e) {
            return "n/a";
        }
    }

    private static void say(String line) {
        System.out.println(line);
    }
}
