package io.connectdelta.bench;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scaling out in plain mode: sink a (full events) on a topic of two partitions, keyed by row as Debezium's default
 * partitioner keeps each row's changes in order, with tasks.max 1 and 2, alternating which goes first, several runs.
 * Timing starts when the group is first stable: where the second task joins later (the benchmark's broker waits a
 * second for more members before a new group's first assignment, the test's does not), its rebalance is in the time.
 * During each run it measures the CPU every event costs in each part ({@link CpuMeter}): the task threads (consumer
 * fetch, JsonConverter, SinkRecords, put), our writer threads, the rest of the JVM (broker, GC, ...) and the
 * PostgreSQL server; and, on its own, JsonConverter's decode of the same events. These per-event costs are what the
 * report reasons with about larger workers and clusters.
 */
final class ScalingBenchmark {
    static final String TOPIC = "bench.scaling.items";
    static final int PARTITIONS = 2;
    /** The sentinel of partition 0: the workload's own sentinel (id -1) lands in partition 1. */
    static final long SECOND_SENTINEL_ID = -2L;
    static final String TASK_THREADS = "task-thread-";
    static final String WRITER_THREADS = "connectdelta-writer-";

    /** One timed run: tasks.max, events/s, rows differing, and CPU µs per event by part. */
    record Run(int tasks, double eventsPerSecond, long rowsDiffering, double taskMicros, double writerMicros,
               double restOfJvmMicros, double postgresMicros, double loadAverage, double jitMicros, double gcMicros) {
        double totalMicros() {
            return taskMicros + writerMicros + restOfJvmMicros + postgresMicros;
        }

        /** How many cores the run kept busy on average: its rate times its CPU per event. */
        double coresBusy() {
            return eventsPerSecond * totalMicros() / 1e6;
        }
    }

    /** What the section hands to the report. */
    record Section(int events, double eventBytes, double decodeMicros, List<Run> runs) {
        List<Run> runsOf(int tasks) {
            return runs.stream().filter(r -> r.tasks() == tasks).toList();
        }

        /** The median of a figure over the runs with {@code tasks}. */
        double median(int tasks, java.util.function.ToDoubleFunction<Run> figure) {
            double[] values = runsOf(tasks).stream().mapToDouble(figure).sorted().toArray();
            return values.length == 0 ? Double.NaN : values[values.length / 2];
        }
    }

    private final EmbeddedConnectCluster connect;
    private final TargetTable target;
    private final FreshnessBenchmark.SinkConfigs sinkConfigs;
    private final ConnectSinkRunner runner;

    ScalingBenchmark(EmbeddedConnectCluster connect, TargetTable target, FreshnessBenchmark.SinkConfigs sinkConfigs) {
        this.connect = connect;
        this.target = target;
        this.sinkConfigs = sinkConfigs;
        this.runner = new ConnectSinkRunner(connect);
    }

    /**
     * Pre-loads the workload (its records not yet forgotten) into the two partitions, then times tasks.max 1 and 2
     * {@code runs} times each, after one unmeasured warm-up run of each when {@code warmUp}.
     */
    Section run(BenchmarkEvents workload, int runs, boolean warmUp) throws Exception {
        double[] decode = decodeMicros(workload);
        preload(workload);
        // What the checks need stays (the final rows); the runs are measured without the records in memory.
        workload.forgetRecords();
        List<Run> results = new ArrayList<>();
        try {
            if (warmUp) {
                for (int tasks = 1; tasks <= PARTITIONS; tasks++) {
                    timeRun(workload, tasks, "warm" + tasks);
                }
            }
            for (int run = 0; run < runs; run++) {
                for (int i = 0; i < PARTITIONS; i++) {
                    // Alternate which goes first: the first run after a pause meets a colder cache.
                    int tasks = 1 + (i + run) % PARTITIONS;
                    Run result = timeRun(workload, tasks, "run" + run);
                    BenchmarkMain.log("  plain mode, tasks.max=%d, run %d: %,10.0f events/s, CPU µs/event: task threads %.1f, "
                            + "writer threads %.1f, rest of the JVM %.1f, PostgreSQL %.1f; %.2f cores busy, load average %.1f "
                            + "(%d rows differ)", tasks, run + 1, result.eventsPerSecond(), result.taskMicros(),
                            result.writerMicros(), result.restOfJvmMicros(), result.postgresMicros(), result.coresBusy(),
                            result.loadAverage(), result.rowsDiffering());
                    results.add(result);
                }
            }
        } finally {
            runner.close();
        }
        return new Section(workload.eventCount, decode[1], decode[0], results);
    }

