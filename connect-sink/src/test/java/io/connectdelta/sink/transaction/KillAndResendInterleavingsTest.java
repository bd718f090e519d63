package io.connectdelta.sink.transaction;

import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static io.connectdelta.sink.transaction.DebeziumTransactions.ACCOUNTS;
import static io.connectdelta.sink.transaction.DebeziumTransactions.TRANSFERS;
import static io.connectdelta.sink.transaction.DebeziumTransactions.TX_TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a source worker killed with SIGKILL leaves behind, in every shape a seed draws: Debezium had emitted
 * transactions 1..k; its producer had delivered a different prefix of each partition (accounts, transfers, the
 * transaction topic), cut anywhere, even inside a transaction; its successor streams again from the last transaction
 * whose records were all delivered and flushed as source offsets (from transaction 1 when none were) and goes on. The sink's consumer fetches the partitions in a random interleaving and hands them to put() in random
 * batches. After every commit the target holds exactly the state after some source transaction j, j never goes
 * down (no torn transaction, no step back), and at the end it holds the last state, with nothing held.
 */
class KillAndResendInterleavingsTest {
    private static final int ACCOUNT_COUNT = 4;
    private static final AtomicInteger CONNECTORS = new AtomicInteger();
    private static DatabasePair databases;

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("sink_kill_resend");
    }

    static Stream<Arguments> seeds() {
        List<Arguments> arguments = new ArrayList<>();
        // More with -Dkill.resend.seeds=N.
        long seeds = Long.getLong("kill.resend.seeds", 12);
        for (long seed = 1; seed <= seeds; seed++) {
            arguments.add(Arguments.of(seed % 3 == 0 ? "mariadb" : "postgresql", seed));
        }
        return arguments.stream();
    }

    /** One source transaction: two account updates and a transfer row; Debezium's records for it. */
    private record Transfer(int number, int from, int to, long[] balancesAfter, List<SinkRecord> records) {
    }

    @ParameterizedTest(name = "{0}, seed {1}")
    @MethodSource("seeds")
    void everyCutOfAKillAndEveryInterleavingOfTheResendApplyEachTransactionOnceInOrder(String kind, long seed) {
        Random random = new Random(seed);
        TestDatabase db = databases.of(kind);
        DebeziumTransactions d = new DebeziumTransactions();
        String name = "kill-resend-" + CONNECTORS.incrementAndGet();
        Map<String, String> config = TaskHarness.baseConfig(db, name);
        config.put("topics", ACCOUNTS + "," + TRANSFERS + "," + TX_TOPIC);
        config.put("transaction.aware", "true");
        config.put("transaction.topic", TX_TOPIC);
        config.put("schema.evolution", "basic");
        config.put("batch.size", String.valueOf(1 + random.nextInt(20)));
        config.put("collection.name.format", "${topic}_" + name.replace('-', '_'));
        String accountsTable = ACCOUNTS.replace('.', '_') + "_" + name.replace('-', '_');
        String transfersTable = TRANSFERS.replace('.', '_') + "_" + name.replace('-', '_');

        // The source's history: the snapshot's balances (applied first, outside any transaction), then transfers.
        int emittedBeforeKill = 5 + random.nextInt(20);
        int total = emittedBeforeKill + 3 + random.nextInt(10);
        long[] balances = new long[ACCOUNT_COUNT + 1];
        List<long[]> states = new ArrayList<>();
        List<SinkRecord> snapshot = new ArrayList<>();
        for (int id = 1; id <= ACCOUNT_COUNT; id++) {
            balances[id] = 1000;
            snapshot.add(d.data(ACCOUNTS, 0, id, 1000, null, 0));
        }
        states.add(balances.clone());
        List<Transfer> transfers = new ArrayList<>();
        long lsn = 1000;
        long lastCommit = 0;
        for (int n = 1; n <= total; n++) {
            int from = 1 + random.nextInt(ACCOUNT_COUNT);
            int to = 1 + (from + random.nextInt(ACCOUNT_COUNT - 1)) % ACCOUNT_COUNT;
            long amount = 1 + random.nextInt(50);
            balances[from] -= amount;
            balances[to] += amount;
            states.add(balances.clone());
            long xid = 500 + n;
            long begin = lsn;
            transfers.add(new Transfer(n, from, to, balances.clone(), List.of(
                    d.marker("BEGIN", xid + ":" + begin, null),
                    d.dataAt(ACCOUNTS, 0, from, balances[from], xid, lastCommit, begin + 1, 1),
                    d.dataAt(ACCOUNTS, 0, to, balances[to], xid, lastCommit, begin + 2, 2),
                    d.dataAt(TRANSFERS, 0, n, amount, xid, lastCommit, begin + 3, 3),
                    d.marker("END", xid + ":" + (begin + 4), Map.of("public.accounts", 2L, "public.transfers", 1L)))));
            lastCommit = begin + 4;
            lsn = begin + 10;
        }

        // What Kafka holds: per partition, a random prefix of what was emitted before the kill, then everything
        // again from transaction 1 (no source offsets were flushed since the snapshot), at new offsets.
        // Source offsets are flushed only for records Kafka acknowledged: those before the resend's start were all
        // delivered.
        int resendFrom = random.nextBoolean() ? 0 : random.nextInt(emittedBeforeKill);
        Map<String, List<SinkRecord>> emitted = new LinkedHashMap<>();
        Map<String, Integer> flushed = new HashMap<>();
        for (Transfer transfer : transfers.subList(0, emittedBeforeKill)) {
            transfer.records().forEach(r -> emitted.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(r));
            if (transfer.number() == resendFrom) {
                emitted.forEach((topic, records) -> flushed.put(topic, records.size()));
            }
        }
        Map<String, Deque<SinkRecord>> partitions = new LinkedHashMap<>();
        Map<String, Integer> delivered = new TreeMap<>();
        for (String topic : List.of(ACCOUNTS, TRANSFERS, TX_TOPIC)) {
            List<SinkRecord> before = emitted.get(topic);
            int atLeast = flushed.getOrDefault(topic, 0);
            int cut = atLeast + random.nextInt(before.size() - atLeast + 1);
            delivered.put(topic, cut);
            Deque<SinkRecord> queue = new ArrayDeque<>(before.subList(0, cut));
            partitions.put(topic, queue);
        }
        for (Transfer transfer : transfers.subList(resendFrom, total)) {
            for (SinkRecord record : transfer.records()) {
                partitions.get(record.topic()).add(d.resent(record));
            }
        }
        String scenario = "seed " + seed + ": " + emittedBeforeKill + " of " + total + " transfers emitted before the "
                + "kill, records delivered per topic " + delivered + ", sent again from transfer " + (resendFrom + 1);

        try (TaskHarness task = new TaskHarness(config, ACCOUNTS, TRANSFERS, TX_TOPIC)) {
            task.putAndCommit(snapshot);
            int seen = 0;
            while (partitions.values().stream().anyMatch(q -> !q.isEmpty())) {
                // A fetch: some records of one partition, then another's; put() gets one or more fetches.
                List<SinkRecord> batch = new ArrayList<>();
                int fetches = 1 + random.nextInt(3);
                for (int f = 0; f < fetches; f++) {
                    List<Deque<SinkRecord>> nonEmpty = partitions.values().stream().filter(q -> !q.isEmpty()).toList();
                    if (nonEmpty.isEmpty()) {
                        break;
                    }
                    Deque<SinkRecord> queue = nonEmpty.get(random.nextInt(nonEmpty.size()));
                    for (int i = 1 + random.nextInt(6); i > 0 && !queue.isEmpty(); i--) {
                        batch.add(queue.poll());
                    }
                }
                task.putAndCommit(batch);
                int now = stateIndex(db, accountsTable, transfersTable, states, scenario);
                assertTrue(now >= seen, "the target went back from the state after transaction " + seen + " to " + now
                        + "; " + scenario);
                seen = now;
            }
            task.putAndCommit(List.of());
            assertEquals(total, stateIndex(db, accountsTable, transfersTable, states, scenario),
                    "every transaction applied; " + scenario);
            assertEquals(0, task.task().metrics().getEventsBuffered(), "nothing held; " + scenario);
            // Positions are read from data events only: BEGIN and END carry none, so their copies are not counted.
            long copies = List.of(ACCOUNTS, TRANSFERS).stream()
                    .mapToLong(topic -> delivered.get(topic) - flushed.getOrDefault(topic, 0)).sum();
            assertTrue(copies == 0 || task.task().metrics().getRecordsSkippedAsResent() > 0,
                    "records were skipped as sent again; " + scenario);
        }
    }

    /**
     * The j whose state (balances after source transaction j, transfers 1..j) the target holds exactly; fails when
     * it holds none of them (a torn transaction, a transfer applied twice or lost).
     */
    private static int stateIndex(TestDatabase db, String accountsTable, String transfersTable, List<long[]> states,
                                  String scenario) {
        Map<Integer, Long> accounts = rows(db, accountsTable);
        Map<Integer, Long> transferRows = rows(db, transfersTable);
        int count = transferRows.size();
        assertTrue(count < states.size() && transferRows.keySet().equals(
                        LongStream.rangeClosed(1, count).mapToObj(i -> (int) i).collect(Collectors.toSet())),
                "transfers 1.." + count + " in the target: " + transferRows.keySet() + "; " + scenario);
        Map<Integer, Long> expected = new HashMap<>();
        long[] state = states.get(count);
        for (int id = 1; id < state.length; id++) {
            expected.put(id, state[id]);
        }
        assertEquals(expected, accounts, "the balances after transaction " + count + " (as many as the transfer rows); "
                + scenario);
        return count;
    }

    private static boolean tableExists(TestDatabase db, String table) {
        String schema = db.isPostgres() ? "current_schema()" : "DATABASE()";
        return !TaskHarness.query(db, "SELECT 1 FROM information_schema.tables WHERE table_schema = " + schema
                + " AND table_name = '" + table + "'").isEmpty();
    }

    private static Map<Integer, Long> rows(TestDatabase db, String table) {
        if (!tableExists(db, table)) {
            return Map.of();
        }
        String quoted = db.isPostgres() ? "\"" + table + "\"" : "`" + table + "`";
        return TaskHarness.query(db, "SELECT id, balance FROM " + quoted).stream()
                .collect(Collectors.toMap(r -> ((Number) r.get("id")).intValue(), r -> ((Number) r.get("balance")).longValue()));
    }
}
