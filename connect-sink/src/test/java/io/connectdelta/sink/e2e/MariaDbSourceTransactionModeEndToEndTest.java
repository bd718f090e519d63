package io.connectdelta.sink.e2e;

import io.connectdelta.testing.TestDatabase;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bank transfers from the real Debezium MariaDB connector (3.5.0.Final from a plugin folder of its own, binlog in
 * ROW format with GTIDs, transaction metadata) through our sink in transaction mode to PostgreSQL and MariaDB, in
 * one Connect worker. Each transfer is one MariaDB transaction over two tables, so its events reach the sink on
 * three topics (accounts, transfers and the transaction topic). Concurrent readers of the targets never see a
 * transfer half applied or an account gone back to an older version, and the targets end equal to the source.
 * That the transactions' events really reached the sink interleaved is measured, not assumed: its task held the
 * data events of several source transactions at once.
 */
class MariaDbSourceTransactionModeEndToEndTest {
    private static final int TRANSFERS = 300;
    private static final Duration PACE = Duration.ofMillis(15);
    private static final List<String> TRANSACTIONAL = List.of("maria-txn-pg", "maria-txn-maria");
    /** A sink applying each event in a transaction of its own: shows that the reader's check can fail. */
    private static final String CONTROL = "maria-plain-maria";

    private static BankPipeline pipeline;

    @BeforeAll
    static void start() {
        pipeline = BankPipeline.withoutSource(BankSource.mariadb("e2e_maria_txn"), "e2e_maria_txn", 1, Map.of());
        Bank.addHistoryColumns(pipeline.source);
        pipeline.startSource(1);
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void aConcurrentReaderNeverSeesATornTransferWhileTransactionsInterleave() throws Exception {
        Map<String, TestDatabase> targets = new LinkedHashMap<>();
        targets.put("maria-txn-pg", BankPipeline.newTarget("postgresql", "e2e_maria_txn"));
        targets.put("maria-txn-maria", BankPipeline.newTarget("mariadb", "e2e_maria_txn"));
        targets.put(CONTROL, BankPipeline.newTarget("mariadb", "e2e_maria_plain"));
        Map<String, LedgerReader> readers = new LinkedHashMap<>();
        targets.forEach((name, target) -> {
            Bank.addHistoryColumns(target, pipeline.source);
            readers.put(name, new LedgerReader(target, true));
        });

        // The transfers start before the sinks, which begin behind a backlog on all three topics and take it a few
        // records per poll: one topic's events of many transactions arrive before another's.
        CompletableFuture<Void> work = TransferWorkload.withHistory(pipeline.source, 20261205L).start(TRANSFERS, PACE);
        pipeline.connect.consume(pipeline.transfersTopic(), TRANSFERS / 4, BankPipeline.TIMEOUT);
        targets.forEach((name, target) -> {
            Map<String, String> config;
            if (name.equals(CONTROL)) {
                config = pipeline.plainSink(name, target);
                config.put("batch.size", "1");
            } else {
                config = pipeline.transactionalSink(name, target);
                config.put("consumer.override.max.poll.records", "20");
            }
            pipeline.startSink(name, config);
        });
        Map<String, long[]> mostHeld = new LinkedHashMap<>();
        TRANSACTIONAL.forEach(name -> mostHeld.put(name, new long[2]));
        while (!work.isDone()) {
            mostHeld.forEach((name, most) -> {
                most[0] = Math.max(most[0], BankPipeline.transactionsBuffered(name));
                most[1] = Math.max(most[1], BankPipeline.eventsBuffered(name));
            });
            Thread.sleep(1);
        }
        work.join();
        targets.forEach((name, target) -> pipeline.awaitEqualToSource(target, name, false,
                MariaDbSourceTransactionModeEndToEndTest::transfersAndAccounts));
        for (LedgerReader reader : readers.values()) {
            reader.close();
        }

        mostHeld.forEach((name, most) -> System.out.println("[e2e] " + name + " held at most " + most[0]
                + " source transactions and " + most[1] + " data events at once"));
        readers.forEach((name, reader) -> {
            System.out.println("[e2e] " + name + ": " + reader);
            assertTrue(reader.checks() >= 20, name + ": the reader checked many times: " + reader);
            assertTrue(reader.countsSeenBetween(0, TRANSFERS) >= 10,
                    name + ": the reader checked while transfers arrived: " + reader);
            assertEquals(0, reader.versionsGoneBack(), name + ": an account went back in time: " + reader);
            if (name.equals(CONTROL)) {
                assertTrue(reader.violations() > 0, name + ": event-per-transaction sink shows violations: " + reader);
            } else {
                assertEquals(0, reader.violations(), name + " showed a half-applied transfer: " + reader);
            }
        });
        for (String name : TRANSACTIONAL) {
            // Each transfer has 3 data events: more than 3 held at once belong to two transactions or more.
            assertTrue(mostHeld.get(name)[0] >= 2 && mostHeld.get(name)[1] > 3, name + ": the events of several "
                    + "source transactions arrived interleaved and were held at once: " + mostHeld.get(name)[0]
                    + " transactions, " + mostHeld.get(name)[1] + " events");
            assertEquals(TRANSFERS, ((Number) BankPipeline.metric(name, 0, "SourceTransactionsApplied")).longValue(),
                    name + ": one source transaction (one GTID) per transfer");
            assertEquals(3.0, ((Number) BankPipeline.metric(name, 0, "AverageEventsPerSourceTransaction"))
                    .doubleValue(), 1e-9, name + ": events per source transaction");
            assertEquals(0, BankPipeline.eventsBuffered(name), name + ": nothing held once the target is equal");
        }
        targets.forEach((name, target) -> {
            assertEquals(List.of(), Bank.writtenTwice(target), name + " applied a transfer more than once");
            assertFalse(Bank.transferWrites(target).isEmpty(), name + ": the audit table saw the transfers");
        });
        targets.keySet().forEach(pipeline::deleteSink);
    }

    /** What a target must end with: the source's transfers, balances, versions and entries. */
    private static List<Object> transfersAndAccounts(TestDatabase db) {
        return List.of(Bank.snapshot(db), Bank.accounts(db));
    }
}
