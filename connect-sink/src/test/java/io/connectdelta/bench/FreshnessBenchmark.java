package io.connectdelta.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.connectdelta.testing.DebeziumPostgres;
import io.connectdelta.testing.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Freshness: how long after its commit in the source a change is visible in the target, at fixed, steady rates.
 * A real Debezium PostgreSQL source captures {@link FreshnessWorkload}'s table; a sink applies its topic to a table
 * in the same PostgreSQL server (track_commit_timestamp on). Every change's latency is the commit timestamp of the
 * target transaction that wrote it minus that of the source transaction, both read with pg_xact_commit_timestamp
 * of the rows' xmin. Only a row's last change can be read back from the table: the latencies are those of each
 * phase's last changes per row (about a third of all changes, spread over the phase).
 * <p>
 * The same changes are followed through the stamps on the way: Debezium's ts_ms (when its streaming thread made
 * the event), the Kafka record timestamp (when the source task's producer got it), {@link PutStamp} (when the sink's
 * worker had converted it, on its way to put()), so that every latency splits into four stages.
 */
final class FreshnessBenchmark {
    static final String[] STAGES = {
        "source commit → Debezium event (WAL flush, logical decoding, Debezium's streaming loop)",
        "Debezium event → producer (Debezium's queue and poll batching, source task, converter)",
        "producer → sink's worker (producer linger, broker, consumer fetch, converter)",
        "sink's worker → target commit (put hand-off, writer, commit)"};
    /**
     * Debezium's poll.interval.ms in config-examples: Debezium 3.7 returns a batch only when it holds max.batch.size
     * (2048) events or poll.interval.ms has passed, and its streaming loop sleeps poll.interval.ms when the slot
     * has nothing new; with the default 500 ms both add up to a second below ~4,000 changes/s.
     */
    static final int RECOMMENDED_POLL_INTERVAL_MS = 50;
    /** The name of the burst's phase; its changes are measured like the others, with the backlog the burst built. */
    static final String BURST = "burst";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One sink setup: a sink of the throughput section ({@code sinkId}) behind a source with these settings. */
    record Variant(String id, String label, String sinkId, boolean deltaTopic, int pollIntervalMs) {
    }

    /** The measurement of one variant at one rate. */
    record Result(Variant variant, String rateName, double targetRate, double maximum, FreshnessWorkload.Phase phase,
                  Stamps latency, Stamps[] stages, long rowsDiffering, double loadAverage, BurstCpu burstCpu) {
    }

    /** A sink connector's config as the throughput section runs it: (sink id, topic, transaction topic, table). */
    interface SinkConfigs {
        Map<String, String> config(String sinkId, String topic, String txTopic, String table);
    }

    /**
     * The variants the section runs by default (bench.freshness.sinks): the throughput section's sinks a to d behind
     * a source with our recommended poll.interval.ms, and a again behind Debezium's default, to show its effect.
     */
    static final List<Variant> VARIANTS = List.of(
            new Variant("a", "a. Delta sink, full events", "a", false, RECOMMENDED_POLL_INTERVAL_MS),
            new Variant("b", "b. Delta sink, delta events", "b", true, RECOMMENDED_POLL_INTERVAL_MS),
            new Variant("c", "c. Delta sink, transaction mode", "c", false, RECOMMENDED_POLL_INTERVAL_MS),
            new Variant("d", "d. Debezium JDBC sink", "d", false, RECOMMENDED_POLL_INTERVAL_MS),
            new Variant("p", "p. a, source poll.interval.ms=500", "a", false, 500));

    private final EmbeddedConnectCluster connect;
    private final String jdbcUrl;
    private final TestDatabase database;
    private final SinkConfigs sinkConfigs;
    private final ConnectSinkRunner runner;
    private final FreshnessWorkload workload;

    FreshnessBenchmark(EmbeddedConnectCluster connect, EmbeddedPostgres postgres, SinkConfigs sinkConfigs) {
        this.connect = connect;
        this.jdbcUrl = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
        this.database = new TestDatabase("postgresql", "localhost", postgres.getPort(), "postgres", "", "postgres", "embedded");
        this.sinkConfigs = sinkConfigs;
        this.runner = new ConnectSinkRunner(connect);
        this.workload = new FreshnessWorkload(jdbcUrl);
    }

