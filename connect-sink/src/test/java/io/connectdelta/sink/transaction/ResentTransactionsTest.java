package io.connectdelta.sink.transaction;

import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.connectdelta.sink.transaction.DebeziumTransactions.ACCOUNTS;
import static io.connectdelta.sink.transaction.DebeziumTransactions.TRANSFERS;
import static io.connectdelta.sink.transaction.DebeziumTransactions.TX_TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Transaction mode when the source sends transactions again (Debezium after an unclean stop: the same BEGIN, data
 * events and END at new offsets, whole or from the middle of a transaction): nothing is applied twice, no row goes
 * back in time, and nothing fails or stalls.
 */
class ResentTransactionsTest {
    private static final AtomicInteger CONNECTORS = new AtomicInteger();
    private static DatabasePair databases;

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("sink_resent_tx");
    }

    private static Map<String, String> config(TestDatabase db) {
        Map<String, String> config = TaskHarness.baseConfig(db, "resent-tx-" + CONNECTORS.incrementAndGet());
        config.put("topics", ACCOUNTS + "," + TRANSFERS + "," + TX_TOPIC);
        config.put("transaction.aware", "true");
        config.put("transaction.topic", TX_TOPIC);
        config.put("schema.evolution", "basic");
        config.put("collection.name.format", "${topic}_" + config.get("name").replace('-', '_'));
        return config;
    }

    private static Map<Integer, Long> balances(TestDatabase db, String table) {
        String quoted = db.isPostgres() ? "\"" + table + "\"" : "`" + table + "`";
        return TaskHarness.query(db, "SELECT id, balance FROM " + quoted).stream()
                .collect(Collectors.toMap(r -> ((Number) r.get("id")).intValue(), r -> ((Number) r.get("balance")).longValue()));
    }

    /** Transaction {@code xid}: two accounts set to the balances, at LSNs from {@code lsn} on. */
    private static List<SinkRecord> transfer(DebeziumTransactions d, long xid, long lastCommit, long lsn,
                                             long first, long second) {
        List<SinkRecord> records = new ArrayList<>();
        records.add(d.marker("BEGIN", xid + ":" + lsn, null));
        records.add(d.dataAt(ACCOUNTS, 0, 1, first, xid, lastCommit, lsn + 1, 1));
        records.add(d.dataAt(ACCOUNTS, 0, 2, second, xid, lastCommit, lsn + 2, 2));
        records.add(d.marker("END", xid + ":" + (lsn + 3), Map.of("public.accounts", 2L)));
        return records;
    }

    private static List<SinkRecord> resent(DebeziumTransactions d, List<SinkRecord> records) {
        List<SinkRecord> again = new ArrayList<>();
        records.forEach(record -> again.add(d.resent(record)));
        return again;
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void transactionsSentAgainWholeOrFromTheMiddleAreSkipped(String kind) {
        TestDatabase db = databases.of(kind);
        DebeziumTransactions d = new DebeziumTransactions();
        Map<String, String> config = config(db);
        String table = ACCOUNTS.replace('.', '_') + "_" + config.get("name").replace('-', '_');
        List<SinkRecord> first = transfer(d, 10, 0, 100, 50, 150);
        List<SinkRecord> second = transfer(d, 11, 103, 104, 40, 160);
        try (TaskHarness task = new TaskHarness(config, ACCOUNTS, TRANSFERS, TX_TOPIC)) {
            List<SinkRecord> both = new ArrayList<>(first);
            both.addAll(second);
            task.putAndCommit(both);
            assertEquals(Map.of(1, 40L, 2, 160L), balances(db, table));

            task.putAndCommit(resent(d, first));
            assertEquals(Map.of(1, 40L, 2, 160L), balances(db, table), "the first transaction is not applied again");
            // From the middle: Debezium resumes after the last event it had flushed.
            task.putAndCommit(resent(d, second.subList(2, 4)));
            assertEquals(Map.of(1, 40L, 2, 160L), balances(db, table));

            task.putAndCommit(transfer(d, 12, 107, 108, 30, 170));
            assertEquals(Map.of(1, 30L, 2, 170L), balances(db, table), "new transactions still apply");
            assertEquals(5, task.task().metrics().getRecordsSkippedAsResent(), "4 data events and 2 ENDs, less the BEGIN");
        }
        // A restarted task knows the positions from the target.
        try (TaskHarness task = new TaskHarness(config, ACCOUNTS, TRANSFERS, TX_TOPIC)) {
            task.putAndCommit(resent(d, second));
            assertEquals(Map.of(1, 30L, 2, 170L), balances(db, table));
            assertEquals(3, task.task().metrics().getRecordsSkippedAsResent());
        }
    }
}
