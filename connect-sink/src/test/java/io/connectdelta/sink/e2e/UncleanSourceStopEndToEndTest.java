package io.connectdelta.sink.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.DebeziumPostgres;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.transforms.ToDelta;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.transforms.predicates.TopicNameMatches;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Debezium PostgreSQL connector runs in a Connect worker of its own JVM, which is killed with SIGKILL in
 * the middle of a bank-transfer workload, before it flushed its source offsets, and replaced by a new worker:
 * Debezium streams again from its last flushed position, so the changes since are in Kafka twice, at new offsets.
 * Sinks in plain and in transaction mode, on PostgreSQL and MariaDB, apply them once: the target ends equal to the
 * source, a concurrent reader never sees an account's version go down (nor, in transaction mode, a transfer half
 * applied), and the accounts' {@code entries} arrays, which only JSON Patch appends change, hold each transfer once.
 * <p>
 * The accounts topic carries JSON Patch events (ToDelta, {@code delta.format=json-patch}, under a topic
 * predicate); the transfers topic Debezium's full events. One connector, one replication slot.
 */
class UncleanSourceStopEndToEndTest {
    private static final int TRANSFERS = 200;
    private static final Duration PACE = Duration.ofMillis(30);

    private static BankPipeline pipeline;
    private static KillableWorker sourceWorker;
    /** The source offsets flushed after the snapshot: the position Debezium goes back to after the kill. */
    private static JsonNode flushedOffsets;

