package io.connectdelta.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects the figures of one benchmark run and writes docs/benchmarks.md with its chart docs/benchmarks.svg. */
final class Report {
    /** The metadata.fields of the compact rows: what our sink and a transaction-aware consumer read. */
    static final String COMPACT_METADATA = "ts_ms,transaction,source.sequence,source.schema,source.table,source.ts_ms";
    static final String DELTA_COMPACT = "delta, compact metadata";
    static final String DELTA_CARRIED = "delta, carried row schema, compact metadata";
    /** ToDelta as the benchmark's delta topic (b) has it: compact metadata, a row schema of the carried fields. */
    static final Map<String, String> CARRIED_DELTA_CONFIG = Map.of("delta.format", "fields",
            "metadata.fields", COMPACT_METADATA, "delta.row.schema", "carried");
    static final String TO_DELTA_CARRIED = "ToDelta (fields, carried row schema, compact metadata)";

    private final StringBuilder machine = new StringBuilder();
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, Double> medians = new LinkedHashMap<>();
    private final Map<String, List<Double>> runs = new LinkedHashMap<>();
    private final Map<String, Long> wrongRows = new LinkedHashMap<>();
    private final List<String[]> amplification = new ArrayList<>();
    private final Map<String, Double> walPerUpdate = new LinkedHashMap<>();
    private final Map<String, double[]> sizes = new LinkedHashMap<>();
    private Map<String, Double> transforms = Map.of();
    private FreshnessBenchmark.Section freshness;
    private ScalingBenchmark.Section scaling;
    private ReselectBenchmark.Section reselect;
    private String workload = "";

