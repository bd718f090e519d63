package io.connectdelta.bench;

import io.connectdelta.testing.ConnectCluster;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark's smoke run of its freshness section: a few seconds of changes at a low rate through the real
 * Debezium PostgreSQL source and our sink, measured as the benchmark measures them.
 */
class FreshnessBenchmarkTest {

    @Test
    void measuresTheLatencyOfEveryPhaseFromSourceCommitToTargetCommitAndSplitsItIntoStages() throws Exception {
        Files.createDirectories(Paths.get(System.getProperty("java.io.tmpdir")));
        try (EmbeddedPostgres postgres = FreshnessBenchmark.startServer();
             ConnectCluster connect = ConnectCluster.start(1, Map.of())) {
            FreshnessBenchmark benchmark = new FreshnessBenchmark(connect.embedded(), postgres, new BenchmarkMain()::sinkConfig);
            FreshnessBenchmark.Variant ours = new FreshnessBenchmark.Variant("a", "Delta sink, full events", "a", false, 50);

            List<FreshnessBenchmark.Result> results = benchmark.run(List.of(ours), Map.of("low", 200.0),
                    Duration.ofSeconds(3), Duration.ZERO);

            assertEquals(1, results.size());
            FreshnessBenchmark.Result result = results.get(0);
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
    }
}