    private Run timeRun(BenchmarkEvents workload, int tasks, String suffix) throws Exception {
        String table = "scaling_" + tasks + "_" + suffix;
        String name = "sink-" + table;
        target.recreate(table, workload);
        Map<String, String> config = sinkConfigs.config("a", TOPIC, null, table);
        config.put("tasks.max", String.valueOf(tasks));
        CpuMeter meter = new CpuMeter(backendPid());
        Map<String, Long> cpu;
        long nanos;
        double load;
        try {
            long start = runner.start(name, config);
            CpuMeter.Sample before = meter.sample();
            long end = target.awaitSentinels(table, Duration.ofMinutes(15), () -> runner.failIfFailed(name),
                    BenchmarkEvents.SENTINEL_ID, SECOND_SENTINEL_ID);
            cpu = CpuMeter.between(before, meter.sample(), TASK_THREADS, WRITER_THREADS);
            nanos = end - start;
            load = CpuMeter.loadAverage();
        } finally {
            runner.delete(name);
        }
        long differing = target.mismatches(table, workload, false);
        target.execute("DROP TABLE \"" + table + "\"");
        double events = workload.eventCount + 1;
        double task = cpu.get(TASK_THREADS) / 1e3 / events;
        double writer = cpu.get(WRITER_THREADS) / 1e3 / events;
        double jvm = cpu.get("jvm") / 1e3 / events;
        return new Run(tasks, events / (nanos / 1e9), differing, task, writer, Math.max(0, jvm - task - writer),
                cpu.get("postgres") / 1e3 / events, load, cpu.get("jit") / 1e3 / events, cpu.get("gc") / 1e3 / events);
    }

    /** Rows by key into the partitions, each partition ending with a sentinel. */
    private void preload(BenchmarkEvents workload) throws Exception {
        connect.kafka().createTopic(TOPIC, PARTITIONS);
        try (TopicProducer producer = new TopicProducer(connect)) {
            for (SourceRecord record : workload.events) {
                producer.send(record, TOPIC, partitionOf(record));
            }
            SourceRecord second = workload.sentinel(SECOND_SENTINEL_ID);
            producer.send(second, TOPIC, partitionOf(second));
        }
    }

    private static int partitionOf(SourceRecord record) {
        return (int) Math.floorMod(((Struct) record.key()).getInt64("id"), (long) PARTITIONS);
    }

    /**
     * JsonConverter's decode of the events' keys and values on its own, in CPU µs per event (this thread's CPU
     * time, which other processes on the machine barely move): the best of five passes after three warm-up passes; and
     * the events' mean size in bytes, key and value.
     */
    static double[] decodeMicros(BenchmarkEvents workload) {
        int count = Math.min(20_000, workload.events.size());
        JsonConverter keys = new JsonConverter();
        keys.configure(Map.of("schemas.enable", "true", "converter.type", "key"));
        JsonConverter values = new JsonConverter();
        values.configure(Map.of("schemas.enable", "true", "converter.type", "value"));
        List<byte[][]> bytes = new ArrayList<>(count);
        long size = 0;
        for (SourceRecord record : workload.events.subList(0, count)) {
            byte[][] event = {keys.fromConnectData(TOPIC, record.keySchema(), record.key()),
                values.fromConnectData(TOPIC, record.valueSchema(), record.value())};
            size += event[0].length + event[1].length;
            bytes.add(event);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double best = Double.MAX_VALUE;
        for (int pass = 0; pass < 8; pass++) {
            long start = threads.getCurrentThreadCpuTime();
            long sink = 0;
            for (byte[][] event : bytes) {
                sink += keys.toConnectData(TOPIC, event[0]).hashCode() & 1;
                sink += values.toConnectData(TOPIC, event[1]).value() == null ? 0 : 1;
            }
            double micros = (threads.getCurrentThreadCpuTime() - start) / 1e3 / count;
            if (pass >= 3 && sink > 0) {
                best = Math.min(best, micros);
            }
        }
        return new double[] {best, (double) size / count};
    }

    private long backendPid() throws Exception {
        try (Connection c = target.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