    void machine(TargetTable target) {
        String cpu = "unknown";
        try {
            cpu = Files.readAllLines(Paths.get("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
        } catch (IOException ignored) {
            // not Linux
        }
        String postgres = "unknown";
        try (Connection c = target.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            postgres = rs.getString(1);
        } catch (Exception ignored) {
            // reported as unknown
        }
        long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        machine.append("- Date: ").append(LocalDate.now()).append('\n')
                .append("- CPU: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ").append(cpu).append('\n')
                .append("- Memory: ").append(memory / (1024 * 1024 * 1024)).append(" GiB\n")
                .append("- Java: ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version")).append('\n')
                .append("- PostgreSQL (embedded, fsync on): ").append(postgres).append('\n')
                .append("- Kafka Connect: 4.3.1, one embedded worker and broker in the benchmark's JVM; JsonConverter with schemas\n");
    }

    void throughput(List<BenchmarkMain.Sink> sinks, Map<String, List<Double>> rates, BenchmarkEvents events) {
        workload = String.format(Locale.ROOT, "%,d events (%,d inserts, %,d updates of 1-3 columns, %,d deletes) of a "
                + "20-column table, in %,d source transactions of 1-4 events", events.eventCount, events.inserts,
                events.updates, events.deletes, events.transactionCount);
        for (BenchmarkMain.Sink sink : sinks) {
            labels.put(sink.id(), sink.label());
            List<Double> values = new ArrayList<>(rates.get(sink.id()));
            runs.put(sink.id(), new ArrayList<>(values));
            values.sort(Double::compare);
            medians.put(sink.id(), values.get(values.size() / 2));
        }
    }

    void correctness(String sink, long wrong) {
        wrongRows.merge(sink, wrong, Long::sum);
    }

    void writeAmplification(String id, String label, long walBytes, int updates, long corrupted, long wrong) {
        double perUpdate = (double) walBytes / updates;
        walPerUpdate.put(id, perUpdate);
        amplification.add(new String[] {label, String.format(Locale.ROOT, "%,.0f", perUpdate),
                String.valueOf(corrupted), String.valueOf(wrong)});
    }

    void eventSize(String shape, boolean schemas, double bytes) {
        sizes.computeIfAbsent(shape, k -> new double[2])[schemas ? 0 : 1] = bytes;
    }

    void freshness(FreshnessBenchmark.Section section) {
        this.freshness = section;
    }

    void scaling(ScalingBenchmark.Section section) {
        this.scaling = section;
    }

    /** The median events/s of a sink in the throughput section, NaN when it did not run. */
    double median(String sinkId) {
        return medians.getOrDefault(sinkId, Double.NaN);
    }

    void reselect(ReselectBenchmark.Section section) {
        this.reselect = section;
    }

    void transforms(Map<String, Double> opsPerSecond) {
        this.transforms = opsPerSecond;
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("benchmarks.md");
        String markdown = markdown();
        if (Files.exists(file)) {
            markdown = ReportSections.merge(Files.readString(file), markdown, measuredSections());
        }
        Files.writeString(file, markdown);
        if (!medians.isEmpty()) {
            Files.writeString(dir.resolve("benchmarks.svg"), Chart.bars("Sink throughput, median events/s",
                    labelsInOrder(), mediansInOrder()));
        }
        if (freshness != null) {
            Files.writeString(dir.resolve(FreshnessReport.CHART), FreshnessReport.chart(freshness));
        }
    }

    /** The numbers of the sections this run measured. */
    private java.util.Set<String> measuredSections() {
        java.util.Set<String> measured = new java.util.HashSet<>();
        if (!medians.isEmpty()) {
            measured.add("1");
        }
        if (!amplification.isEmpty()) {
            measured.add("2");
        }
        if (!sizes.isEmpty()) {
            measured.add("3");
        }
        if (!transforms.isEmpty()) {
            measured.add("4");
        }
        if (freshness != null) {
            measured.add("5");
        }
        if (scaling != null) {
            measured.add("6");
        }
        if (reselect != null) {
            measured.add("7");
        }
        return measured;
    }

    private List<String> labelsInOrder() {
        List<String> list = new ArrayList<>();
        labels.forEach((id, label) -> list.add(id + ". " + label));
        return list;
    }

    private List<Double> mediansInOrder() {
        return new ArrayList<>(medians.values());
    }

    private double ratio(String a, String b) {
        return medians.getOrDefault(a, Double.NaN) / medians.getOrDefault(b, Double.NaN);
    }

    private String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n")
                .append("Written by the benchmark itself (`mvn -B -Pbenchmark -pl connect-sink -am verify`, see README.md); ")
                .append("every figure below comes from one run on one machine, except where a section says it is from an ")
                .append("earlier run (a run of some sections only). Absolute figures move by about ±10% between ")
                .append("runs on these shared machines; ratios within a run are what to compare. Where the time goes, and ")
                .append("why missed goals are missed: [performance.md](performance.md).\n\n")
                .append("## Machine\n\n").append(machine).append('\n');

        md.append("## 1. Sink throughput\n\n").append("Workload: ").append(workload).append(", pre-loaded into topics ")
                .append("and consumed into a fresh, pre-created PostgreSQL table per run. Every sink was run once to warm ")
                .append("up the JVM; then the sinks ran in rotated order. The clock runs from the moment the connector's ")
                .append("consumer group is stable until the last event is in the table. The delta events (b) are the same ")
                .append("changes through ToDelta with `metadata.fields=").append(COMPACT_METADATA)
                .append("` and `delta.row.schema=carried`. Every ")
                .append("Connect sink runs with batch.size and max.poll.records 2000, and the consumer's ")
                .append("max.partition.fetch.bytes raised to 32 MiB, except transaction mode (c), which keeps the ")
                .append("default 1 MiB (see docs/sink.md, Transaction mode).\n\n")
                .append("| sink | events/s per run | median events/s | rows differing from the source |\n|---|---|---|---|\n");
        for (Map.Entry<String, String> sink : labels.entrySet()) {
            StringBuilder each = new StringBuilder();
            for (double rate : runs.get(sink.getKey())) {
                each.append(each.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,.0f", rate));
            }
            md.append("| ").append(sink.getKey()).append(". ").append(sink.getValue()).append(" | ").append(each)
                    .append(" | ").append(String.format(Locale.ROOT, "%,.0f", medians.get(sink.getKey())))
                    .append(" | ").append(wrongRows.getOrDefault(sink.getKey(), 0L)).append(" |\n");
        }
        md.append("\n![Sink throughput](benchmarks.svg)\n\n")
                .append("| ratio of medians | value | goal | met |\n|---|---|---|---|\n")
                .append(goal("a/d: full events vs Debezium JDBC sink", ratio("a", "d"), 1.5))
                .append(goal("b/d: delta events vs Debezium JDBC sink", ratio("b", "d"), 3.0))
                .append(goal("a/e: full events vs hand-written limit", ratio("a", "e"), 0.9))
                .append(goal("c/a: transaction mode vs plain mode", ratio("c", "a"), 0.8)).append('\n');
        if (medians.containsKey("g")) {
            md.append(String.format(Locale.ROOT, "The ordering guard (g: sink a with `ordering.guard.column.name`, every "
                    + "row storing its event's source position and every upsert conditional on it) ran at g/a = %.2f of "
                    + "plain full events.\n\n", ratio("g", "a")));
        }
        if (medians.containsKey("x")) {
            md.append(String.format(Locale.ROOT, "The limit (e) is hand-written JDBC as a sink task in the same worker as "
                    + "the others. Run outside Kafka Connect (x: its own consumer and JsonConverter, values only), the same "
                    + "writer applied %,.0f events/s: the worker's own work per record (key, value and header conversion, "
                    + "SinkRecords, offset tracking) costs every Connect sink alike; e/x = %.2f, a/x = %.2f.\n\n",
                    medians.get("x"), ratio("e", "x"), ratio("a", "x")));
        }

        md.append("## 2. Write amplification\n\n")
                .append("A table with a ~100 KB TOASTed text column (STORAGE EXTERNAL) that the updates never touch. The rows ")
                .append("are loaded directly; then CHECKPOINT, and the sink applies the updates. WAL bytes per update are ")
                .append("pg_current_wal_insert_lsn() after minus before, divided by the number of updates.\n\n")
                .append("| sink and events | WAL bytes per update | rows holding the placeholder | rows differing from the source |\n|---|---|---|---|\n");
        for (String[] row : amplification) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        double waRatio = walPerUpdate.getOrDefault("delta", Double.NaN) / walPerUpdate.getOrDefault("reference", Double.NaN);
        md.append('\n').append("| ratio | value | goal | met |\n|---|---|---|---|\n")
                .append(String.format(Locale.ROOT, "| delta / correct full-row reference | 1/%.0f | ≤ 1/50 | %s |\n\n",
                        1 / waRatio, waRatio <= 1.0 / 50 ? "yes" : "**no**"));

        md.append("## 3. Event size\n\n").append("Bytes per event on the topic (JsonConverter), averaged over one-column ")
                .append("updates of the 20-column row. The compact rows keep the metadata that `metadata.fields=")
                .append(COMPACT_METADATA).append("` names, no more.\n\n")
                .append("| shape | with schemas | without schemas | vs full, with schemas | vs full, without |\n|---|---|---|---|---|\n");
        double[] full = sizes.getOrDefault("full", new double[] {Double.NaN, Double.NaN});
        for (Map.Entry<String, double[]> size : sizes.entrySet()) {
            double[] s = size.getValue();
            md.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.2f | %.2f |\n", size.getKey(), s[0], s[1],
                    s[0] / full[0], s[1] / full[1]));
        }
        double[] none = {Double.NaN, Double.NaN};
        double deltaRatio = sizes.getOrDefault("delta", none)[1] / full[1];
        double compactRatio = sizes.getOrDefault(DELTA_COMPACT, none)[1] / full[1];
        double[] carried = sizes.getOrDefault(DELTA_CARRIED, none);
        md.append(String.format(Locale.ROOT, "\nGoal: delta ≤ 0.2 × full for a one-column update, without schemas: "
                + "%.2f with ToDelta's defaults (%s), %.2f with compact metadata (%s), %.2f with compact metadata and "
                + "the carried row schema (%s). With schemas, where the schema travels in every event, the carried "
                + "delta is %.2f × full (%s).\n\n",
                deltaRatio, met(deltaRatio <= 0.2), compactRatio, met(compactRatio <= 0.2), carried[1] / full[1],
                met(carried[1] / full[1] <= 0.2), carried[0] / full[0], met(carried[0] / full[0] <= 0.2)));

