package io.connectdelta.bench;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.Transformation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Transform cost: our transforms against Debezium's ExtractNewRecordState on the same full update events. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class TransformBenchmarks {
    private static final int RECORDS = 1000;

    private SourceRecord[] fullUpdates;
    private SourceRecord[] deltaUpdates;
    private Transformation<SourceRecord> extractNewRecordState;
    private Transformation<SourceRecord> toDelta;
    private Transformation<SourceRecord> toDeltaCompact;
    private Transformation<SourceRecord> toDeltaCarried;
    private Transformation<SourceRecord> toJsonPatch;
    private Transformation<SourceRecord> toIdOnly;
    private Transformation<SourceRecord> toFull;

    @Setup
    public void setUp() throws Exception {
        BenchmarkEvents events = BenchmarkEvents.mixed(5, 20_000, "jmh.public.items", "jmh.transaction");
        extractNewRecordState = BenchmarkMain.transform("io.debezium.transforms.ExtractNewRecordState", Map.of());
        toDelta = BenchmarkMain.transform("io.connectdelta.transforms.ToDelta", Map.of("delta.format", "fields"));
        toDeltaCompact = BenchmarkMain.transform("io.connectdelta.transforms.ToDelta",
                Map.of("delta.format", "fields", "metadata.fields", Report.COMPACT_METADATA));
        toDeltaCarried = BenchmarkMain.transform("io.connectdelta.transforms.ToDelta", Report.CARRIED_DELTA_CONFIG);
        toJsonPatch = BenchmarkMain.transform("io.connectdelta.transforms.ToDelta", Map.of("delta.format", "json-patch"));
        toIdOnly = BenchmarkMain.transform("io.connectdelta.transforms.ToIdOnly", Map.of());
        toFull = BenchmarkMain.transform("io.connectdelta.transforms.ToFull",
                Map.of("state.store", "memory", "state.max.entries", "100000"));
        List<SourceRecord> full = new ArrayList<>();
        List<SourceRecord> delta = new ArrayList<>();
        for (SourceRecord record : events.events) {
            SourceRecord asDelta = toDelta.apply(record);
            // Every row's state is in ToFull's store before the measurement.
            toFull.apply(asDelta);
            org.apache.kafka.connect.data.Struct value = (org.apache.kafka.connect.data.Struct) record.value();
            // Rows still alive at the end: a later delete would have evicted ToFull's state of the key.
            boolean alive = "u".equals(value.getString("op"))
                    && events.finalRows.containsKey(value.getStruct("after").getInt64("id"));
            if (alive && full.size() < RECORDS) {
                full.add(record);
                delta.add(asDelta);
            }
        }
        fullUpdates = full.toArray(new SourceRecord[0]);
        deltaUpdates = delta.toArray(new SourceRecord[0]);
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void extractNewRecordState(Blackhole blackhole) {
        for (SourceRecord record : fullUpdates) {
            blackhole.consume(extractNewRecordState.apply(record));
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void toDeltaFields(Blackhole blackhole) {
        for (SourceRecord record : fullUpdates) {
            blackhole.consume(toDelta.apply(record));
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void toDeltaFieldsCompactMetadata(Blackhole blackhole) {
        for (SourceRecord record : fullUpdates) {
            blackhole.consume(toDeltaCompact.apply(record));
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void toDeltaFieldsCarried(Blackhole blackhole) {
        for (SourceRecord record : fullUpdates) {
            blackhole.consume(toDeltaCarried.apply(record));
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void toDeltaJsonPatch(Blackhole blackhole) {
        for (SourceRecord record : fullUpdates) {
            blackhole.consume(toJsonPatch.apply(record));
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void toIdOnly(Blackhole blackhole) {
        for (SourceRecord record : fullUpdates) {
            blackhole.consume(toIdOnly.apply(record));
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void toFullFromDelta(Blackhole blackhole) {
        for (SourceRecord record : deltaUpdates) {
            blackhole.consume(toFull.apply(record));
        }
    }

    /** Runs the benchmarks in a forked JVM and returns records per second by display name. */
    static Map<String, Double> run() throws Exception {
        OptionsBuilder builder = new OptionsBuilder();
        // -Dbench.jmh.only=<regex of method names>: a few of them while working on a transform.
        builder.include(TransformBenchmarks.class.getName() + "." + System.getProperty("bench.jmh.only", ".*"));
        if (Boolean.getBoolean("bench.jmh.quick")) {
            // A quick look while working on a transform; the report uses the annotated iterations.
            builder.warmupIterations(1).measurementIterations(2);
        }
        Options options = builder.build();
        Collection<RunResult> results = new Runner(options).run();
        Map<String, String> names = new LinkedHashMap<>();
        names.put("extractNewRecordState", "ExtractNewRecordState");
        names.put("toDeltaFields", "ToDelta (fields)");
        names.put("toDeltaFieldsCompactMetadata", "ToDelta (fields, compact metadata)");
        names.put("toDeltaFieldsCarried", Report.TO_DELTA_CARRIED);
        names.put("toDeltaJsonPatch", "ToDelta (json-patch)");
        names.put("toIdOnly", "ToIdOnly");
        names.put("toFullFromDelta", "ToFull (delta to full, memory store)");
        Map<String, Double> scores = new LinkedHashMap<>();
        for (Map.Entry<String, String> name : names.entrySet()) {
            for (RunResult result : results) {
                String label = result.getParams().getBenchmark();
                if (label.endsWith("." + name.getKey())) {
                    scores.put(name.getValue(), result.getPrimaryResult().getScore());
                }
            }
        }
        return scores;
    }
}
