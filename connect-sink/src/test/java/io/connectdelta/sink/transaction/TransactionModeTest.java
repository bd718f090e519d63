package io.connectdelta.sink.transaction;

import io.connectdelta.sink.DeltaJdbcSinkConnector;
import io.connectdelta.sink.DeltaJdbcSinkTask;
import io.connectdelta.sink.metrics.SinkTaskMetrics;
import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.connectdelta.sink.transaction.DebeziumTransactions.ACCOUNTS;
import static io.connectdelta.sink.transaction.DebeziumTransactions.TRANSFERS;
import static io.connectdelta.sink.transaction.DebeziumTransactions.TX_TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transaction mode of the real sink task on real PostgreSQL and MariaDB. */
class TransactionModeTest {
    private static final AtomicInteger CONNECTORS = new AtomicInteger();
    private static DatabasePair databases;

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("sink_txmode");
    }

    /** A fresh pair of target tables per test (the names carry a counter), created by schema evolution. */
    private static Map<String, String> config(TestDatabase db, String suffix) {
        Map<String, String> config = TaskHarness.baseConfig(db, "tx-" + CONNECTORS.incrementAndGet());
        config.put("topics", ACCOUNTS + "," + TRANSFERS + "," + TX_TOPIC);
        config.put("transaction.aware", "true");
        config.put("transaction.topic", TX_TOPIC);
        config.put("schema.evolution", "basic");
        config.put("collection.name.format", "${topic}_" + suffix);
        return config;
    }

    private static TaskHarness task(Map<String, String> config) {
        return new TaskHarness(config, ACCOUNTS, TRANSFERS, TX_TOPIC);
    }

    private static Map<Integer, Long> balances(TestDatabase db, String table) {
        try {
            return TaskHarness.query(db, "SELECT id, balance FROM " + quote(db, table)).stream()
                    .collect(Collectors.toMap(r -> ((Number) r.get("id")).intValue(), r -> ((Number) r.get("balance")).longValue()));
        } catch (IllegalStateException e) {
            return Map.of(); // the table is created with its first row
        }
    }

    private static String quote(TestDatabase db, String name) {
        return db.isPostgres() ? "\"" + name + "\"" : "`" + name + "`";
    }

    private static Long committed(Map<TopicPartition, OffsetAndMetadata> offsets, String topic) {
        OffsetAndMetadata offset = offsets.get(new TopicPartition(topic, 0));
        return offset == null ? null : offset.offset();
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void appliesASourceTransactionOnlyWhenAllOfItHasArrived(String kind) throws Exception {
        TestDatabase db = databases.of(kind);
        DebeziumTransactions d = new DebeziumTransactions();
        Map<String, String> config = config(db, "whole");
        String accounts = "db_public_accounts_whole";
        String transfers = "db_public_transfers_whole";
        try (TaskHarness task = task(config)) {
            // A snapshot row without a transaction block goes at once.
            task.putAndCommit(d.data(ACCOUNTS, 0, 1, 1000, null, 0), d.data(ACCOUNTS, 0, 2, 1000, null, 0));
            assertEquals(Map.of(1, 1000L, 2, 1000L), balances(db, accounts));

            // A transfer: two account updates and a log row; END arrives before the log row.
            Map<TopicPartition, OffsetAndMetadata> held = task.putAndCommit(List.of(
                    d.marker("BEGIN", "771:100", null),
                    d.data(ACCOUNTS, 0, 1, 900, "771:101", 1),
                    d.data(ACCOUNTS, 0, 2, 1100, "771:102", 2),
                    d.marker("END", "771:104", Map.of("public.accounts", 2L, "public.transfers", 1L))));
            assertEquals(Map.of(1, 1000L, 2, 1000L), balances(db, accounts), "nothing of the transaction is visible");
            assertEquals(2L, committed(held, ACCOUNTS), "no offset past the held events is committed");
            assertEquals(1L, committed(held, TX_TOPIC), "only past the BEGIN, which holds nothing: END has the counts");

            Map<TopicPartition, OffsetAndMetadata> applied = task.putAndCommit(d.data(TRANSFERS, 0, 7, 100, "771:103", 3));
            assertEquals(Map.of(1, 900L, 2, 1100L), balances(db, accounts));
            assertEquals(Map.of(7, 100L), balances(db, transfers));
            assertEquals(4L, committed(applied, ACCOUNTS));
            assertEquals(1L, committed(applied, TRANSFERS));
            assertEquals(2L, committed(applied, TX_TOPIC));

            SinkTaskMetrics metrics = task.task().metrics();
            assertEquals(1, metrics.getSourceTransactionsApplied());
            assertEquals(3.0, metrics.getAverageEventsPerSourceTransaction());
            assertEquals(0, metrics.getEventsBuffered());
            assertTrue(metrics.getAverageSourceTransactionCommitLatencyMs() > 0);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void endMarkersFarAheadOfTheirDataPauseTheTransactionTopicUntilTheDataCatchesUp(String kind) {
        TestDatabase db = databases.of(kind);
        DebeziumTransactions d = new DebeziumTransactions();
        Map<String, String> config = config(db, "ahead");
        config.put("batch.size", "100");
        int transactions = DeltaJdbcSinkTask.MIN_TRANSACTIONS_AHEAD + 1;
        TopicPartition markers = new TopicPartition(TX_TOPIC, 0);
        try (TaskHarness task = task(config)) {
            List<SinkRecord> ended = new ArrayList<>();
            List<SinkRecord> data = new ArrayList<>();
            for (int i = 0; i < transactions; i++) {
                // Debezium's ids are txId:LSN, the LSN growing with the stream (an END's LSN orders it).
                String tx = (1000 + i) + ":";
                ended.add(d.marker("BEGIN", tx + (10L * i), null));
                ended.add(d.marker("END", tx + (10L * i + 2), Map.of("public.accounts", 1L)));
                data.add(d.data(ACCOUNTS, 0, i, 10L * i, tx + (10L * i + 1), 1));
            }
            task.putAndCommit(ended.subList(0, ended.size() - 2));
            assertEquals(Set.of(), task.paused(), "as many ended transactions as allowed wait for their data");
            task.putAndCommit(ended.subList(ended.size() - 2, ended.size()));
            assertEquals(Set.of(markers), task.paused(), "one more pauses the transaction topic");

            task.putAndCommit(data);
            assertEquals(Set.of(), task.paused(), "the data caught up: the transaction topic is resumed");
            assertEquals(transactions, balances(db, "db_public_accounts_ahead").size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aRestartResumesAHeldTransactionAndAppliesNothingTwice(String kind) {
        TestDatabase db = databases.of(kind);
        DebeziumTransactions d = new DebeziumTransactions();
        Map<String, String> config = config(db, "restart");
        String accounts = "db_public_accounts_restart";
        List<SinkRecord> history = new ArrayList<>(List.of(
                d.marker("BEGIN", "1:1", null),
                d.data(ACCOUNTS, 0, 1, 50, "1:2", 1),
                d.marker("END", "1:3", Map.of("public.accounts", 1L)),
                d.marker("BEGIN", "2:4", null),
                d.data(ACCOUNTS, 0, 1, 60, "2:5", 1)));
        SinkRecord lastOfTwo = d.data(ACCOUNTS, 0, 2, 70, "2:6", 2);
        SinkRecord endOfTwo = d.marker("END", "2:7", Map.of("public.accounts", 2L));
        try (TaskHarness first = task(config)) {
            first.putAndCommit(history);
            assertEquals(Map.of(1, 50L), balances(db, accounts), "transaction 1 applied, 2 held");
        }
        // The task stops with transaction 2 half received; the new one learns from the target where to resume.
        try (TaskHarness second = task(config)) {
            Map<TopicPartition, Long> resume = second.requestedOffsets();
            assertEquals(1L, resume.get(new TopicPartition(ACCOUNTS, 0)));
            assertEquals(3L, resume.get(new TopicPartition(TX_TOPIC, 0)),
                    "after transaction 1's BEGIN and END, and transaction 2's BEGIN (END has the counts)");
            // The worker replays from the start anyway (say its offsets were lost): applied records are skipped.
            List<SinkRecord> replay = new ArrayList<>(history);
            replay.add(lastOfTwo);
            replay.add(endOfTwo);
            second.putAndCommit(replay);
            assertEquals(Map.of(1, 60L, 2, 70L), balances(db, accounts));
            assertEquals(1, second.task().metrics().getSourceTransactionsApplied(), "only transaction 2 was applied");
            assertEquals(4, second.task().metrics().getRecordsSkippedAsAlreadyApplied());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aBadEventGoesToTheDeadLetterQueueAndTheRestOfItsTransactionIsApplied(String kind) {
        TestDatabase db = databases.of(kind);
        DebeziumTransactions d = new DebeziumTransactions();
        Map<String, String> config = config(db, "dlq");
        config.put("errors.tolerance", "all");
        SinkRecord good = d.data(ACCOUNTS, 0, 1, 10, "9:2", 1);
        SinkRecord bad = new SinkRecord(ACCOUNTS, 0, DebeziumTransactions.KEY, null, DebeziumTransactions.ENVELOPE,
                ((org.apache.kafka.connect.data.Struct) d.data(ACCOUNTS, 0, 2, 20, "9:3", 2).value()).put("op", "x"), 2);
        try (TaskHarness task = task(config)) {
            task.putAndCommit(d.marker("BEGIN", "9:1", null), good, bad,
                    d.marker("END", "9:4", Map.of("public.accounts", 2L)));
            assertEquals(List.of(bad), task.reported());
            assertEquals(Map.of(1, 10L), balances(db, "db_public_accounts_dlq"));
            assertEquals(1, task.task().metrics().getSourceTransactionsApplied());
        }
    }

    @Test
    void pastTheBufferBoundTheTaskFailsClearlyAndCommitsNothingPastIt() {
        TestDatabase db = databases.postgres();
        DebeziumTransactions d = new DebeziumTransactions();
        Map<String, String> config = config(db, "bound");
        config.put("transaction.buffer.max.events", "2");
        try (TaskHarness task = task(config)) {
            ConnectException e = assertThrows(ConnectException.class, () -> task.putAndCommit(
                    d.marker("BEGIN", "5:1", null), d.data(ACCOUNTS, 0, 1, 1, "5:2", 1),
                    d.data(ACCOUNTS, 0, 2, 2, "5:3", 2), d.data(ACCOUNTS, 0, 3, 3, "5:4", 3)));
            assertTrue(e.getMessage().contains("transaction.buffer.max.events=2"), e.getMessage());
            assertTrue(e.getMessage().contains("Nothing was lost"), e.getMessage());
            assertEquals(Map.of(), balances(db, "db_public_accounts_bound"));
        }
    }

    @Test
    void validationExplainsWhyTransactionModeNeedsOneTaskAndTheTransactionTopic() {
        Map<String, String> config = new HashMap<>(config(databases.postgres(), "validate"));
        config.put("tasks.max", "3");
        config.put("topics", ACCOUNTS + "," + TRANSFERS);
        Map<String, ConfigValue> values = new DeltaJdbcSinkConnector().validate(config).configValues().stream()
                .collect(Collectors.toMap(ConfigValue::name, v -> v));
        String aware = String.join(" ", values.get("transaction.aware").errorMessages());
        assertTrue(aware.contains("tasks.max=1") && aware.contains("(it is 3)"), aware);
        String topic = String.join(" ", values.get("transaction.topic").errorMessages());
        assertTrue(topic.contains("must also be consumed"), topic);

        config.put("tasks.max", "1");
        config.put("topics", ACCOUNTS + "," + TX_TOPIC);
        config.put("exactly.once.enabled", "false");
        values = new DeltaJdbcSinkConnector().validate(config).configValues().stream()
                .collect(Collectors.toMap(ConfigValue::name, v -> v));
        assertFalse(values.get("exactly.once.enabled").errorMessages().isEmpty());
        assertTrue(values.get("transaction.aware").errorMessages().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aCooperativeRebalanceKeepsWhatThePartitionsThatStayBroughtAndAppliesEachTransactionOnceWhole(String kind) {
        TestDatabase db = databases.of(kind);
        DebeziumTransactions d = new DebeziumTransactions();
        Map<String, String> config = config(db, "coop");
        String accounts = "db_public_accounts_coop";
        String transfers = "db_public_transfers_coop";
        TopicPartition accounts0 = new TopicPartition(ACCOUNTS, 0);
        try (TaskHarness task = task(config)) {
            task.putAndCommit(d.marker("BEGIN", "1:1", null), d.data(ACCOUNTS, 0, 1, 100, "1:2", 1),
                    d.marker("END", "1:3", Map.of("public.accounts", 1L)));
            // Transaction 2 spans both tables; its second account update is still on its way.
            SinkRecord first = d.data(ACCOUNTS, 0, 1, 90, "2:5", 1);
            SinkRecord second = d.data(ACCOUNTS, 0, 2, 10, "2:6", 2);
            task.putAndCommit(d.marker("BEGIN", "2:4", null), first, d.data(TRANSFERS, 0, 7, 10, "2:7", 3),
                    d.marker("END", "2:8", Map.of("public.accounts", 2L, "public.transfers", 1L)));

            // The accounts partition is revoked; the transfers and transaction topics stay with the task.
            Map<TopicPartition, OffsetAndMetadata> committed = task.revoke(List.of(accounts0));
            assertEquals(1L, committed(committed, ACCOUNTS), "no offset past the held update");
            assertEquals(Map.of(1, 100L), balances(db, accounts), "nothing of transaction 2 is visible");
            assertEquals(Map.of(), balances(db, transfers));

            // Assigned again, it is read from the offset the target recorded: the held update comes again.
            task.assign(List.of(accounts0));
            assertEquals(1L, task.requestedOffsets().get(accounts0));
            Map<TopicPartition, OffsetAndMetadata> applied = task.putAndCommit(first, second);
            assertEquals(Map.of(1, 90L, 2, 10L), balances(db, accounts), "the transfer row and END were kept");
            assertEquals(Map.of(7, 10L), balances(db, transfers));
            assertEquals(3L, committed(applied, ACCOUNTS));
            assertEquals(1L, committed(applied, TRANSFERS));
            assertEquals(4L, committed(applied, TX_TOPIC));
            SinkTaskMetrics metrics = task.task().metrics();
            assertEquals(2, metrics.getSourceTransactionsApplied());
            assertEquals(4, metrics.getRecordsApplied(), "every event applied once");
            assertEquals(0, metrics.getEventsBuffered());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aTransactionTopicWithTwoPartitionsAppliesTransactionsWhateverTheOrderOfTheirEndMarkers(String kind) {
        TestDatabase db = databases.of(kind);
        DebeziumTransactions d = new DebeziumTransactions();
        Map<String, String> config = config(db, "twotx");
        List<TopicPartition> partitions = List.of(new TopicPartition(ACCOUNTS, 0), new TopicPartition(TRANSFERS, 0),
                new TopicPartition(TX_TOPIC, 0), new TopicPartition(TX_TOPIC, 1));
        try (TaskHarness task = new TaskHarness(config, partitions)) {
            // Committed in the order 50, 51, 52; 50 ends on partition 1, whose records come last.
            SinkRecord begin50 = d.marker("BEGIN", "50:1", null, 1);
            SinkRecord end50 = d.marker("END", "50:3", Map.of("public.accounts", 1L), 1);
            task.putAndCommit(d.marker("BEGIN", "51:4", null, 0),
                    d.marker("END", "51:6", Map.of("public.accounts", 1L), 0),
                    d.marker("BEGIN", "52:7", null, 0),
                    d.marker("END", "52:9", Map.of("public.transfers", 1L), 0),
                    d.data(TRANSFERS, 0, 9, 5, "52:8", 1),
                    d.data(ACCOUNTS, 0, 1, 100, "50:2", 1),
                    d.data(ACCOUNTS, 0, 1, 200, "51:5", 1));
            assertEquals(Map.of(), balances(db, "db_public_accounts_twotx"), "50 has not ended yet");

            Map<TopicPartition, OffsetAndMetadata> applied = task.putAndCommit(begin50, end50);
            assertEquals(Map.of(1, 200L), balances(db, "db_public_accounts_twotx"), "51 after 50");
            assertEquals(Map.of(9, 5L), balances(db, "db_public_transfers_twotx"));
            assertEquals(4L, applied.get(new TopicPartition(TX_TOPIC, 0)).offset());
            assertEquals(2L, applied.get(new TopicPartition(TX_TOPIC, 1)).offset());
            assertEquals(3, task.task().metrics().getSourceTransactionsApplied());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void aTransactionResentWithAnEventTwiceIsAppliedOnceWithoutFailing(String kind) {
        TestDatabase db = databases.of(kind);
        DebeziumTransactions d = new DebeziumTransactions();
        Map<String, String> config = config(db, "resent");
        try (TaskHarness task = task(config)) {
            // The source stopped uncleanly after two events and sends the transaction again, whole.
            Map<TopicPartition, OffsetAndMetadata> applied = task.putAndCommit(d.marker("BEGIN", "3:1", null),
                    d.data(ACCOUNTS, 0, 1, 10, "3:2", 1), d.data(ACCOUNTS, 0, 2, 20, "3:3", 2),
                    d.marker("BEGIN", "3:1", null),
                    d.data(ACCOUNTS, 0, 1, 10, "3:2", 1), d.data(ACCOUNTS, 0, 2, 20, "3:3", 2),
                    d.data(ACCOUNTS, 0, 3, 30, "3:4", 3),
                    d.marker("END", "3:5", Map.of("public.accounts", 3L)));
            assertEquals(Map.of(1, 10L, 2, 20L, 3, 30L), balances(db, "db_public_accounts_resent"));
            assertEquals(5L, committed(applied, ACCOUNTS), "the copies are consumed");
            assertEquals(3L, committed(applied, TX_TOPIC));
            assertEquals(3, task.task().metrics().getRecordsApplied(), "each event applied once");
            assertEquals(1, task.task().metrics().getSourceTransactionsApplied());
        }
    }

    /** Transaction 7 lost one of its two events before the sink; transaction 8 is whole behind it. */
    private static List<SinkRecord> stalledBehindAnIncompleteTransaction(DebeziumTransactions d) {
        return List.of(d.marker("BEGIN", "7:1", null), d.data(ACCOUNTS, 0, 1, 70, "7:2", 1),
                d.marker("END", "7:4", Map.of("public.accounts", 2L)),
                d.marker("BEGIN", "8:5", null), d.data(ACCOUNTS, 0, 1, 80, "8:6", 1),
                d.marker("END", "8:7", Map.of("public.accounts", 1L)));
    }

    @Test
    void anIncompleteTransactionFailsTheTaskNamingItAndAppliesNothingOfIt() throws Exception {
        TestDatabase db = databases.postgres();
        DebeziumTransactions d = new DebeziumTransactions();
        Map<String, String> config = config(db, "stallfail");
        config.put("transaction.incomplete.timeout.ms", "100");
        try (TaskHarness task = task(config)) {
            task.putAndCommit(d.data(ACCOUNTS, 0, 1, 1, null, 0));
            task.putAndCommit(stalledBehindAnIncompleteTransaction(d));
            Thread.sleep(150);
            ConnectException e = assertThrows(ConnectException.class, () -> task.putAndCommit(List.of()));
            assertTrue(e.getMessage().contains("Source transaction 7 is incomplete"), e.getMessage());
            assertTrue(e.getMessage().contains("announced 2"), e.getMessage());
            assertEquals(Map.of(1, 1L), balances(db, "db_public_accounts_stallfail"), "neither 7 nor 8 applied");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void theApplyPolicyAppliesWhatArrivedOfAnIncompleteTransactionAndGoesOn(String kind) throws Exception {
        TestDatabase db = databases.of(kind);
        DebeziumTransactions d = new DebeziumTransactions();
        Map<String, String> config = config(db, "stallapply");
        config.put("transaction.incomplete.timeout.ms", "100");
        config.put("transaction.incomplete.policy", "apply");
        try (TaskHarness task = task(config)) {
            task.putAndCommit(stalledBehindAnIncompleteTransaction(d));
            assertEquals(Map.of(), balances(db, "db_public_accounts_stallapply"), "within the timeout, both wait");
            Thread.sleep(150);
            Map<TopicPartition, OffsetAndMetadata> applied = task.putAndCommit(List.of());
            assertEquals(Map.of(1, 80L), balances(db, "db_public_accounts_stallapply"), "7 as it arrived, then 8");
            assertEquals(2L, committed(applied, ACCOUNTS));
            assertEquals(4L, committed(applied, TX_TOPIC));
            SinkTaskMetrics metrics = task.task().metrics();
            assertEquals(1, metrics.getIncompleteSourceTransactionsApplied());
            assertEquals(2, metrics.getSourceTransactionsApplied());
        }
    }
}