    /**
     * The source server: its own embedded PostgreSQL, so that logical WAL and commit timestamps change nothing in
     * the other sections' figures. fsync stays on; async commits are flushed within 10 ms.
     */
    static EmbeddedPostgres startServer() throws IOException {
        return EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("track_commit_timestamp", "on")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("max_wal_senders", "10")
                .setServerConfig("wal_writer_delay", "10ms")
                .setServerConfig("max_wal_size", "4GB")
                .setServerConfig("shared_buffers", "256MB")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
    }

    /**
     * The benchmark's freshness section with its system properties: bench.freshness.sinks (a,b,c,d,p),
     * bench.freshness.seconds per rate (10), bench.freshness.warmup.seconds (3), bench.freshness.burst.seconds (5),
     * bench.freshness.low.rate (300 changes/s), bench.freshness.max.rate (0: measured per sink by the burst).
     * {@code sinkMaximum} is sink a's median in the throughput section (NaN when it did not run), for the report.
     */
    static Section section(EmbeddedConnectCluster connect, SinkConfigs sinkConfigs, double sinkMaximum) throws Exception {
        List<String> ids = List.of(System.getProperty("bench.freshness.sinks", "a,b,c,d,p").split(","));
        double fixed = Double.parseDouble(System.getProperty("bench.freshness.max.rate", "0"));
        Rates rates = new Rates(Double.parseDouble(System.getProperty("bench.freshness.low.rate", "300")),
                new int[] {25, 50, 80}, fixed > 0 ? fixed : Double.NaN,
                Duration.ofSeconds(Long.getLong("bench.freshness.burst.seconds", 5)));
        Duration perRate = Duration.ofSeconds(Long.getLong("bench.freshness.seconds", 10));
        Duration warmup = Duration.ofSeconds(Long.getLong("bench.freshness.warmup.seconds", 3));
        BenchmarkMain.log("Freshness: %s, %d s per rate", ids, perRate.toSeconds());
        try (EmbeddedPostgres server = startServer()) {
            // In the order given, repeats included: alternating orders (p,a,p,a) tell an effect of the variant from one
            // of its place in the run (a JVM still compiling, other processes' load).
            List<Variant> variants = ids.stream().map(id -> VARIANTS.stream().filter(v -> v.id().equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("bench.freshness.sinks: no variant " + id))).toList();
            List<Result> results = new FreshnessBenchmark(connect, server, sinkConfigs).run(variants, rates, perRate, warmup);
            return new Section(sinkMaximum, rates, perRate, results);
        }
    }

    /**
     * The rates of a variant's phases: a low one, then shares of its maximum: {@code fixedMaximum}, or when that is
     * NaN, what the whole pipeline sustained in a burst of {@code burst} (the generator committing as fast as it can,
     * until the target holds every change). On a small machine that is far below the sink's own maximum: the
     * generator, the source database, Debezium, the broker, the worker and the target share the same cores.
     */
    record Rates(double low, int[] percents, double fixedMaximum, Duration burst) {
        Map<String, Double> of(double maximum) {
            Map<String, Double> rates = new LinkedHashMap<>();
            rates.put("low", low);
            for (int percent : percents) {
                rates.put(percent + "% of max", maximum * percent / 100);
            }
            return rates;
        }
    }

    /** What the section hands to the report; {@code sinkMaximum} is sink a's rate in the throughput section. */
    record Section(double sinkMaximum, Rates rates, Duration perRate, List<Result> results) {
    }

    /**
     * Runs every variant through every rate, each for {@code perRate} after an unmeasured, unthrottled warm-up and,
     * unless the maximum is fixed, the burst that measures it (a result of its own, first).
     */
    List<Result> run(List<Variant> variants, Rates rates, Duration perRate, Duration warmup) throws Exception {
        workload.createTable();
        List<Result> results = new ArrayList<>();
        try {
            Map<String, Integer> runsOfVariant = new HashMap<>();
            for (Variant variant : variants) {
                int run = runsOfVariant.merge(variant.id(), 1, Integer::sum);
                results.addAll(runVariant(variant, run, rates, perRate, warmup));
            }
        } finally {
            runner.close();
        }
        return results;
    }

