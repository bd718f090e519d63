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
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One sink setup: a sink of the throughput section ({@code sinkId}) behind a source with these settings. */
    record Variant(String id, String label, String sinkId, boolean deltaTopic, int pollIntervalMs) {
    }

    /** The measurement of one variant at one rate. */
    record Result(Variant variant, String rateName, double targetRate, FreshnessWorkload.Phase phase, Stamps latency,
                  Stamps[] stages, long rowsDiffering) {
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
     * bench.freshness.seconds per rate (10), bench.freshness.warmup.seconds (3), bench.freshness.low.rate (300
     * changes/s); the other rates are 25%, 50% and 80% of {@code maximum}, sink a's median in the throughput
     * section, or bench.freshness.max.rate when that section did not run.
     */
    static Section section(EmbeddedConnectCluster connect, SinkConfigs sinkConfigs, double maximum) throws Exception {
        double max = Double.isNaN(maximum) ? Double.parseDouble(System.getProperty("bench.freshness.max.rate", "37000")) : maximum;
        List<String> ids = List.of(System.getProperty("bench.freshness.sinks", "a,b,c,d,p").split(","));
        Map<String, Double> rates = new LinkedHashMap<>();
        rates.put("low", Double.parseDouble(System.getProperty("bench.freshness.low.rate", "300")));
        for (int percent : new int[] {25, 50, 80}) {
            rates.put(percent + "% of max", max * percent / 100);
        }
        Duration perRate = Duration.ofSeconds(Long.getLong("bench.freshness.seconds", 10));
        Duration warmup = Duration.ofSeconds(Long.getLong("bench.freshness.warmup.seconds", 3));
        BenchmarkMain.log("Freshness: %s at %s changes/s, %d s each", ids, rates, perRate.toSeconds());
        try (EmbeddedPostgres server = startServer()) {
            List<Result> results = new FreshnessBenchmark(connect, server, sinkConfigs)
                    .run(VARIANTS.stream().filter(v -> ids.contains(v.id())).toList(), rates, perRate, warmup);
            return new Section(max, perRate, results);
        }
    }

    /** What the section hands to the report. */
    record Section(double maximum, Duration perRate, List<Result> results) {
    }

    /**
     * Runs every variant through every rate (name to changes per second), each for {@code perRate} after an
     * unmeasured warm-up at the first rate.
     */
    List<Result> run(List<Variant> variants, Map<String, Double> rates, Duration perRate, Duration warmup) throws Exception {
        workload.createTable();
        List<Result> results = new ArrayList<>();
        try {
            for (Variant variant : variants) {
                results.addAll(runVariant(variant, rates, perRate, warmup));
            }
        } finally {
            runner.close();
        }
        return results;
    }

    private List<Result> runVariant(Variant variant, Map<String, Double> rates, Duration perRate, Duration warmup) throws Exception {
        String prefix = "fresh_" + variant.id();
        String source = prefix + "-source";
        String sink = prefix + "-sink";
        String topic = prefix + ".public." + FreshnessWorkload.TABLE;
        String txTopic = prefix + ".transaction";
        String table = "target_" + variant.id();
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
                    FreshnessWorkload.Phase phase = workload.run(rates.values().iterator().next(), warmup);
                    awaitApplied(table, phase, sink);
                }
                List<FreshnessWorkload.Phase> phases = new ArrayList<>();
                for (Map.Entry<String, Double> rate : rates.entrySet()) {
                    FreshnessWorkload.Phase phase = workload.run(rate.getValue(), perRate);
                    awaitApplied(table, phase, sink);
                    phases.add(phase);
                }
                Map<String, long[]> onTheWay = stampsOnTheWay(topic);
                int i = 0;
                for (Map.Entry<String, Double> rate : rates.entrySet()) {
                    Result result = measure(variant, rate.getKey(), rate.getValue(), phases.get(i++), table, onTheWay);
                    BenchmarkMain.log("  %-55s %-12s %,8.0f changes/s committed, latency %s, rows differing %d",
                            variant.label(), rate.getKey(), result.phase().achievedRate(), result.latency(), result.rowsDiffering());
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

    private Result measure(Variant variant, String rateName, double rate, FreshnessWorkload.Phase phase, String table,
                           Map<String, long[]> onTheWay) throws SQLException {
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
        return new Result(variant, rateName, rate, phase, new Stamps(samples.stream().mapToDouble(sample -> sample[0]).toArray()),
                stages, differing);
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
