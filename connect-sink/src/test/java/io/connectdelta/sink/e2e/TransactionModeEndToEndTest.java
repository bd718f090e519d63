package io.connectdelta.sink.e2e;

import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.RestartablePostgres;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bank transfers from the real Debezium PostgreSQL connector (one worker) to sinks on PostgreSQL and MariaDB,
 * configured through the REST API. Every test adds transfers to the same source; each sink starts from offset 0
 * into its own fresh target, so it applies the whole history.
 */
class TransactionModeEndToEndTest {
    private static final Duration PACE = Duration.ofMillis(8);

    private static BankPipeline pipeline;
    private static TransferWorkload workload;

    @BeforeAll
    static void start() {
        pipeline = BankPipeline.start("e2e_txn", 1, Map.of(), 1);
        workload = new TransferWorkload(pipeline.source, 20261121L);
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private static int sourceTransfers() {
        return Bank.snapshot(pipeline.source).transfers().size();
    }

    private static void awaitTransfers(TestDatabase target, int count) {
        long deadline = System.nanoTime() + BankPipeline.TIMEOUT.toNanos();
        while (Bank.snapshot(target).transfers().size() < count) {
            assertTrue(System.nanoTime() < deadline, target + " did not reach " + count + " transfers");
            ConnectCluster.sleep(100);
        }
    }

    private static void assertEveryTransferWrittenOnce(TestDatabase target, String sink) {
        assertEquals(List.of(), Bank.writtenTwice(target), sink + " applied a transfer more than once");
        assertEquals(Bank.snapshot(pipeline.source).transfers().keySet(), Bank.transferWrites(target).keySet(),
                sink + ": the audit table names every transfer");
    }

    /**
     * A reader checking the ledger in one snapshot never sees a transfer half applied in transaction mode; the same
     * reader against a plain sink applying each event in its own transaction does (the check can fail).
     */
    @Test
    void aConcurrentReaderNeverSeesAHalfAppliedTransfer() throws Exception {
        Map<String, TestDatabase> targets = new LinkedHashMap<>();
        targets.put("bank-txn-pg", BankPipeline.newTarget("postgresql", "e2e_bank_txn"));
        targets.put("bank-txn-maria", BankPipeline.newTarget("mariadb", "e2e_bank_txn"));
        targets.put("bank-plain-pg", BankPipeline.newTarget("postgresql", "e2e_bank_plain"));
        targets.put("bank-plain-maria", BankPipeline.newTarget("mariadb", "e2e_bank_plain"));
        Map<String, LedgerReader> readers = new LinkedHashMap<>();
        targets.forEach((name, target) -> {
            Map<String, String> config;
            if (name.contains("txn")) {
                config = pipeline.transactionalSink(name, target);
            } else {
                config = pipeline.plainSink(name, target);
                config.put("batch.size", "1");
            }
            pipeline.startSink(name, config);
            readers.put(name, new LedgerReader(target));
        });

        int before = sourceTransfers();
        int transfers = 300;
        // EventsBuffered sampled while the transfers stream: a transaction's events wait until it is whole.
        Map<String, Long> mostBuffered = new LinkedHashMap<>();
        CompletableFuture<Void> work = workload.start(transfers, PACE);
        while (!work.isDone()) {
            for (String name : List.of("bank-txn-pg", "bank-txn-maria")) {
                mostBuffered.merge(name, BankPipeline.eventsBuffered(name), Math::max);
            }
            Thread.sleep(1);
        }
        work.join();
        System.out.println("[e2e] most events buffered: " + mostBuffered);
        targets.forEach((name, target) -> pipeline.awaitEqualToSource(target, name, false));
        for (LedgerReader reader : readers.values()) {
            reader.close();
        }

        readers.forEach((name, reader) -> {
            System.out.println("[e2e] " + name + ": " + reader);
            assertTrue(reader.checks() >= 100, name + ": the reader checked many times: " + reader);
            assertTrue(reader.countsSeenBetween(before, before + transfers) >= 10,
                    name + ": the reader checked while transfers arrived: " + reader);
            if (name.contains("txn")) {
                assertEquals(0, reader.violations(), name + " showed a half-applied transfer: " + reader);
            } else {
                assertTrue(reader.violations() > 0, name + ": event-per-transaction sink shows violations: " + reader);
            }
        });
        targets.forEach((name, target) -> assertEveryTransferWrittenOnce(target, name));
        for (String name : List.of("bank-txn-pg", "bank-txn-maria")) {
            assertTrue(mostBuffered.get(name) > 0, name + ": EventsBuffered showed events held while transfers arrived");
            assertTransactionMetrics(name, Bank.snapshot(pipeline.source).transfers().size());
        }
        targets.keySet().forEach(pipeline::deleteSink);
    }

    /**
     * The transaction-mode metrics of a sink that applied {@code transfers} source transactions (each of 3 events:
     * two account updates and the transfer row) and holds nothing now.
     */
    private static void assertTransactionMetrics(String sink, int transfers) {
        assertEquals(transfers, ((Number) BankPipeline.metric(sink, 0, "SourceTransactionsApplied")).longValue(),
                sink + ": one source transaction per transfer");
        assertEquals(3.0, ((Number) BankPipeline.metric(sink, 0, "AverageEventsPerSourceTransaction")).doubleValue(),
                1e-9, sink + ": events per source transaction");
        assertTrue(((Number) BankPipeline.metric(sink, 0, "AverageSourceTransactionCommitLatencyMs")).doubleValue() > 0,
                sink + ": commit latency measured");
        assertEquals(0, ((Number) BankPipeline.metric(sink, 0, "EventsBuffered")).longValue(),
                sink + ": nothing held once the target equals the source");
        assertEquals(0, ((Number) BankPipeline.metric(sink, 0, "SourceTransactionsBuffered")).longValue(),
                sink + ": no source transaction held");
    }

    /** Through the REST API: transaction mode with several tasks is refused, on validate and on create. */
    @Test
    void transactionModeRefusesSeveralTasks() {
        Map<String, String> config = pipeline.transactionalSink("txn-three-tasks",
                BankPipeline.newTarget("postgresql", "e2e_validate"));
        config.put("tasks.max", "3");
        Map<String, List<String>> errors = ConnectCluster.validationErrors(pipeline.connect.validate(config));
        assertEquals(List.of("transaction.aware"), List.copyOf(errors.keySet()), errors.toString());
        assertTrue(errors.get("transaction.aware").get(0).contains("tasks.max=1"), errors.toString());
        ConnectCluster.Response create = pipeline.connect.put("/connectors/txn-three-tasks/config", config);
        assertEquals(400, create.status(), "creating it is refused: " + create.body());
        config.put("tasks.max", "1");
        assertEquals(Map.of(), ConnectCluster.validationErrors(pipeline.connect.validate(config)));
    }

    /**
     * Tasks restarted through the REST API and database sessions killed at random points while transfers stream:
     * a concurrent reader never sees a transfer half applied, the target ends equal to the source and every transfer
     * was written exactly once.
     */
    @Test
    void restartsAndKilledSessionsApplyEveryTransferExactlyOnce() throws Exception {
        Map<String, TestDatabase> targets = new LinkedHashMap<>();
        targets.put("crash-txn-pg", BankPipeline.newTarget("postgresql", "e2e_crash"));
        targets.put("crash-txn-maria", BankPipeline.newTarget("mariadb", "e2e_crash"));
        Map<String, LedgerReader> readers = new LinkedHashMap<>();
        targets.forEach((name, target) -> {
            Map<String, String> config = pipeline.transactionalSink(name, target);
            // Small polls: a source transaction (3 events, BEGIN and END on 3 topics) often spans several puts, so
            // restarts often find one half received.
            config.put("consumer.override.max.poll.records", "4");
            pipeline.startSink(name, config);
            readers.put(name, new LedgerReader(target));
        });
        String[] names = targets.keySet().toArray(String[]::new);

        CompletableFuture<Void> work = workload.start(300, Duration.ofMillis(20));
        Random random = new Random(7);
        int restarts = 0;
        int killedSessions = 0;
        int restartsWithEventsHeld = 0;
        List<String> failures = new ArrayList<>();
        for (int round = 0; !work.isDone(); round++) {
            ConnectCluster.sleep(200 + random.nextInt(600));
            String name = names[random.nextInt(names.length)];
            if (round % 2 == 0) {
                if (BankPipeline.eventsBuffered(name) > 0) {
                    restartsWithEventsHeld++;
                }
                pipeline.restart(name, false);
                restarts++;
            } else {
                killedSessions += Bank.killSessions(targets.get(name), List.of(readers.get(name).sessionId()));
            }
            failures.addAll(pipeline.restartFailedTasks(names));
        }
        work.join();
        System.out.println("[e2e] crash test: " + restarts + " REST restarts (" + restartsWithEventsHeld
                + " while the task held events of incomplete transactions), " + killedSessions
                + " sessions killed, failed tasks restarted: " + failures);
        assertTrue(restarts >= 3 && killedSessions >= 3, "the faults happened: " + restarts + " restarts, "
                + killedSessions + " sessions killed");

        targets.forEach((name, target) -> pipeline.awaitEqualToSource(target, name, true));
        for (LedgerReader reader : readers.values()) {
            reader.close();
        }
        readers.forEach((name, reader) -> {
            System.out.println("[e2e] " + name + ": " + reader);
            assertEquals(0, reader.violations(), name + ": a restart left a transfer half applied: " + reader);
        });
        targets.forEach((name, target) -> assertEveryTransferWrittenOnce(target, name));
        targets.keySet().forEach(pipeline::deleteSink);
    }

    /**
     * The sinks' consumer offsets reset to 0 through the REST API (stop, delete offsets, resume): nothing is applied
     * again, in plain and in transaction mode. A sink without exactly-once shows the check can fail.
     */
    @Test
    void resettingTheConsumerOffsetsAppliesNothingAgain() throws Exception {
        workload.run(30, Duration.ZERO);
        Map<String, TestDatabase> targets = new LinkedHashMap<>();
        targets.put("replay-txn-pg", BankPipeline.newTarget("postgresql", "e2e_replay"));
        targets.put("replay-txn-maria", BankPipeline.newTarget("mariadb", "e2e_replay"));
        targets.put("replay-plain-pg", BankPipeline.newTarget("postgresql", "e2e_replay"));
        targets.put("replay-plain-maria", BankPipeline.newTarget("mariadb", "e2e_replay"));
        String control = "replay-at-least-once-maria";
        targets.put(control, BankPipeline.newTarget("mariadb", "e2e_replay"));
        targets.forEach((name, target) -> {
            Map<String, String> config = name.contains("txn") ? pipeline.transactionalSink(name, target)
                    : pipeline.plainSink(name, target);
            if (name.equals(control)) {
                config.put("exactly.once.enabled", "false");
            }
            pipeline.startSink(name, config);
        });
        targets.forEach((name, target) -> pipeline.awaitEqualToSource(target, name, false));
        Map<String, Map<Integer, Integer>> auditBefore = new LinkedHashMap<>();
        targets.forEach((name, target) -> auditBefore.put(name, Bank.transferWrites(target)));

        for (String name : targets.keySet()) {
            pipeline.resetOffsetsToZero(name);
        }
        // One more transfer (one partition per topic): once it is applied, each sink is past every record before it.
        workload.run(1, Duration.ZERO);
        int marker = Bank.snapshot(pipeline.source).transfers().keySet().stream().max(Integer::compare).orElseThrow();
        targets.forEach((name, target) -> pipeline.awaitEqualToSource(target, name, false));

        targets.forEach((name, target) -> {
            Map<Integer, Integer> expected = new LinkedHashMap<>(auditBefore.get(name));
            expected.put(marker, 1);
            if (name.equals(control)) {
                assertTrue(Bank.auditRows(target) > expected.size(),
                        "without exactly-once the replay writes transfers again (the check can fail)");
            } else {
                assertEquals(expected, Bank.transferWrites(target), name + ": the replay wrote transfers again");
                assertEveryTransferWrittenOnce(target, name);
            }
        });
        targets.keySet().forEach(pipeline::deleteSink);
    }

    /**
     * The target databases restart while transfers stream: a PostgreSQL server of its own (the shared one also runs
     * the Debezium source, whose restart would resend events) and the private MariaDB server, each stopped and
     * started again on the same port and data directory. The sinks retry, no task fails, and they end equal with
     * every transfer written once.
     */
    @Test
    void theSinksRetryThroughTargetRestarts() throws Exception {
        try (RestartablePostgres postgresServer = RestartablePostgres.start()) {
            TestDatabase postgres = BankPipeline.newTarget(postgresServer.database(), "e2e_fault");
            TestDatabase mariadb = BankPipeline.newTarget("mariadb", "e2e_fault");
            pipeline.startSink("fault-txn-pg", pipeline.transactionalSink("fault-txn-pg", postgres));
            pipeline.startSink("fault-txn-maria", pipeline.transactionalSink("fault-txn-maria", mariadb));

            int before = sourceTransfers();
            CompletableFuture<Void> work = workload.start(250, Duration.ofMillis(20));
            // Restart while the sinks write, not while they still open their partitions.
            awaitTransfers(postgres, before + 20);
            awaitTransfers(mariadb, before + 20);
            CompletableFuture<Void> postgresRestart = CompletableFuture.runAsync(
                    () -> postgresServer.restart(Duration.ofSeconds(2)));
            CompletableFuture<Void> mariadbRestart = CompletableFuture.runAsync(() -> {
                if (TestDatabases.canRestartMariaDb()) {
                    TestDatabases.restartMariaDb(Duration.ofSeconds(2));
                } else {
                    // A MariaDB this JVM did not start (container, named server): its sessions end instead.
                    for (int i = 0; i < 5; i++) {
                        Bank.killSessions(mariadb, List.of());
                        ConnectCluster.sleep(400);
                    }
                }
            });
            postgresRestart.join();
            mariadbRestart.join();
            assertFalse(work.isDone(), "the databases restarted while transfers streamed");
            work.join();

            pipeline.awaitEqualToSource(postgres, "fault-txn-pg", false);
            pipeline.awaitEqualToSource(mariadb, "fault-txn-maria", false);
            for (String sink : List.of("fault-txn-pg", "fault-txn-maria")) {
                assertTrue(((Number) BankPipeline.metric(sink, 0, "Retries")).longValue() > 0, sink + " retried");
            }
            assertEveryTransferWrittenOnce(postgres, "fault-txn-pg");
            assertEveryTransferWrittenOnce(mariadb, "fault-txn-maria");
            pipeline.deleteSink("fault-txn-pg");
            pipeline.deleteSink("fault-txn-maria");
        }
    }
}
