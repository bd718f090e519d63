package io.connectdelta.bench;

import io.connectdelta.sink.support.TaskHarness;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A working tool for the sink's own cost, without Kafka: the benchmark's full events, decoded once by JsonConverter
 * as a worker would, are put straight into a sink task in batches of 2000; it prints the JVM's CPU time per event
 * (the task's threads and GC: nothing else runs) and the wall-clock rate, for several runs. Run with
 * {@code mvn -Pbenchmark -pl connect-transforms,connect-sink verify -Dbench.main=io.connectdelta.bench.WriterCpuProbe};
 * {@code -Dbench.jvm.args=-Dprobe=transactions,jfr} probes transaction mode and records a JFR profile in target/;
 * {@code -Dprobe=guard} alternates runs of sink a without and with the ordering guard (sink g);
 * {@code -Dprobe=untracked} alternates runs with and without source-position tracking (label "-untracked").
 */
public final class WriterCpuProbe {
    public static void main(String[] args) throws Exception {
        Files.createDirectories(Paths.get(System.getProperty("java.io.tmpdir")));
        int count = Integer.getInteger("bench.events", 200_000);
        int runs = Integer.getInteger("bench.runs", 5);
        List<String> options = List.of(System.getProperty("probe", "").split(","));
        boolean transactionAware = options.contains("transactions");
        boolean guard = options.contains("guard");
        boolean untrackedToo = options.contains("untracked");
        if (options.contains("jfr")) {
            jdk.jfr.Recording recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
            recording.setDestination(Paths.get("target", "probe.jfr"));
            recording.start();
        }
        BenchmarkEvents workload = BenchmarkEvents.mixed(42, count, BenchmarkMain.FULL_TOPIC, BenchmarkMain.TX_TOPIC);
        List<SinkRecord> records = decoded(workload, transactionAware);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setServerConfig("max_wal_size", "8GB").start()) {
            String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
            TargetTable target = new TargetTable(url, "postgres", "");
            for (int run = 0; run < runs; run++) {
                String table = "probe_" + run;
                target.recreate(table, workload);
                String sink = transactionAware ? "c" : guard && run % 2 == 1 ? "g" : "a";
                Map<String, String> config = new BenchmarkMain().sinkConfig(sink, BenchmarkMain.FULL_TOPIC,
                        BenchmarkMain.TX_TOPIC, table);
                config.put("connection.url", url);
                config.put("name", "probe-" + run);
                boolean untracked = untrackedToo && run % 2 == 1;
                if (untracked) {
                    config.put("source.position.tracking.enabled", "false");
                }
                try (TaskHarness task = new TaskHarness(config, BenchmarkMain.FULL_TOPIC, BenchmarkMain.TX_TOPIC)) {
                    long cpu = os.getProcessCpuTime();
                    long start = System.nanoTime();
                    for (int from = 0; from < records.size(); from += 2000) {
                        task.task().put(new ArrayList<>(records.subList(from, Math.min(records.size(), from + 2000))));
                    }
                    task.task().put(List.of());
                    long wall = System.nanoTime() - start;
                    cpu = os.getProcessCpuTime() - cpu;
                    System.out.printf("[probe] run %d, sink %s: %.2f us CPU per event, %,.0f events/s, %d rows differ%n",
                            run + 1, sink + (untracked ? "-untracked" : ""), cpu / 1e3 / count, count / (wall / 1e9), target.mismatches(table, workload, false));
                }
            }
        }
        System.exit(0);
    }

    /** BEGIN, the transaction's events, END, for every transaction; then the sentinel. */
    private static List<SourceRecord> interleaved(BenchmarkEvents workload) {
        List<SourceRecord> ordered = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < workload.markers.size(); i += 2) {
            SourceRecord end = workload.markers.get(i + 1);
            long count = ((org.apache.kafka.connect.data.Struct) end.value()).getInt64("event_count");
            ordered.add(workload.markers.get(i));
            for (long e = 0; e < count; e++) {
                ordered.add(workload.events.get(next++));
            }
            ordered.add(end);
        }
        ordered.addAll(workload.events.subList(next, workload.events.size()));
        return ordered;
    }

    /** The events (and, for transaction mode, the markers in order) as a worker hands them to put(). */
    static List<SinkRecord> decoded(BenchmarkEvents workload, boolean withMarkers) {
        JsonConverter keys = new JsonConverter();
        keys.configure(Map.of("schemas.enable", "true", "converter.type", "key"));
        JsonConverter values = new JsonConverter();
        values.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
        List<SourceRecord> source = withMarkers ? interleaved(workload) : workload.events;
        List<SinkRecord> records = new ArrayList<>(source.size());
        long[] offsets = new long[2];
        for (SourceRecord record : source) {
            SchemaAndValue key = keys.toConnectData(record.topic(), keys.fromConnectData(record.topic(), record.keySchema(), record.key()));
            SchemaAndValue value = values.toConnectData(record.topic(),
                    values.fromConnectData(record.topic(), record.valueSchema(), record.value()));
            int topic = record.topic().equals(BenchmarkMain.TX_TOPIC) ? 1 : 0;
            records.add(new SinkRecord(record.topic(), 0, key.schema(), key.value(), value.schema(), value.value(),
                    offsets[topic]++));
        }
        return records;
    }
}
