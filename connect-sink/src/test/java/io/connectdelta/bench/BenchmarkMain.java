package io.connectdelta.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark suite: one command, one run, every figure measured side by side on this machine, written to
 * docs/benchmarks.md with a chart (docs/benchmarks.svg). See the README for the command.
 * <ol>
 *   <li>sink throughput: ours on full events, ours on delta events, ours in transaction mode, the Debezium JDBC
 *       sink 3.5.0.Final, and hand-written JDBC (the limit), in rotated order, medians of several runs;</li>
 *   <li>write amplification on a table with a ~100 KB TOASTed column that updates never touch;</li>
 *   <li>event size on the topic for full, delta, JSON Patch and id-only events;</li>
 *   <li>transform cost (JMH) against Debezium's ExtractNewRecordState;</li>
 *   <li>freshness: latency from source commit to target commit at steady rates ({@link FreshnessBenchmark});</li>
 *   <li>scaling out: plain mode with tasks.max 1 and 2 on two partitions, and the CPU per event of each part
 *       ({@link ScalingBenchmark}).</li>
 * </ol>
 * System properties: bench.events (200000), bench.runs (5), bench.warmup.events (100000), bench.toast.rows (1000),
 * bench.toast.updates (2000), bench.jmh (true), bench.out (docs).
 */
public final class BenchmarkMain {
    static final String FULL_TOPIC = "bench.public.items";
    static final String DELTA_TOPIC = "bench.delta.items";
    static final String TX_TOPIC = "bench.transaction";
    static final String OUR_SINK = "io.connectdelta.sink.DeltaJdbcSinkConnector";
    static final String DEBEZIUM_SINK = "io.debezium.connector.jdbc.JdbcSinkConnector";

    private final int events = Integer.getInteger("bench.events", 200_000);
    private final int runs = Integer.getInteger("bench.runs", 5);
    private final int warmupEvents = Integer.getInteger("bench.warmup.events", 100_000);
    private final int toastRows = Integer.getInteger("bench.toast.rows", 1000);
    private final int toastUpdates = Integer.getInteger("bench.toast.updates", 2000);
    private final boolean jmh = Boolean.parseBoolean(System.getProperty("bench.jmh", "true"));
    private final Path out = Paths.get(System.getProperty("bench.out", "docs")).toAbsolutePath();
    /** Sinks to run in the throughput section (a to e, g, and x); all by default. */
    private final List<String> sinkIds = List.of(System.getProperty("bench.sinks", "a,b,c,d,e,g,x").split(","));
    /** Sections to run (size, throughput, wal, freshness, scaling, reselect, jmh); all by default. */
    private final List<String> only = List.of(System.getProperty("bench.only",
            "size,throughput,wal,freshness,scaling,reselect,jmh").split(","));

    private EmbeddedPostgres postgres;
    private EmbeddedConnectCluster connect;
    private TargetTable target;
    private String jdbcUrl;
    private final Report report = new Report();

    public static void main(String[] args) throws Exception {
        BenchmarkMain main = new BenchmarkMain();
        try {
            main.runAll();
        } finally {
            main.stop();
        }
        System.exit(0);
    }

    private void runAll() throws Exception {
        // Embedded PostgreSQL unpacks under java.io.tmpdir, which points into target/.
        Files.createDirectories(Paths.get(System.getProperty("java.io.tmpdir")));
        log("Benchmark: %d events, %d runs per sink, output to %s", events, runs, out);
        Path debeziumPlugin = DebeziumJdbcPlugin.prepare(Paths.get("target", "bench-plugins").toAbsolutePath());
        startPostgres();
        startConnect(debeziumPlugin.getParent());
        report.machine(target);

        // The report is written after every section: a run that fails late keeps what it measured.
        if (only.contains("size")) {
            eventSizes();
            report.write(out);
        }
        if (only.contains("throughput")) {
            throughput();
            report.write(out);
        }
        if (only.contains("wal")) {
            writeAmplification();
            report.write(out);
        }
        if (only.contains("freshness")) {
            report.freshness(FreshnessBenchmark.section(connect, this::sinkConfig, report.median("a")));
            report.write(out);
        }
        if (only.contains("scaling")) {
            log("Scaling out: plain mode, tasks.max 1 and 2 on %d partitions, %d runs each", ScalingBenchmark.PARTITIONS, runs);
            BenchmarkEvents workload = BenchmarkEvents.mixed(42, events, ScalingBenchmark.TOPIC, TX_TOPIC);
            report.scaling(new ScalingBenchmark(connect, target, this::sinkConfig).run(workload, runs, true));
            report.write(out);
        }
        if (only.contains("reselect")) {
            int reselectEvents = Integer.getInteger("bench.reselect.events", 50_000);
            int latencyEvents = Integer.getInteger("bench.reselect.latency.events", 5_000);
            long latency = Long.getLong("bench.reselect.latency.ms", 1);
            log("Re-select: %,d id-only events through the sink's re-select and through the Reselect transform; "
                    + "%,d with %d ms per round trip", reselectEvents, latencyEvents, latency);
            report.reselect(new ReselectBenchmark(postgres).run(reselectEvents, latencyEvents, latency, runs));
            report.write(out);
        }
        if (jmh && only.contains("jmh")) {
            report.transforms(TransformBenchmarks.run());
        }
        report.write(out);
        log("Wrote %s and %s", out.resolve("benchmarks.md"), out.resolve("benchmarks.svg"));
    }

