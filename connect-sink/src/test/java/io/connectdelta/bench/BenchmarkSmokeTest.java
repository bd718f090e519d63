package io.connectdelta.bench;

import io.connectdelta.testing.ConnectCluster;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's smoke run of its freshness and scaling sections, on one Connect worker: a few seconds of changes
 * through the real Debezium PostgreSQL source and our sink, measured as the benchmark measures them; and a few
 * thousand events through tasks.max 1 and 2 on two partitions. Each section's report is written from the results.
 */
class BenchmarkSmokeTest {
    private static EmbeddedPostgres postgres;
    private static ConnectCluster connect;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(Paths.get(System.getProperty("java.io.tmpdir")));
        postgres = FreshnessBenchmark.startServer();
        connect = ConnectCluster.start(1, Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (connect != null) {
            connect.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void measuresTheLatencyOfEveryPhaseFromSourceCommitToTargetCommitAndSplitsItIntoStages() throws Exception {
        FreshnessBenchmark benchmark = new FreshnessBenchmark(connect.embedded(), postgres, new BenchmarkMain()::sinkConfig);
        FreshnessBenchmark.Variant ours = new FreshnessBenchmark.Variant("a", "a. Delta sink, full events", "a", false, 50);
        // A low rate, then half of what the pipeline sustained in a short burst.
        FreshnessBenchmark.Rates rates = new FreshnessBenchmark.Rates(200, new int[] {50}, Double.NaN, Duration.ofSeconds(1));

        List<FreshnessBenchmark.Result> results = benchmark.run(List.of(ours), rates, Duration.ofSeconds(2), Duration.ZERO);

        assertEquals(List.of(FreshnessBenchmark.BURST, "low", "50% of max"),
                results.stream().map(FreshnessBenchmark.Result::rateName).toList());
        FreshnessBenchmark.Result half = results.get(2);
        assertTrue(half.maximum() > 0, "the burst measured the pipeline's maximum");
        FreshnessBenchmark.BurstCpu cpu = results.get(0).burstCpu();
        for (int part = 0; part < 4; part++) {
            assertTrue(cpu.micros()[part] > 0, "CPU of " + FreshnessBenchmark.BURST_PARTS[part]);
        }
        assertTrue(cpu.coresBusy() > 0 && cpu.coresBusy() <= Runtime.getRuntime().availableProcessors() * 1.1, cpu.toString());
        assertEquals(half.maximum() / 2, half.targetRate(), 1e-6);
        for (FreshnessBenchmark.Result result : results) {
            assertEquals(0, result.rowsDiffering(), "every row the phase changed is in the target as in the source");
            // The rate reached depends on the machine's load: the report gives it next to the target rate.
            assertTrue(result.phase().changes() > 0, result.phase().toString());
            Stamps latency = result.latency();
            // Every inserted row is measured by its last change: about a third of the changes.
            assertTrue(latency.count() >= result.phase().changes() / 5, latency + " of " + result.phase());
            assertTrue(latency.percentile(50) > 0, latency.toString());
            assertTrue(latency.percentile(50) <= latency.percentile(95) && latency.percentile(95) <= latency.percentile(99)
                    && latency.percentile(99) <= latency.max(), latency.toString());
            double stagesMean = 0;
            for (Stamps stage : result.stages()) {
                assertEquals(latency.count(), stage.count(), "every measured change has all its stamps");
                stagesMean += stage.mean();
            }
            // The stages split each latency: their means add up to its mean (Kafka's stamps are whole milliseconds).
            assertEquals(latency.mean(), stagesMean, 2.0);
        }

        FreshnessBenchmark.Section section = new FreshnessBenchmark.Section(Double.NaN, rates, Duration.ofSeconds(2), results);
        String markdown = FreshnessReport.markdown(section);
        assertTrue(markdown.contains("CPU during each burst"), markdown);
        assertTrue(markdown.contains(String.format(java.util.Locale.ROOT, "| a. Delta sink, full events | 50%% of max | %,.0f |",
                half.maximum())), markdown);
        assertTrue(markdown.contains("Goal: p99 ≤ 1000 ms at 50% of max. a. Delta sink, full events: "), markdown);
        assertTrue(markdown.contains("a. Delta sink, full events, 50% of max: the largest stage is "), markdown);
        assertTrue(markdown.contains("a. Delta sink, full events, burst: the largest stage is "), markdown);
        String chart = FreshnessReport.chart(section);
        assertEquals(2 * (results.size() - 1) + 3, chart.split("<rect ").length - 1,
                "a background, two legend keys, p50 and p99 per row but the burst's");
    }

    @Test
    void timesOneAndTwoTasksOnTwoPartitionsAndMeasuresTheCpuOfEachPart() throws Exception {
        String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
        TargetTable target = new TargetTable(url, "postgres", "");
        FreshnessBenchmark.SinkConfigs configs = (id, topic, txTopic, table) -> {
            Map<String, String> config = new BenchmarkMain().sinkConfig(id, topic, txTopic, table);
            config.put("connection.url", url);
            return config;
        };
        BenchmarkEvents workload = BenchmarkEvents.mixed(42, 4000, ScalingBenchmark.TOPIC, "scaling.transaction");

        ScalingBenchmark.Section section = new ScalingBenchmark(connect.embedded(), target, configs).run(workload, 1, false);

        assertEquals(List.of(1, 2), section.runs().stream().map(ScalingBenchmark.Run::tasks).toList());
        for (ScalingBenchmark.Run run : section.runs()) {
            assertEquals(0, run.rowsDiffering(), "tasks.max=" + run.tasks() + ": the target holds the model's rows");
            assertTrue(run.eventsPerSecond() > 0, run.toString());
        }
        // This broker does not wait for more members before a group's first assignment (the benchmark's does): the
        // first of two tasks may apply these few events alone before the group is stable. One task cannot.
        ScalingBenchmark.Run one = section.runsOf(1).get(0);
        assertTrue(one.taskMicros() > 0 && one.writerMicros() > 0 && one.postgresMicros() > 0, one.toString());
        assertTrue(section.decodeMicros() > 0 && section.eventBytes() > 500, section.toString());
        String markdown = ScalingReport.markdown(section);
        assertTrue(markdown.contains("| 1 | ") && markdown.contains("| 2 | "), markdown);
        assertTrue(markdown.contains("What that says about more cores"), markdown);
    }

    @Test
    void reselectSectionCountsTheSourceQueriesOfTheSinkAndOfTheTransform() {
        ReselectBenchmark.Section section = new ReselectBenchmark(postgres).run(1200, 100, 1, 2);
        assertEquals(6, section.results().size());
        for (ReselectBenchmark.Result result : section.results()) {
            assertEquals(2, result.eventsPerSecondPerRun().size(), result.toString());
            assertEquals(0, result.rowsDiffering(), result.toString());
            assertTrue(result.eventsPerSecond() > 0, result.toString());
        }
        // The sink: one query per write, at most one write per put (3 puts of at most 500 events; a put queued
        // behind a write joins the next one) and at least one per batch.size (1000).
        long sinkQueries = section.find(ReselectBenchmark.SINK, 0).queries();
        assertTrue(sinkQueries >= 2 && sinkQueries <= 3, "sink queries: " + sinkQueries);
        // The transform: one per event, cache or not (every key is new).
        assertEquals(1200, section.find(ReselectBenchmark.TRANSFORM_CACHE, 0).queries());
        assertEquals(1200, section.find(ReselectBenchmark.TRANSFORM_NO_CACHE, 0).queries());
        assertEquals(1, section.find(ReselectBenchmark.SINK, 1).queries());
        assertEquals(100, section.find(ReselectBenchmark.TRANSFORM_NO_CACHE, 1).queries());
        String markdown = ReselectBenchmark.markdown(section);
        assertTrue(markdown.startsWith("## 7. Re-select"), markdown);
        assertTrue(markdown.contains("Latency 1 ms: sink / transform"), markdown);
        assertTrue(markdown.contains("| events/s per run | median events/s |"), markdown);
    }
}
