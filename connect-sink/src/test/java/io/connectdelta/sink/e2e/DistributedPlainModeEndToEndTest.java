package io.connectdelta.sink.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A Connect cluster of 3 workers runs plain-mode sinks with 3 tasks over 6-partition topics; a worker is stopped
 * mid-run and its tasks move to the others. Nothing is lost and nothing is applied twice.
 */
class DistributedPlainModeEndToEndTest {
    private static final int TASKS = 3;
    private static BankPipeline pipeline;

    @BeforeAll
    static void start() {
        // Reassign a departed worker's tasks after 2 s instead of the default 5 minutes.
        pipeline = BankPipeline.start("e2e_dist", 3, Map.of("scheduled.rebalance.max.delay.ms", "2000"), 6);
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void aStoppedWorkerLosesNothingAndAppliesNothingTwice() throws Exception {
        Map<String, TestDatabase> targets = new LinkedHashMap<>();
        targets.put("dist-plain-pg", BankPipeline.newTarget("postgresql", "e2e_dist"));
        targets.put("dist-plain-maria", BankPipeline.newTarget("mariadb", "e2e_dist"));
        targets.forEach((name, target) -> {
            Map<String, String> config = pipeline.plainSink(name, target);
            config.put("tasks.max", String.valueOf(TASKS));
            pipeline.startSink(name, config);
        });

        CompletableFuture<Void> work = new TransferWorkload(pipeline.source, 99L).start(300, Duration.ofMillis(15));
        ConnectCluster.sleep(1500);
        WorkerHandle stopped = workerToStop(targets.keySet());
        int port = stopped.url().getPort();
        int tasksOnIt = 0;
        for (String name : targets.keySet()) {
            tasksOnIt += TASKS - pipeline.runningTasksAwayFrom(name, port);
        }
        assertTrue(tasksOnIt > 0, "the stopped worker runs sink tasks");
        assertFalse(work.isDone(), "the worker stops while transfers stream");
        pipeline.connect.embedded().removeWorker(stopped);
        assertEquals(2, pipeline.connect.embedded().workers().size());

        long deadline = System.nanoTime() + BankPipeline.TIMEOUT.toNanos();
        for (String name : targets.keySet()) {
            while (pipeline.runningTasksAwayFrom(name, port) < TASKS) {
                String failed = pipeline.connect.failedTaskTrace(name);
                if (failed != null) {
                    fail("A task of " + name + " failed: " + failed);
                }
                if (System.nanoTime() > deadline) {
                    fail("The tasks of " + name + " did not move off the stopped worker: " + pipeline.connect.status(name));
                }
                ConnectCluster.sleep(200);
            }
        }
        work.join();

        targets.forEach((name, target) -> pipeline.awaitEqualToSource(target, name, false));
        targets.forEach((name, target) -> {
            assertEquals(List.of(), Bank.writtenTwice(target), name + " applied a transfer more than once");
            assertEquals(Bank.snapshot(pipeline.source).transfers().keySet(), Bank.transferWrites(target).keySet());
        });
    }

    /** The worker running the most sink tasks among those not running the source task (whose move could repeat events). */
    private static WorkerHandle workerToStop(Iterable<String> sinks) {
        int sourcePort = pipeline.sourceTaskWorkerPort();
        Map<Integer, Integer> sinkTasksByPort = new LinkedHashMap<>();
        for (String name : sinks) {
            for (JsonNode task : pipeline.connect.status(name).path("tasks")) {
                sinkTasksByPort.merge(BankPipeline.workerPort(task), 1, Integer::sum);
            }
        }
        WorkerHandle best = null;
        int bestCount = 0;
        for (WorkerHandle worker : pipeline.connect.embedded().workers()) {
            int port = worker.url().getPort();
            int count = sinkTasksByPort.getOrDefault(port, 0);
            if (port != sourcePort && count > bestCount) {
                best = worker;
                bestCount = count;
            }
        }
        assertNotNull(best, "a worker without the source task runs sink tasks: " + sinkTasksByPort);
        return best;
    }
}