        if (!transforms.isEmpty()) {
            md.append("## 4. Transform cost (JMH)\n\n")
                    .append("Throughput of each transform on the same full update events, one fork, in records per second.\n\n")
                    .append("| transform | records/s | vs ExtractNewRecordState |\n|---|---|---|\n");
            double baseline = transforms.getOrDefault("ExtractNewRecordState", Double.NaN);
            for (Map.Entry<String, Double> t : transforms.entrySet()) {
                md.append(String.format(Locale.ROOT, "| %s | %,.0f | %.2f |\n", t.getKey(), t.getValue(), t.getValue() / baseline));
            }
            double toDelta = transforms.getOrDefault("ToDelta (fields)", Double.NaN) / baseline;
            double toDeltaCarried = transforms.getOrDefault(TO_DELTA_CARRIED, Double.NaN) / baseline;
            md.append(String.format(Locale.ROOT, "\nGoal: ToDelta ≥ 1× ExtractNewRecordState: %.2f× with its defaults "
                    + "(%s), %.2f× with compact metadata and the carried row schema (%s).\n",
                    toDelta, met(toDelta >= 1), toDeltaCarried, met(toDeltaCarried >= 1)));
        }
        if (freshness != null) {
            md.append('\n').append(FreshnessReport.markdown(freshness));
        }
        if (scaling != null) {
            md.append('\n').append(ScalingReport.markdown(scaling));
        }
        if (reselect != null) {
            md.append('\n').append(ReselectBenchmark.markdown(reselect));
        }
        return md.toString();
    }

    private static String met(boolean met) {
        return met ? "met" : "**not met**";
    }

    private static String goal(String name, double value, double goal) {
        return String.format(Locale.ROOT, "| %s | %.2f | ≥ %.1f | %s |\n", name, value, goal, value >= goal ? "yes" : "**no**");
    }
}