    private List<Result> runVariant(Variant variant, int run, Rates plan, Duration perRate, Duration warmup) throws Exception {
        // A repeated variant gets connectors, slot, topics and table of its own.
        String runId = variant.id() + (run > 1 ? "_" + run : "");
        String prefix = "fresh_" + runId;
        String source = prefix + "-source";
        String sink = prefix + "-sink";
        String topic = prefix + ".public." + FreshnessWorkload.TABLE;
        String txTopic = prefix + ".transaction";
        String table = "target_" + runId;
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (" + FreshnessWorkload.COLUMNS + ")");
        }
        List<Result> results = new ArrayList<>();
        PutStamp.clear();
        putConnector(source, sourceConfig(variant, source, prefix, txTopic));
        try {
            DebeziumPostgres.awaitStreaming(database, source, Duration.ofMinutes(2));
            Map<String, String> config = new LinkedHashMap<>(sinkConfigs.config(variant.sinkId(), topic, txTopic, table));
            // The throughput section's sink settings, against this server (the Debezium sink keeps its URL options).
            String url = String.valueOf(config.get("connection.url"));
            config.put("connection.url", jdbcUrl + (url.contains("?") ? url.substring(url.indexOf('?')) : ""));
            config.put("connection.username", "postgres");
            config.put("connection.password", "");
            String transforms = config.get("transforms");
            config.put("transforms", transforms == null ? "putStamp" : "putStamp," + transforms);
            config.put("transforms.putStamp.type", PutStamp.class.getName());
            runner.start(sink, config);
            try {
                if (!warmup.isZero()) {
                    // Unthrottled: the JIT compiles Debezium's, the worker's and the sink's paths before anything is measured.
                    awaitApplied(table, workload.run(Double.POSITIVE_INFINITY, warmup), sink);
                }
                List<Phase> phases = new ArrayList<>();
                double maximum = plan.fixedMaximum();
                if (Double.isNaN(maximum)) {
                    Phase burst = burst(plan.burst(), table, source, sink);
                    phases.add(burst);
                    maximum = burst.phase().changes() / burst.secondsUntilApplied();
                }
                Map<String, Double> rates = plan.of(maximum);
                BenchmarkMain.log("  %-55s maximum %,.0f changes/s%s: rates %s", variant.label(), maximum,
                        Double.isNaN(plan.fixedMaximum()) ? " (burst)" : " (given)", rates);
                for (Map.Entry<String, Double> rate : rates.entrySet()) {
                    long start = System.nanoTime();
                    FreshnessWorkload.Phase phase = workload.run(rate.getValue(), perRate);
                    double load = CpuMeter.loadAverage();
                    awaitApplied(table, phase, sink);
                    phases.add(new Phase(rate.getKey(), rate.getValue(), phase, load, (System.nanoTime() - start) / 1e9, null));
                }
                Map<String, long[]> onTheWay = stampsOnTheWay(topic);
                for (Phase phase : phases) {
                    Result result = measure(variant, phase, maximum, table, onTheWay);
                    BenchmarkMain.log("  %-55s %-12s %,8.0f changes/s committed, latency %s, rows differing %d",
                            variant.label(), phase.name(), result.phase().achievedRate(), result.latency(), result.rowsDiffering());
                    results.add(result);
                }
            } finally {
                runner.delete(sink);
            }
        } finally {
            runner.delete(source);
            DebeziumPostgres.dropSlotAndPublication(database, source);
        }
        return results;
    }

    /** A phase of the workload as run: its name and target rate, the load average at its end, when all was applied. */
    private record Phase(String name, double targetRate, FreshnessWorkload.Phase phase, double loadAverage,
                         double secondsUntilApplied, BurstCpu cpu) {
    }

    /**
     * Where the CPU went during a burst, in µs per change: the parts of the pipeline in {@link #BURST_PARTS} order,
     * the rest of the JVM, PostgreSQL (the generator's sessions, the WAL sender, the sink's sessions); and how many
     * cores were busy on average. Near the machine's cores, the pipeline is bound by CPU; far below, by waits.
     */
    record BurstCpu(double[] micros, double coresBusy, double jitMicros, double gcMicros) {
    }

    /** The parts {@link BurstCpu} names; the Debezium JDBC sink writes on its task thread, so it has no writer thread. */
    static final String[] BURST_PARTS = {"Debezium's threads", "source task thread", "sink task thread", "our writer thread",
        "rest of the JVM (broker, JIT, GC)", "PostgreSQL (generator, WAL sender, target)"};

    /**
     * The burst that measures the pipeline's maximum: unthrottled commits for {@code duration}, and the time from
     * its start until the target holds all of them.
     */
    private Phase burst(Duration duration, String table, String source, String sink) throws Exception {
        CpuMeter meter = new CpuMeter(backendPid());
        CpuMeter.Sample before = meter.sample();
        long start = System.nanoTime();
        FreshnessWorkload.Phase phase = workload.run(Double.POSITIVE_INFINITY, duration);
        double load = CpuMeter.loadAverage();
        awaitApplied(table, phase, sink);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Long> used = CpuMeter.between(before, meter.sample(), "debezium-", "task-thread-" + source,
                "task-thread-" + sink, "connectdelta-writer-" + sink);
        double[] micros = new double[BURST_PARTS.length];
        long threads = 0;
        int part = 0;
        for (String prefix : List.of("debezium-", "task-thread-" + source, "task-thread-" + sink, "connectdelta-writer-" + sink)) {
            micros[part++] = used.get(prefix) / 1e3 / phase.changes();
            threads += used.get(prefix);
        }
        micros[part++] = Math.max(0, used.get("jvm") - threads) / 1e3 / phase.changes();
        micros[part] = used.get("postgres") / 1e3 / phase.changes();
        BurstCpu cpu = new BurstCpu(micros, (used.get("jvm") + used.get("postgres")) / 1e9 / seconds,
                used.get("jit") / 1e3 / phase.changes(), used.get("gc") / 1e3 / phase.changes());
        BenchmarkMain.log("  burst: %,d changes committed at %,.0f/s, all applied after %.1f s (load average %.1f), CPU µs "
                + "per change %s (JIT %.0f, GC %.0f µs elapsed per change), %.2f cores busy", phase.changes(),
                phase.achievedRate(), seconds, load, java.util.Arrays.toString(micros), cpu.jitMicros(), cpu.gcMicros(),
                cpu.coresBusy());
        return new Phase(BURST, Double.POSITIVE_INFINITY, phase, load, seconds, cpu);
    }

    private long backendPid() throws SQLException {
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            return single(s, "SELECT pg_backend_pid()");
        }
    }

    private Map<String, String> sourceConfig(Variant variant, String name, String prefix, String txTopic) {
        Map<String, String> config = new LinkedHashMap<>(DebeziumPostgres.connectorConfig(database, name, prefix,
                "public." + FreshnessWorkload.TABLE));
        config.put("provide.transaction.metadata", "true");
        config.put("tombstones.on.delete", "false");
        config.put("poll.interval.ms", String.valueOf(variant.pollIntervalMs()));
        if (variant.deltaTopic()) {
            config.put("transforms", "delta");
            config.put("transforms.delta.type", "io.connectdelta.transforms.ToDelta");
            Report.CARRIED_DELTA_CONFIG.forEach((key, value) -> config.put("transforms.delta." + key, value));
            config.put("transforms.delta.predicate", "isTransactionMarker");
            config.put("transforms.delta.negate", "true");
            config.put("predicates", "isTransactionMarker");
            config.put("predicates.isTransactionMarker.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
            config.put("predicates.isTransactionMarker.pattern", txTopic.replace(".", "\\."));
        }
        return config;
    }

    private void putConnector(String name, Map<String, String> config) throws Exception {
        runner.create(name, config);
    }

    /** Waits until the target holds every row the phase changed, each at the phase's last change of it. */
    private void awaitApplied(String table, FreshnessWorkload.Phase phase, String sink) throws Exception {
        String changed = "SELECT count(*) FROM " + FreshnessWorkload.TABLE + " WHERE change_no BETWEEN "
                + phase.firstChange() + " AND " + phase.lastChange();
        String applied = "SELECT count(*) FROM " + FreshnessWorkload.TABLE + " s JOIN " + table
                + " t ON t.id = s.id AND t.change_no = s.change_no WHERE s.change_no BETWEEN "
                + phase.firstChange() + " AND " + phase.lastChange();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            long expected = single(s, changed);
            while (single(s, applied) < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(sink + " did not apply the changes " + phase.firstChange() + " to "
                            + phase.lastChange() + " within 5 minutes");
                }
                runner.failIfFailed(sink);
                Thread.sleep(100);
            }
        }
    }

    /**
     * Reads the variant's topic from the start: for each change (key "id/change_no") Debezium's source.ts_ms and
     * ts_ms and the record timestamp in milliseconds, and the sink's {@link PutStamp} in microseconds (or -1).
     */
    private Map<String, long[]> stampsOnTheWay(String topic) throws IOException {
        Map<String, long[]> stamps = new HashMap<>();
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = connect.kafka().createConsumer(Map.of(
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000))) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    if (record.value() == null) {
                        continue;
                    }
                    JsonNode payload = JSON.readTree(record.value()).path("payload");
                    JsonNode after = payload.path("after");
                    if (!after.has("change_no")) {
                        continue;
                    }
                    long id = JSON.readTree(record.key()).path("payload").path("id").asLong();
                    Long put = PutStamp.stampOf(record.topic(), record.partition(), record.offset());
                    stamps.put(id + "/" + after.path("change_no").asLong(), new long[] {
                        payload.path("source").path("ts_ms").asLong(), payload.path("ts_ms").asLong(), record.timestamp(),
                        put == null ? -1 : put});
                }
            }
        }
        return stamps;
    }

    private Result measure(Variant variant, Phase measured, double maximum, String table, Map<String, long[]> onTheWay)
            throws SQLException {
        FreshnessWorkload.Phase phase = measured.phase();
        StringBuilder sameRow = new StringBuilder();
        for (String column : FreshnessWorkload.COLUMN_NAMES) {
            sameRow.append(sameRow.length() == 0 ? "" : " AND ").append("s.").append(column)
                    .append(" IS NOT DISTINCT FROM t.").append(column);
        }
        String range = " s.change_no BETWEEN " + phase.firstChange() + " AND " + phase.lastChange();
        List<double[]> samples = new ArrayList<>();
        long differing;
        try (Connection c = database.connect(); Statement s = c.createStatement()) {
            differing = single(s, "SELECT count(*) FROM " + FreshnessWorkload.TABLE + " s LEFT JOIN " + table
                    + " t ON t.id = s.id WHERE" + range + " AND NOT (" + sameRow + ")");
            try (ResultSet rs = s.executeQuery("SELECT s.id, s.change_no, "
                    + "(extract(epoch FROM pg_xact_commit_timestamp(s.xmin)) * 1000000)::bigint, "
                    + "(extract(epoch FROM pg_xact_commit_timestamp(t.xmin)) * 1000000)::bigint FROM "
                    + FreshnessWorkload.TABLE + " s JOIN " + table + " t ON t.id = s.id AND t.change_no = s.change_no WHERE" + range)) {
                while (rs.next()) {
                    long committed = rs.getLong(3);
                    long visible = rs.getLong(4);
                    long[] way = onTheWay.get(rs.getLong(1) + "/" + rs.getLong(2));
                    double[] sample = {(visible - committed) / 1000.0, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
                    if (way != null && way[3] > 0) {
                        sample[1] = way[1] - committed / 1000.0;
                        sample[2] = way[2] - way[1];
                        sample[3] = way[3] / 1000.0 - way[2];
                        sample[4] = (visible - way[3]) / 1000.0;
                    }
                    samples.add(sample);
                }
            }
        }
        Stamps[] stages = new Stamps[STAGES.length];
        for (int stage = 0; stage < STAGES.length; stage++) {
            int column = stage + 1;
            stages[stage] = new Stamps(samples.stream().mapToDouble(sample -> sample[column]).filter(v -> !Double.isNaN(v)).toArray());
        }
        return new Result(variant, measured.name(), measured.targetRate(), maximum, phase, new Stamps(samples.stream().mapToDouble(sample -> sample[0]).toArray()),
                stages, differing, measured.loadAverage(), measured.cpu());
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