    @BeforeAll
    static void start() {
        pipeline = BankPipeline.withoutSource("e2e_unclean", 1, Map.of());
        Bank.addHistoryColumns(pipeline.source);
        // Updates carry the row before them, so that ToDelta's patch of an append is an "add" at /entries/-.
        pipeline.source.execute("ALTER TABLE accounts REPLICA IDENTITY FULL");
        long started = System.nanoTime();
        sourceWorker = KillableWorker.start(pipeline.connect, "e2e-unclean-source-worker");
        sourceWorker.putConnector(pipeline.sourceName(), sourceConfig());
        awaitSourceStreaming();
        // The snapshot's offsets are flushed once: a restart through the REST API stops the task cleanly, which
        // commits them. From here on the worker flushes none (every 10 minutes only).
        pipeline.connect.consume(pipeline.accountsTopic(), Bank.ACCOUNTS, BankPipeline.TIMEOUT);
        assertTrue(sourceWorker.offsets(pipeline.sourceName()).isEmpty(), "no offsets flushed yet");
        ConnectCluster.expectSuccess("restart the source", sourceWorker.send("POST",
                "connectors/" + pipeline.sourceName() + "/restart?includeTasks=true", null));
        long deadline = System.nanoTime() + BankPipeline.TIMEOUT.toNanos();
        while ((flushedOffsets = sourceWorker.offsets(pipeline.sourceName())).isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "the restart flushed the source offsets");
            ConnectCluster.sleep(200);
        }
        awaitSourceStreaming();
        System.out.printf("[e2e] the source worker started, snapshotted and flushed its offsets in %.1f s%n",
                (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    static void stop() {
        if (sourceWorker != null) {
            sourceWorker.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    /** The bank's source connector, the accounts topic in JSON Patch events. */
    private static Map<String, String> sourceConfig() {
        Map<String, String> config = pipeline.sourceConfig(1);
        config.put("transforms", "patch");
        config.put("transforms.patch.type", ToDelta.class.getName());
        config.put("transforms.patch.delta.format", "json-patch");
        config.put("transforms.patch.predicate", "accounts");
        config.put("predicates", "accounts");
        config.put("predicates.accounts.type", TopicNameMatches.class.getName());
        config.put("predicates.accounts.pattern", Pattern.quote(pipeline.accountsTopic()));
        return config;
    }

    private static void awaitSourceStreaming() {
        sourceWorker.awaitTaskRunning(pipeline.sourceName(), BankPipeline.TIMEOUT);
        DebeziumPostgres.awaitStreaming(pipeline.source, pipeline.sourceName(), BankPipeline.TIMEOUT);
    }

    @Test
    void aSourceWorkerKilledMidWorkloadSendsChangesAgainAndTheSinksApplyThemOnce() throws Exception {
        Map<String, TestDatabase> targets = new LinkedHashMap<>();
        targets.put("unclean-plain-pg", BankPipeline.newTarget("postgresql", "e2e_unclean_plain"));
        targets.put("unclean-plain-maria", BankPipeline.newTarget("mariadb", "e2e_unclean_plain"));
        targets.put("unclean-txn-pg", BankPipeline.newTarget("postgresql", "e2e_unclean_txn"));
        targets.put("unclean-txn-maria", BankPipeline.newTarget("mariadb", "e2e_unclean_txn"));
        Map<String, LedgerReader> readers = new LinkedHashMap<>();
        targets.forEach((name, target) -> {
            Bank.addHistoryColumns(target);
            pipeline.startSink(name, name.contains("txn") ? pipeline.transactionalSink(name, target)
                    : pipeline.plainSink(name, target));
            readers.put(name, new LedgerReader(target, true));
        });

        TransferWorkload workload = TransferWorkload.withHistory(pipeline.source, 20261204L);
        CompletableFuture<Void> work = workload.start(TRANSFERS, PACE);
        // Kill once a part of the transfers is in Kafka, while more are coming: all that Debezium sent since its last
        // offset flush (the snapshot) comes again after the restart, behind what the sinks applied or will apply.
        pipeline.connect.consume(pipeline.transfersTopic(), TRANSFERS / 5, BankPipeline.TIMEOUT);
        assertFalse(work.isDone(), "the source worker is killed while transfers stream");
        int transfersAtKill = Bank.snapshot(pipeline.source).transfers().size();
        long killed = System.nanoTime();
        int exit = sourceWorker.kill();
        assertEquals(KillableWorker.KILLED_BY_SIGKILL, exit, "the source worker died by SIGKILL");
        sourceWorker.restart();
        awaitSourceStreaming();
        System.out.printf("[e2e] killed the source worker after %d transfers; its successor streamed %.1f s later%n",
                transfersAtKill, (System.nanoTime() - killed) / 1e9);
        assertEquals(flushedOffsets, sourceWorker.offsets(pipeline.sourceName()),
                "the killed worker flushed no source offsets since the snapshot");
        work.join();
        // One more transfer streamed by the new worker: a sink that applied it has consumed every event before it.
        workload.run(1, Duration.ZERO);
        int marker = TRANSFERS + 1;

        int resent = positionsSentTwice(marker);
        System.out.println("[e2e] unclean stop: " + resent + " transfers sent again by Debezium at new offsets");
        assertTrue(resent > 0, "Debezium sent changes again after the unclean stop");

        Map<Integer, Bank.Account> expected = Bank.accounts(pipeline.source);
        List<Executable> checks = new ArrayList<>();
        targets.forEach((name, target) -> checks.add(() -> {
            LedgerReader reader = readers.get(name);
            AssertionError notCaughtUp = awaitEqualToSource(target, name);
            reader.close();
            System.out.println("[e2e] " + name + ": " + reader + "; " + skippedAndBuffered(name));
            Map<Integer, Bank.Account> accounts = Bank.accounts(target);
            assertAll(name,
                    () -> assertEquals(0, reader.versionsGoneBack(), "an account went back in time: " + reader),
                    () -> assertTrue(!name.contains("txn") || reader.violations() == 0,
                            "a half-applied transfer was seen: " + reader),
                    () -> assertEquals(Map.of(), entriesAppendedTwice(accounts), "an append was applied twice"),
                    () -> assertEquals(List.of(), Bank.writtenTwice(target), "a transfer was written more than once"),
                    () -> {
                        if (notCaughtUp != null) {
                            throw notCaughtUp;
                        }
                    },
                    () -> assertEquals(expected, accounts, "the accounts equal the source's, row by row"),
                    () -> assertTrue(reader.checks() >= 20, "the reader checked many times: " + reader),
                    () -> assertTrue(metric(name, "RecordsSkippedAsResent") > 0,
                            "the sink skipped changes as sent again: " + skippedAndBuffered(name)));
        }));
        assertAll(checks);
        targets.keySet().forEach(pipeline::deleteSink);
    }

    /** Waits until the target caught up with the source's balances, transfers and versions; the failure or null. */
    private static AssertionError awaitEqualToSource(TestDatabase target, String sink) {
        try {
            pipeline.awaitEqualToSource(target, sink, false, UncleanSourceStopEndToEndTest::balancesTransfersAndVersions);
            return null;
        } catch (AssertionError e) {
            return e;
        }
    }

    private static long metric(String sink, String attribute) {
        return ((Number) BankPipeline.metric(sink, 0, attribute)).longValue();
    }

    private static String skippedAndBuffered(String sink) {
        return metric(sink, "RecordsSkippedAsResent") + " records skipped as sent again, "
                + metric(sink, "EventsBuffered") + " events of " + metric(sink, "SourceTransactionsBuffered")
                + " source transactions buffered";
    }

    /** What the sinks must have caught up with: every balance, transfer and account version. */
    private static List<Object> balancesTransfersAndVersions(TestDatabase db) {
        Map<Integer, Long> versions = new TreeMap<>();
        Bank.accounts(db).forEach((id, account) -> versions.put(id, account.version()));
        return List.of(Bank.snapshot(db), versions);
    }

    /** Per account, the transfer ids its entries hold more than once. */
    private static Map<Integer, List<Object>> entriesAppendedTwice(Map<Integer, Bank.Account> accounts) {
        Map<Integer, List<Object>> twice = new TreeMap<>();
        accounts.forEach((id, account) -> {
            Set<Object> seen = new HashSet<>();
            List<Object> again = new ArrayList<>();
            account.entries().forEach(entry -> {
                if (!seen.add(entry)) {
                    again.add(entry);
                }
            });
            if (!again.isEmpty()) {
                twice.put(id, again);
            }
        });
        return twice;
    }

    /**
     * Reads the transfers topic up to the insert of transfer {@code marker} and counts the source positions
     * (Debezium's {@code source.sequence} and {@code source.lsn}) that it holds at two offsets or more.
     */
    private static int positionsSentTwice(int marker) {
        List<ConsumerRecord<byte[], byte[]>> records = pipeline.connect.consumeUntil(pipeline.transfersTopic(),
                read -> !read.isEmpty() && transferId(read.get(read.size() - 1)) == marker, BankPipeline.TIMEOUT);
        Map<String, Integer> offsetsByPosition = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode source = ConnectCluster.json(record.value()).path("payload").path("source");
            if ("false".equals(source.path("snapshot").asText())) {
                offsetsByPosition.merge(source.path("sequence").asText() + "@" + source.path("lsn").asText(), 1,
                        Integer::sum);
            }
        }
        return (int) offsetsByPosition.values().stream().filter(count -> count > 1).count();
    }

    private static int transferId(ConsumerRecord<byte[], byte[]> record) {
        return ConnectCluster.json(record.value()).path("payload").path("after").path("id").asInt();
    }
}