    private void startPostgres() throws IOException {
        // A production-like server: fsync on, and room for WAL so checkpoints do not run every few seconds.
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("max_wal_size", "8GB")
                .setServerConfig("shared_buffers", "512MB")
                .setServerConfig("max_connections", "100")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        jdbcUrl = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
        target = new TargetTable(jdbcUrl, "postgres", "");
    }

    private void startConnect(Path pluginPath) {
        Map<String, String> worker = new HashMap<>();
        worker.put("plugin.path", pluginPath.toString());
        worker.put("connector.client.config.override.policy", "All");
        worker.put("offset.flush.interval.ms", "1000");
        worker.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("key.converter.schemas.enable", "true");
        worker.put("value.converter.schemas.enable", "true");
        // A poll must be able to fill a 2000-record batch of large events.
        worker.put("consumer.max.partition.fetch.bytes", String.valueOf(32 * 1024 * 1024));
        worker.put("consumer.fetch.max.bytes", String.valueOf(50 * 1024 * 1024));
        java.util.Properties broker = new java.util.Properties();
        // A new consumer group waits this long for more members before its first assignment (the embedded broker's
        // default is 0): with tasks.max 2 both tasks then start in one generation, instead of one task consuming
        // every partition until the other joins. Timing starts when the group is stable, so this adds no measured time.
        broker.put("group.initial.rebalance.delay.ms", "1000");
        connect = new EmbeddedConnectCluster.Builder().name("benchmark").numWorkers(1).workerProps(worker)
                .brokerProps(broker).build();
        connect.start();
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. Sink throughput

    private void throughput() throws Exception {
        BenchmarkEvents warm = BenchmarkEvents.mixed(7, warmupEvents, "warm.public.items", "warm.transaction");
        BenchmarkEvents measured = BenchmarkEvents.mixed(42, events, FULL_TOPIC, TX_TOPIC);
        log("Generated %d events: %d inserts, %d updates, %d deletes, %d transactions", measured.events.size(),
                measured.inserts, measured.updates, measured.deletes, measured.markers.size() / 2);
        preload(warm, "warm.public.items", "warm.delta.items", "warm.transaction");
        preload(measured, FULL_TOPIC, DELTA_TOPIC, TX_TOPIC);
        warm.forgetRecords();
        measured.forgetRecords();

        List<Sink> sinks = List.of(
                new Sink("a", "Delta sink, full events", false),
                new Sink("b", "Delta sink, delta events", false),
                new Sink("c", "Delta sink, transaction mode", false),
                new Sink("d", "Debezium JDBC sink 3.5.0.Final", false),
                new Sink("e", "Hand-written JDBC sink task (limit)", false),
                new Sink("g", "Delta sink, full events, ordering guard", false),
                new Sink("x", "Hand-written JDBC outside Kafka Connect", true)).stream().filter(s -> sinkIds.contains(s.id())).toList();
        log("Warm-up: every sink once on %d events", warm.eventCount);
        for (Sink sink : sinks) {
            timeSink(sink, warm, "warm", -1);
        }
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        for (int run = 0; run < runs; run++) {
            for (int i = 0; i < sinks.size(); i++) {
                // Rotate the order between runs: whichever goes first meets a colder disk and cache.
                Sink sink = sinks.get((i + run) % sinks.size());
                double rate = timeSink(sink, measured, "bench", run);
                rates.computeIfAbsent(sink.id, k -> new ArrayList<>()).add(rate);
            }
        }
        report.throughput(sinks, rates, measured);
    }

    private double timeSink(Sink sink, BenchmarkEvents workload, String prefix, int run) throws Exception {
        String table = prefix + "_" + sink.id + "_" + (run < 0 ? "warm" : "run" + run);
        target.recreate(table, workload);
        String fullTopic = prefix.equals("warm") ? "warm.public.items" : FULL_TOPIC;
        String deltaTopic = prefix.equals("warm") ? "warm.delta.items" : DELTA_TOPIC;
        String txTopic = prefix.equals("warm") ? "warm.transaction" : TX_TOPIC;
        long nanos;
        if (sink.handWritten) {
            nanos = HandWrittenSink.run(connect.kafka().bootstrapServers(), fullTopic, jdbcUrl, "postgres", "", table);
        } else {
            Map<String, String> config = sinkConfig(sink.id, sink.id.equals("b") ? deltaTopic : fullTopic, txTopic, table);
            nanos = new ConnectSinkRunner(connect).run("sink-" + table, config, target, table);
        }
        long wrong = target.mismatches(table, workload, false);
        double rate = workload.eventCount / (nanos / 1e9);
        log("  %-32s %-14s %,10.0f events/s  (%d rows differ from the source)", sink.label, run < 0 ? "warm-up" : "run " + (run + 1),
                rate, wrong);
        if (run >= 0) {
            report.correctness(sink.id, wrong);
        }
        target.execute("DROP TABLE \"" + table + "\"");
        return rate;
    }

    Map<String, String> sinkConfig(String id, String topic, String txTopic, String table) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("connection.url", jdbcUrl);
        config.put("connection.username", "postgres");
        config.put("connection.password", "");
        config.put("insert.mode", "upsert");
        config.put("delete.enabled", "true");
        config.put("primary.key.mode", "record_key");
        config.put("schema.evolution", "none");
        config.put("collection.name.format", table);
        config.put("batch.size", "2000");
        config.put("consumer.override.max.poll.records", "2000");
        switch (id) {
            case "c":
                config.put("connector.class", OUR_SINK);
                config.put("topics", topic + "," + txTopic);
                config.put("transaction.aware", "true");
                config.put("transaction.topic", txTopic);
                // The consumer's default fetch size, not the worker's 32 MiB: large fetches hand out one partition's
                // records in long runs, and the events or markers waiting for the other side are held in memory
                // (docs/sink.md, Transaction mode). Medians of three: c/a 0.78 with 32 MiB, 0.85 with 2, 0.89 with 1.
                config.put("consumer.override.max.partition.fetch.bytes", String.valueOf(1024 * 1024));
                break;
            case "b":
                config.put("connector.class", OUR_SINK);
                // The delta topic holds a value schema per combination of changed columns (delta.row.schema=carried):
                // more than JsonConverter's default cache of 1000 schemas.
                config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
                config.put("value.converter.schemas.enable", "true");
                config.put("value.converter.schemas.cache.size", "5000");
                break;
            case "g":
                config.put("connector.class", OUR_SINK);
                // Sink a with the guard: every row stores its event's position, every upsert compares it. The
                // column is added to the pre-created (empty) table on the first write.
                config.put("ordering.guard.column.name", "src_pos");
                config.put("schema.evolution", "basic");
                break;
            case "e":
                config.put("connector.class", HandWrittenSinkConnector.class.getName());
                config.put(HandWrittenSinkConnector.TABLE, table);
                break;
            case "d":
                config.put("connector.class", DEBEZIUM_SINK);
                // Its best settings: batched inserts rewritten by the driver, and the reduction buffer.
                config.put("connection.url", jdbcUrl + "?reWriteBatchedInserts=true");
                config.put("use.reduction.buffer", "true");
                break;
            default:
                config.put("connector.class", OUR_SINK);
        }
        return config;
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. Write amplification

    private void writeAmplification() throws Exception {
        int docBytes = 100_000;
        BenchmarkEvents placeholder = BenchmarkEvents.toasted(11, toastRows, toastUpdates, docBytes, true,
                "wa.placeholder.items", "wa.placeholder.transaction");
        BenchmarkEvents realValue = BenchmarkEvents.toasted(11, toastRows, toastUpdates, docBytes, false,
                "wa.full.items", "wa.full.transaction");
        preloadUpdates(placeholder, "wa.placeholder.items", null);
        preloadUpdates(realValue, "wa.full.items", "wa.delta.items");
        List<String[]> variants = List.of(
                new String[] {"placeholder", "Delta sink, full events with the TOAST placeholder", "wa.placeholder.items", OUR_SINK},
                new String[] {"delta", "Delta sink, delta events", "wa.delta.items", OUR_SINK},
                new String[] {"reference", "Delta sink, full events with the real value (REPLICA IDENTITY FULL)", "wa.full.items", OUR_SINK},
                new String[] {"debezium", "Debezium JDBC sink 3.5.0.Final, full events with the placeholder", "wa.placeholder.items", DEBEZIUM_SINK});
        for (String[] variant : variants) {
            String table = "wa_" + variant[0];
            BenchmarkEvents workload = variant[0].equals("placeholder") || variant[0].equals("debezium") ? placeholder : realValue;
            target.recreate(table, workload);
            target.execute("ALTER TABLE \"" + table + "\" ALTER COLUMN doc SET STORAGE EXTERNAL");
            loadRows(table, workload);
            target.execute("CHECKPOINT");
            long before = target.walLsn();
            Map<String, String> config = sinkConfig(variant[3].equals(DEBEZIUM_SINK) ? "d" : "a", variant[2], null, table);
            new ConnectSinkRunner(connect).run("wa-" + table, config, target, table);
            long wal = target.walLsn() - before;
            long corrupted = target.countWhere(table, "doc = '" + BenchmarkEvents.PLACEHOLDER + "'");
            long wrong = target.mismatches(table, workload, true);
            log("  %-70s %,10.0f WAL bytes/update, %d rows with the placeholder, %d rows differ", variant[1],
                    (double) wal / toastUpdates, corrupted, wrong);
            report.writeAmplification(variant[0], variant[1], wal, toastUpdates, corrupted, wrong);
            target.execute("DROP TABLE \"" + table + "\"");
        }
    }

    /** Loads the workload's initial rows straight into the table (the load phase is not measured). */
    private void loadRows(String table, BenchmarkEvents workload) throws Exception {
        String sql = "INSERT INTO \"" + table + "\" SELECT * FROM json_populate_record(NULL::\"" + table + "\", ?::json)";
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false", "converter.type", "value", "decimal.format", "NUMERIC"));
        try (Connection c = target.connect(); PreparedStatement insert = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            for (int i = 0; i < workload.loadPhaseEnd; i++) {
                org.apache.kafka.connect.data.Struct after =
                        ((org.apache.kafka.connect.data.Struct) workload.events.get(i).value()).getStruct("after");
                String row = new String(json.fromConnectData("t", after.schema(), after), StandardCharsets.UTF_8);
                insert.setString(1, microsToTimestamps(row, after));
                insert.addBatch();
                if (i % 100 == 99) {
                    insert.executeBatch();
                }
            }
            insert.executeBatch();
            c.commit();
        }
    }

    private static String microsToTimestamps(String json, org.apache.kafka.connect.data.Struct row) {
        String result = json;
        for (String column : new String[] {"t1", "t2"}) {
            Long micros = row.getInt64(column);
            if (micros != null) {
                String iso = java.time.LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        (int) Math.floorMod(micros, 1_000_000L) * 1000, java.time.ZoneOffset.UTC).toString();
                result = result.replace("\"" + column + "\":" + micros, "\"" + column + "\":\"" + iso + "\"");
            }
        }
        return result;
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. Event size

    private void eventSizes() throws Exception {
        BenchmarkEvents sample = BenchmarkEvents.mixed(99, 20_000, "size.public.items", "size.transaction");
        List<SourceRecord> oneColumnUpdates = new ArrayList<>();
        for (SourceRecord record : sample.events) {
            org.apache.kafka.connect.data.Struct value = (org.apache.kafka.connect.data.Struct) record.value();
            if ("u".equals(value.getString("op")) && changedColumns(value) == 1 && oneColumnUpdates.size() < 1000) {
                oneColumnUpdates.add(record);
            }
        }
        Map<String, String> compact = Map.of("metadata.fields", Report.COMPACT_METADATA);
        Map<String, Transformation<SourceRecord>> shapes = new LinkedHashMap<>();
        shapes.put("full", null);
        shapes.put("delta", transform("io.connectdelta.transforms.ToDelta", Map.of("delta.format", "fields")));
        shapes.put(Report.DELTA_COMPACT, transform("io.connectdelta.transforms.ToDelta", compact));
        shapes.put(Report.DELTA_CARRIED, transform("io.connectdelta.transforms.ToDelta", Report.CARRIED_DELTA_CONFIG));
        shapes.put("json-patch", transform("io.connectdelta.transforms.ToDelta", Map.of("delta.format", "json-patch")));
        shapes.put("id-only", transform("io.connectdelta.transforms.ToIdOnly", Map.of()));
        shapes.put("id-only, compact metadata", transform("io.connectdelta.transforms.ToIdOnly", compact));
        for (boolean schemas : new boolean[] {true, false}) {
            JsonConverter converter = new JsonConverter();
            converter.configure(Map.of("schemas.enable", String.valueOf(schemas), "converter.type", "value"));
            for (Map.Entry<String, Transformation<SourceRecord>> shape : shapes.entrySet()) {
                long bytes = 0;
                for (SourceRecord record : oneColumnUpdates) {
                    SourceRecord shaped = shape.getValue() == null ? record : shape.getValue().apply(record);
                    bytes += converter.fromConnectData(shaped.topic(), shaped.valueSchema(), shaped.value()).length;
                }
                report.eventSize(shape.getKey(), schemas, (double) bytes / oneColumnUpdates.size());
            }
        }
        log("Event sizes measured on %d one-column updates", oneColumnUpdates.size());
    }

    private static int changedColumns(org.apache.kafka.connect.data.Struct envelope) {
        org.apache.kafka.connect.data.Struct before = envelope.getStruct("before");
        org.apache.kafka.connect.data.Struct after = envelope.getStruct("after");
        int changed = 0;
        for (org.apache.kafka.connect.data.Field field : after.schema().fields()) {
            if (!java.util.Objects.equals(before.get(field), after.get(field))) {
                changed++;
            }
        }
        return changed;
    }

    // ---------------------------------------------------------------------------------------------------------

    private void preload(BenchmarkEvents workload, String fullTopic, String deltaTopic, String txTopic) throws Exception {
        connect.kafka().createTopic(fullTopic, 1);
        connect.kafka().createTopic(deltaTopic, 1);
        connect.kafka().createTopic(txTopic, 1);
        // The delta events as we recommend them for the sink: the metadata it uses, not Debezium's whole source block,
        // and a row schema of the carried fields only.
        Transformation<SourceRecord> toDelta = transform("io.connectdelta.transforms.ToDelta", Report.CARRIED_DELTA_CONFIG);
        try (TopicProducer producer = new TopicProducer(connect)) {
            for (SourceRecord record : workload.events) {
                producer.send(record, fullTopic);
                producer.send(toDelta.apply(record), deltaTopic);
            }
            for (SourceRecord marker : workload.markers) {
                producer.send(marker, txTopic);
            }
        }
    }

    private void preloadUpdates(BenchmarkEvents workload, String fullTopic, String deltaTopic) throws Exception {
        connect.kafka().createTopic(fullTopic, 1);
        if (deltaTopic != null) {
            connect.kafka().createTopic(deltaTopic, 1);
        }
        Transformation<SourceRecord> toDelta = transform("io.connectdelta.transforms.ToDelta", Map.of("delta.format", "fields"));
        try (TopicProducer producer = new TopicProducer(connect)) {
            for (int i = workload.loadPhaseEnd; i < workload.events.size(); i++) {
                SourceRecord record = workload.events.get(i);
                producer.send(record, fullTopic);
                if (deltaTopic != null) {
                    producer.send(toDelta.apply(record), deltaTopic);
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Transformation<SourceRecord> transform(String className, Map<String, String> config) throws Exception {
        Transformation<SourceRecord> transformation =
                (Transformation<SourceRecord>) Class.forName(className).getDeclaredConstructor().newInstance();
        transformation.configure(config);
        return transformation;
    }

    private void stop() {
        if (connect != null) {
            connect.stop();
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException ignored) {
                // exiting
            }
        }
    }

    static void log(String format, Object... args) {
        System.out.println("[benchmark] " + String.format(format, args));
    }

    record Sink(String id, String label, boolean handWritten) {
    }
}
