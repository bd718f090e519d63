package io.connectdelta.bench;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.ChangeEventReader;
import io.connectdelta.sink.metrics.SinkTaskMetrics;
import io.connectdelta.sink.progress.SinkProgress;
import org.apache.kafka.connect.sink.SinkRecord;
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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The sink's per-event cost of source-position tracking, without a database: reading the benchmark's decoded full
 * events into the event model, with and without reading each event's source position and checking it against its
 * partition's high-water mark (what {@code source.position.tracking.enabled} adds per event; the position's write
 * with the offsets is once per write). Run with
 * {@code mvn -Pbenchmark -pl connect-transforms,connect-sink verify -Dbench.main=io.connectdelta.bench.SourcePositionBenchmarks}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"-Xmx2g"})
public class SourcePositionBenchmarks {
    private static final int RECORDS = 10_000;

    private List<SinkRecord> records;
    private ChangeEventReader reader;

    @Setup
    public void setUp() {
        records = WriterCpuProbe.decoded(BenchmarkEvents.mixed(42, RECORDS, BenchmarkMain.FULL_TOPIC,
                BenchmarkMain.TX_TOPIC), false);
        reader = new ChangeEventReader();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void readEvent(Blackhole blackhole) {
        for (SinkRecord record : records) {
            blackhole.consume(reader.read(record).op());
        }
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public void readEventAndTrackPosition(Blackhole blackhole) {
        SinkProgress progress = new SinkProgress(true, true, new SinkTaskMetrics());
        for (SinkRecord record : records) {
            ChangeEvent event = reader.read(record);
            blackhole.consume(progress.accept(record, event.logPosition()));
        }
    }

    public static void main(String[] args) throws Exception {
        new Runner(new OptionsBuilder().include(SourcePositionBenchmarks.class.getSimpleName()).build()).run();
        System.exit(0);
    }
}
