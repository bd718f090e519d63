package io.connectdelta.sink.transaction;

import io.connectdelta.event.ChangeEventReader;
import io.connectdelta.event.TransactionMarker;
import io.connectdelta.sink.metrics.SinkTaskMetrics;
import io.connectdelta.sink.progress.SinkProgress;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TransactionBufferTest {
    private static final String ACCOUNTS = DebeziumTransactions.ACCOUNTS;
    private static final String TRANSFERS = DebeziumTransactions.TRANSFERS;
    private static final String TX_TOPIC = DebeziumTransactions.TX_TOPIC;
    private static final long INCOMPLETE_TIMEOUT_MS = 60_000;

    /** The partitions assigned to the task in these tests. */
    private static final Set<TopicPartition> ASSIGNED = Set.of(new TopicPartition(ACCOUNTS, 0),
            new TopicPartition(TRANSFERS, 0), new TopicPartition(TX_TOPIC, 0), new TopicPartition(TX_TOPIC, 1));

    private final ChangeEventReader reader = new ChangeEventReader();
    private final DebeziumTransactions records = new DebeziumTransactions();
    /** The task's bookkeeping of what it may commit, fed as the task feeds it after each write. */
    private final SinkProgress progress = new SinkProgress(false, false, new SinkTaskMetrics());
    private final TargetTransactions targetTransactions = new TargetTransactions(500);

    /** The buffer's clock: tests move it on. */
    private final AtomicLong nanos = new AtomicLong();

    private TransactionBuffer buffer(long maxEvents, OverflowPolicy policy) {
        return buffer(maxEvents, policy, IncompletePolicy.FAIL);
    }

    private TransactionBuffer buffer(long maxEvents, OverflowPolicy policy, IncompletePolicy incompletePolicy) {
        Set<String> consumed = Set.of("public.accounts", "public.transfers");
        return new TransactionBuffer(consumed::contains, maxEvents, Long.MAX_VALUE, policy, INCOMPLETE_TIMEOUT_MS,
                incompletePolicy, nanos::get);
    }

    private SinkRecord data(String topic, int partition, int id, String txId, long totalOrder) {
        return records.data(topic, partition, id, 100L, txId, totalOrder);
    }

    private SinkRecord marker(String status, String txId, Map<String, Long> counts) {
        return records.marker(status, txId, counts);
    }

    private void add(TransactionBuffer buffer, SinkRecord record) {
        if (TransactionMarker.isMarker(record)) {
            buffer.addMarker(record, TransactionMarker.read(record));
        } else {
            buffer.add(record, reader.read(record));
        }
    }

    /**
     * Every unit the buffer hands out, written as the task writes them: grouped into target transactions, each
     * recording the offsets of its records as applied.
     */
    private List<ApplyUnit> drainReady(TransactionBuffer buffer) {
        List<ApplyUnit> units = buffer.drainReady();
        for (List<ApplyUnit> group : targetTransactions.group(units, false)) {
            List<SinkRecord> consumed = group.stream().flatMap(unit -> unit.records().stream()).toList();
            progress.applied(progress.progressAfter(consumed, record -> null));
        }
        return units;
    }

    /** The units that apply something or are transactions: without BEGIN markers and other lone no-ops. */
    private List<ApplyUnit> drain(TransactionBuffer buffer) {
        return drainReady(buffer).stream().filter(u -> u.isTransaction() || !u.events().isEmpty())
                .collect(Collectors.toList());
    }

    /** The offsets the task may commit (preCommit): the next offset after what was applied, per partition. */
    private Map<TopicPartition, Long> committable() {
        return progress.committable(ASSIGNED).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().offset()));
    }

    /** The partitions are revoked, as the task's close() forgets them. */
    private void forget(TransactionBuffer buffer, List<TopicPartition> revoked) {
        buffer.forget(revoked);
        progress.closed(revoked);
    }

    private static List<Object> ids(ApplyUnit unit) {
        return unit.events().stream().map(e -> e.after().get("id")).collect(Collectors.toList());
    }

    @Test
    void holdsATransactionUntilEndAndAllItsEventsHaveArrivedAcrossTopics() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "700:10", null));
        add(buffer, data(ACCOUNTS, 0, 1, "700:11", 1));
        // END arrives before the transfer-log row, which is on another topic.
        add(buffer, marker("END", "700:13", Map.of("public.accounts", 2L, "public.transfers", 1L)));
        add(buffer, data(ACCOUNTS, 0, 2, "700:12", 2));
        assertTrue(drain(buffer).isEmpty(), "one event of the transaction is still missing");
        assertEquals(2, buffer.bufferedEvents());
        assertEquals(1, buffer.pendingTransactions());
        add(buffer, data(TRANSFERS, 0, 9, "700:14", 3));

        List<ApplyUnit> units = drain(buffer);
        assertEquals(1, units.size());
        assertEquals("700", units.get(0).xid());
        assertEquals(List.of(1, 2, 9), ids(units.get(0)), "events in the source's total order");
        assertEquals(4, units.get(0).records().size(), "three data events and END (BEGIN went on its own)");
        assertEquals(0, buffer.bufferedEvents());
        assertEquals(Map.of(new TopicPartition(ACCOUNTS, 0), 2L, new TopicPartition(TRANSFERS, 0), 1L,
                new TopicPartition(TX_TOPIC, 0), 2L), committable());
    }

    @Test
    void handsOutTransactionsInEndOrderEvenWhenALaterOneCompletesFirst() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "1:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "1:2", 1));
        add(buffer, marker("END", "1:3", Map.of("public.accounts", 1L, "public.transfers", 1L)));
        add(buffer, marker("BEGIN", "2:4", null));
        add(buffer, data(ACCOUNTS, 0, 2, "2:5", 1));
        add(buffer, marker("END", "2:6", Map.of("public.accounts", 1L)));
        assertTrue(drain(buffer).isEmpty(), "transaction 2 committed after 1, which is incomplete");
        assertEquals(Map.of(new TopicPartition(TX_TOPIC, 0), 1L), committable(),
                "only transaction 1's BEGIN marker was handed out (it applies nothing)");

        add(buffer, data(TRANSFERS, 0, 7, "1:7", 2));
        List<ApplyUnit> units = drain(buffer);
        assertEquals(List.of("1", "2"), units.stream().map(ApplyUnit::xid).collect(Collectors.toList()));
        assertEquals(List.of(1, 7), ids(units.get(0)));
    }

    @Test
    void countsOnlyTheCollectionsThisSinkConsumes() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "5:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "5:2", 1));
        add(buffer, marker("END", "5:3", Map.of("public.accounts", 1L, "public.audit", 4L)));
        List<ApplyUnit> units = drain(buffer);
        assertEquals(1, units.size());
        assertEquals(List.of(1), ids(units.get(0)));
    }

    @Test
    void aTransactionOfOnlyOtherTablesAdvancesTheTransactionTopic() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "6:1", null));
        add(buffer, marker("END", "6:2", Map.of("public.audit", 3L)));
        List<ApplyUnit> units = drain(buffer);
        assertEquals(1, units.size());
        assertTrue(units.get(0).events().isEmpty());
        assertEquals(Map.of(new TopicPartition(TX_TOPIC, 0), 2L), committable());
    }

    @Test
    void loneEventsGoAtOnceUnlessAnIncompleteTransactionIsAheadInTheirPartition() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, data(TRANSFERS, 0, 50, null, 0));
        List<ApplyUnit> first = drain(buffer);
        assertEquals(1, first.size());
        assertFalse(first.get(0).isTransaction());

        add(buffer, marker("BEGIN", "8:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "8:2", 1));
        add(buffer, data(ACCOUNTS, 0, 51, null, 0));
        add(buffer, data(TRANSFERS, 0, 52, null, 0));
        List<ApplyUnit> units = drain(buffer);
        assertEquals(List.of(List.of(52)), units.stream().map(TransactionBufferTest::ids).collect(Collectors.toList()),
                "the lone event on the other topic goes; the one behind the open transaction waits");
        assertFalse(committable().containsKey(new TopicPartition(ACCOUNTS, 0)), "no offset of the waiting event");

        add(buffer, marker("END", "8:3", Map.of("public.accounts", 1L)));
        units = drain(buffer);
        assertEquals(List.of(List.of(1), List.of(51)), units.stream().map(TransactionBufferTest::ids).collect(Collectors.toList()));
        assertEquals(2L, committable().get(new TopicPartition(ACCOUNTS, 0)));
    }

    @Test
    void failsClearlyPastTheBoundAndLosesNothing() {
        TransactionBuffer buffer = buffer(2, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "9:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "9:2", 1));
        add(buffer, data(ACCOUNTS, 0, 2, "9:3", 2));
        ConnectException e = assertThrows(ConnectException.class, () -> add(buffer, data(ACCOUNTS, 0, 3, "9:4", 3)));
        assertTrue(e.getMessage().contains("transaction 9 (3 events, END not yet seen)"), e.getMessage());
        assertTrue(e.getMessage().contains("transaction.buffer.max.events=2"), e.getMessage());
        assertFalse(committable().containsKey(new TopicPartition(ACCOUNTS, 0)), "no offset moved");
    }

    @Test
    void splitPolicyAppliesAnOversizedTransactionInPartsAndTheRestAsItComes() {
        TransactionBuffer buffer = buffer(2, OverflowPolicy.SPLIT);
        add(buffer, marker("BEGIN", "10:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "10:2", 1));
        add(buffer, data(ACCOUNTS, 0, 2, "10:3", 2));
        add(buffer, data(ACCOUNTS, 0, 3, "10:4", 3));
        List<ApplyUnit> parts = drain(buffer);
        assertEquals(List.of(List.of(1), List.of(2), List.of(3)),
                parts.stream().filter(u -> !u.events().isEmpty()).map(TransactionBufferTest::ids).collect(Collectors.toList()));
        add(buffer, data(ACCOUNTS, 0, 4, "10:5", 4));
        add(buffer, marker("END", "10:6", Map.of("public.accounts", 4L)));
        List<ApplyUnit> rest = drain(buffer);
        assertEquals(List.of(4), rest.stream().flatMap(u -> ids(u).stream()).collect(Collectors.toList()));
        assertEquals(0, buffer.pendingTransactions());
        assertEquals(2L, committable().get(new TopicPartition(TX_TOPIC, 0)));

        // The next transaction is whole again.
        add(buffer, marker("BEGIN", "11:7", null));
        add(buffer, data(ACCOUNTS, 0, 5, "11:8", 1));
        add(buffer, marker("END", "11:9", Map.of("public.accounts", 1L)));
        List<ApplyUnit> whole = drain(buffer);
        assertEquals(1, whole.size());
        assertEquals("11", whole.get(0).xid());
    }

    @Test
    void rejectsMoreEventsThanEndAnnounced() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "12:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "12:2", 1));
        add(buffer, data(ACCOUNTS, 0, 2, "12:3", 2));
        DataException e = assertThrows(DataException.class,
                () -> add(buffer, marker("END", "12:4", Map.of("public.accounts", 1L))));
        assertTrue(e.getMessage().contains("12"), e.getMessage());
    }

    private static List<String> ops(ApplyUnit unit) {
        return unit.events().stream().map(e -> e.op().code() + (e.key() == null ? "" : e.key().get("id")))
                .collect(Collectors.toList());
    }

    @Test
    void debeziumTombstonesBetweenTheDeletesOfOneTransactionDoNotHoldItUp() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "20:1", null));
        add(buffer, records.delete(ACCOUNTS, 0, 1, "20:2", 1));
        add(buffer, records.tombstone(ACCOUNTS, 0, 1));
        add(buffer, records.delete(ACCOUNTS, 0, 2, "20:3", 2));
        add(buffer, records.tombstone(ACCOUNTS, 0, 2));
        add(buffer, marker("END", "20:4", Map.of("public.accounts", 2L)));
        List<ApplyUnit> units = drain(buffer);
        assertEquals(1, units.size(), "the tombstones travel with their transaction");
        assertEquals(List.of("d1", "d2"), ops(units.get(0)), "the deletes do the deleting");
        assertEquals(6, units.get(0).records().size(), "BEGIN (passed over: it applies nothing), deletes, tombstones and END");
        assertEquals(4L, committable().get(new TopicPartition(ACCOUNTS, 0)));
    }

    @Test
    void aTombstoneNeverUndoesAnInsertOfItsTransactionThatFollowsTheDelete() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        // Debezium puts the tombstone right after its delete, before the re-insert of the same key.
        add(buffer, marker("BEGIN", "21:1", null));
        add(buffer, records.delete(ACCOUNTS, 0, 1, "21:2", 1));
        add(buffer, records.tombstone(ACCOUNTS, 0, 1));
        add(buffer, records.data(ACCOUNTS, 0, 1, 5, "21:3", 2));
        add(buffer, marker("END", "21:4", Map.of("public.accounts", 2L)));
        List<ApplyUnit> units = drain(buffer);
        assertEquals(List.of("d1", "u1"), ops(units.get(0)), "the row stays re-inserted");
        assertEquals(3L, committable().get(new TopicPartition(ACCOUNTS, 0)));
    }

    @Test
    void aTombstoneArrivingAfterItsTransactionWasHandedOutDeletesNothingMore() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "22:1", null));
        add(buffer, records.data(ACCOUNTS, 0, 1, 5, "22:2", 1));
        add(buffer, records.delete(ACCOUNTS, 0, 1, "22:3", 2));
        add(buffer, marker("END", "22:4", Map.of("public.accounts", 2L)));
        // A poll boundary between the delete and its tombstone: the transaction is whole and goes first.
        assertEquals(List.of("u1", "d1"), ops(drain(buffer).get(0)));
        add(buffer, records.tombstone(ACCOUNTS, 0, 1));
        List<ApplyUnit> late = drainReady(buffer);
        assertEquals(1, late.size());
        assertTrue(late.get(0).events().isEmpty(), "it only follows the delete already applied");
        assertEquals(3L, committable().get(new TopicPartition(ACCOUNTS, 0)));
    }

    @Test
    void aTombstoneWithNoDeleteBeforeItIsTheDelete() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, records.tombstone(ACCOUNTS, 0, 1));
        assertEquals(List.of("d1"), ops(drain(buffer).get(0)));
    }

    private static List<String> xids(List<ApplyUnit> units) {
        return units.stream().map(ApplyUnit::xid).collect(Collectors.toList());
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(millis * 1_000_000);
    }

    // Re-sent events (Debezium after an unclean stop)

    @Test
    void aTransactionResentWhileHeldIsAppliedOnceWithAllItsRecordsConsumed() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "30:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "30:2", 1));
        add(buffer, data(ACCOUNTS, 0, 2, "30:3", 2));
        // The source stopped uncleanly and sends the transaction again from its start, at new offsets.
        add(buffer, marker("BEGIN", "30:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "30:2", 1));
        add(buffer, data(ACCOUNTS, 0, 2, "30:3", 2));
        add(buffer, data(ACCOUNTS, 0, 3, "30:4", 3));
        add(buffer, marker("END", "30:5", Map.of("public.accounts", 3L)));
        assertEquals(3, buffer.bufferedEvents(), "the copies are not held as events");

        List<ApplyUnit> units = drain(buffer);
        assertEquals(1, units.size());
        assertEquals(List.of(1, 2, 3), ids(units.get(0)), "each event once, in the source's order");
        assertEquals(8, units.get(0).records().size(), "the two BEGINs (passed over), three events, two copies and END");
        assertEquals(Map.of(new TopicPartition(ACCOUNTS, 0), 5L, new TopicPartition(TX_TOPIC, 0), 3L),
                committable(), "every record consumed, the copies and the second BEGIN included");
        assertEquals(0, buffer.pendingTransactions());
        assertEquals(0, buffer.bufferedEvents());
    }

    @Test
    void aDuplicateEventAfterEndDoesNotFailTheTransactionAndASecondEndIsConsumedWithIt() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "31:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "31:2", 1));
        add(buffer, marker("END", "31:4", Map.of("public.accounts", 2L, "public.transfers", 1L)));
        add(buffer, data(ACCOUNTS, 0, 1, "31:2", 1));
        add(buffer, marker("END", "31:4", Map.of("public.accounts", 2L, "public.transfers", 1L)));
        add(buffer, data(ACCOUNTS, 0, 2, "31:3", 2));
        assertTrue(drain(buffer).isEmpty(), "the transfer is still missing; the copies count for nothing");
        add(buffer, data(TRANSFERS, 0, 9, "31:5", 3));

        List<ApplyUnit> units = drain(buffer);
        assertEquals(List.of("31"), xids(units));
        assertEquals(List.of(1, 2, 9), ids(units.get(0)));
        assertEquals(3L, committable().get(new TopicPartition(ACCOUNTS, 0)));
        assertEquals(3L, committable().get(new TopicPartition(TX_TOPIC, 0)));
        assertEquals(0, buffer.endedTransactions());
    }

    @Test
    void aPartialResendOfAnAppliedTransactionOnlyMovesTheOffsets() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, marker("BEGIN", "32:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "32:2", 1));
        add(buffer, data(ACCOUNTS, 0, 2, "32:3", 2));
        add(buffer, data(ACCOUNTS, 0, 3, "32:4", 3));
        add(buffer, marker("END", "32:5", Map.of("public.accounts", 3L)));
        assertEquals(List.of("32"), xids(drain(buffer)));

        // Its tail and END again, at new offsets: the caller knows them as applied by the source's position.
        buffer.addAlreadyApplied(data(ACCOUNTS, 0, 2, "32:3", 2));
        buffer.addAlreadyApplied(data(ACCOUNTS, 0, 3, "32:4", 3));
        buffer.addAlreadyApplied(marker("END", "32:5", Map.of("public.accounts", 3L)));
        List<ApplyUnit> resent = drainReady(buffer);
        assertEquals(3, resent.size());
        assertTrue(resent.stream().allMatch(u -> !u.isTransaction() && u.events().isEmpty()), "nothing to apply");
        assertEquals(Map.of(new TopicPartition(ACCOUNTS, 0), 5L, new TopicPartition(TX_TOPIC, 0), 3L),
                committable());
        assertEquals(0, buffer.pendingTransactions());
        assertEquals(0, buffer.endedTransactions());

        // The next transaction is not held up by anything of the re-sent one.
        add(buffer, marker("BEGIN", "33:6", null));
        add(buffer, data(ACCOUNTS, 0, 4, "33:7", 1));
        add(buffer, marker("END", "33:8", Map.of("public.accounts", 1L)));
        List<ApplyUnit> next = drain(buffer);
        assertEquals(List.of("33"), xids(next));
        assertEquals(List.of(4), ids(next.get(0)));
    }

    @Test
    void aCopyOfAnEventOfAHeldTransactionIsPassedOverAndGoesOutWithIt() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        // A killed source had delivered the first event and END of transaction 37, not its second event; its
        // successor sends the transaction again: the copy of the first event (known as applied by its position)
        // lies between the first copy and the second event, in the same partition.
        add(buffer, data(ACCOUNTS, 0, 1, "37:2", 1));
        add(buffer, marker("END", "37:5", Map.of("public.accounts", 2L)));
        buffer.addAlreadyApplied(data(ACCOUNTS, 0, 1, "37:2", 1));
        assertEquals(List.of(), drain(buffer), "incomplete: held");
        buffer.addAlreadyApplied(marker("END", "37:5", Map.of("public.accounts", 2L)));
        add(buffer, data(ACCOUNTS, 0, 2, "37:3", 2));
        List<ApplyUnit> units = drainReady(buffer);
        assertEquals(2, units.size(), "the transaction, then the END sent again on its own: " + units);
        assertEquals("37", units.get(0).xid());
        assertEquals(List.of(1, 2), ids(units.get(0)), "each event once, in the source's order");
        assertEquals(List.of(0L, 1L, 2L), units.get(0).records().stream()
                .filter(r -> r.topic().equals(ACCOUNTS)).map(SinkRecord::kafkaOffset).collect(Collectors.toList()),
                "the copy between its events goes out with it");
        assertTrue(units.get(1).events().isEmpty());
        assertEquals(0, buffer.pendingTransactions());
        assertEquals(Map.of(new TopicPartition(ACCOUNTS, 0), 3L, new TopicPartition(TX_TOPIC, 0), 2L),
                committable());
    }

    @Test
    void aBeginResentForAnAppliedTransactionHoldsNothingOpen() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        // BEGIN of a transaction that was applied before; its END and events are skipped as applied, or never come.
        add(buffer, marker("BEGIN", "34:1", null));
        add(buffer, marker("BEGIN", "35:4", null));
        add(buffer, data(ACCOUNTS, 0, 1, "35:5", 1));
        add(buffer, marker("END", "35:6", Map.of("public.accounts", 1L)));
        assertEquals(List.of("35"), xids(drain(buffer)));
        assertEquals(0, buffer.pendingTransactions());
        assertEquals(3L, committable().get(new TopicPartition(TX_TOPIC, 0)));
    }

    @Test
    void aTombstoneAfterADeleteAppliedBeforeDeletesNothing() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        // The delete was applied, and so was a later insert of the same key: the re-sent tombstone must not undo it.
        buffer.addAlreadyApplied(records.delete(ACCOUNTS, 0, 1, "36:2", 1));
        add(buffer, records.tombstone(ACCOUNTS, 0, 1));
        List<ApplyUnit> units = drainReady(buffer);
        assertEquals(2, units.size());
        assertTrue(units.stream().allMatch(u -> u.events().isEmpty()), "nothing to apply");
        assertEquals(2L, committable().get(new TopicPartition(ACCOUNTS, 0)));
    }

    // Cooperative rebalance

    @Test
    void forgetKeepsWhatStaysAssignedAndTheRevokedPartitionIsReadAgainFromItsOffset() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        TopicPartition accounts = new TopicPartition(ACCOUNTS, 0);
        add(buffer, data(ACCOUNTS, 0, 50, null, 0));
        assertEquals(1, drain(buffer).size(), "a snapshot row went before the transaction");
        SinkRecord first = data(ACCOUNTS, 0, 1, "40:2", 1);
        SinkRecord second = data(ACCOUNTS, 0, 2, "40:3", 2);
        add(buffer, marker("BEGIN", "40:1", null));
        add(buffer, first);
        add(buffer, data(TRANSFERS, 0, 9, "40:4", 3));
        add(buffer, data(TRANSFERS, 0, 60, null, 0));
        add(buffer, marker("END", "40:5", Map.of("public.accounts", 2L, "public.transfers", 1L)));
        assertTrue(drain(buffer).isEmpty(), "the second account update is missing");
        assertEquals(2, buffer.bufferedEvents() - 1, "two events of the transaction and one lone event held");

        forget(buffer, List.of(accounts));
        assertFalse(committable().containsKey(accounts), "the revoked partition is forgotten");
        assertEquals(Map.of(new TopicPartition(TX_TOPIC, 0), 1L), committable(),
                "what stays assigned is still held: nothing of the transfers, only the BEGIN marker went");
        assertEquals(2, buffer.bufferedEvents(), "the transfer row and the lone event behind it");
        assertEquals(1, buffer.pendingTransactions());
        assertEquals(1, buffer.endedTransactions(), "its END was on a partition that stays");

        // Opened again, the partition is read from the offset the target recorded: that of the first update.
        add(buffer, first);
        assertTrue(drain(buffer).isEmpty());
        add(buffer, second);
        List<ApplyUnit> units = drain(buffer);
        assertEquals(List.of(List.of(1, 2, 9), List.of(60)), units.stream().map(TransactionBufferTest::ids)
                .collect(Collectors.toList()), "the whole transaction once, then the event behind it");
        assertEquals(Map.of(accounts, 3L, new TopicPartition(TRANSFERS, 0), 2L, new TopicPartition(TX_TOPIC, 0), 2L),
                committable());
        assertEquals(0, buffer.bufferedEvents());
    }

    @Test
    void aTransactionWhoseEndWasOnARevokedPartitionWaitsForItsEndAgain() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        TopicPartition markers = new TopicPartition(TX_TOPIC, 0);
        SinkRecord begin = marker("BEGIN", "41:1", null);
        SinkRecord end = marker("END", "41:4", Map.of("public.accounts", 2L));
        add(buffer, begin);
        add(buffer, data(ACCOUNTS, 0, 1, "41:2", 1));
        add(buffer, end);
        drainReady(buffer);
        assertEquals(1L, committable().get(markers), "BEGIN went, END is held");

        forget(buffer, List.of(markers));
        assertEquals(0, buffer.endedTransactions());
        add(buffer, data(ACCOUNTS, 0, 2, "41:3", 2));
        assertTrue(drain(buffer).isEmpty(), "all events are here, but END was forgotten with its partition");

        add(buffer, end);
        List<ApplyUnit> units = drain(buffer);
        assertEquals(List.of("41"), xids(units));
        assertEquals(List.of(1, 2), ids(units.get(0)));
        assertEquals(2L, committable().get(markers));
    }

    // A transaction topic with several partitions

    @Test
    void endMarkersOnTwoTransactionTopicPartitionsAreHandedOutInCommitOrderWhateverTheirArrival() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        // Committed in the order 50, 51, 52. 50's END is on partition 1, 51's and 52's on partition 0.
        SinkRecord begin50 = records.marker("BEGIN", "50:1", null, 1);
        SinkRecord end50 = records.marker("END", "50:3", Map.of("public.accounts", 1L), 1);
        add(buffer, records.marker("BEGIN", "51:4", null, 0));
        add(buffer, records.marker("END", "51:6", Map.of("public.accounts", 1L), 0));
        add(buffer, records.marker("BEGIN", "52:7", null, 0));
        add(buffer, records.marker("END", "52:9", Map.of("public.transfers", 1L), 0));
        add(buffer, data(TRANSFERS, 0, 9, "52:8", 1));
        add(buffer, data(ACCOUNTS, 0, 1, "50:2", 1));
        add(buffer, data(ACCOUNTS, 0, 1, "51:5", 1));
        assertTrue(drain(buffer).isEmpty(), "50 is not ended yet, and 51 follows it on the accounts partition");

        add(buffer, begin50);
        add(buffer, end50);
        List<ApplyUnit> units = drain(buffer);
        assertEquals(List.of("50", "51", "52"), xids(units),
                "50 before 51 (same row); 52 after 51 (END order of partition 0)");
        assertEquals(Map.of(new TopicPartition(ACCOUNTS, 0), 2L, new TopicPartition(TRANSFERS, 0), 1L,
                new TopicPartition(TX_TOPIC, 0), 4L, new TopicPartition(TX_TOPIC, 1), 2L), committable());
    }

    @Test
    void aTransactionWhoseEndArrivesFirstOnAnotherTransactionTopicPartitionGoesFirst() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        // 60's END waits for its data on partition 0; 61, on another row, ends on partition 1 and is whole.
        add(buffer, records.marker("END", "60:3", Map.of("public.accounts", 1L), 0));
        add(buffer, records.marker("END", "61:6", Map.of("public.transfers", 1L), 1));
        add(buffer, data(TRANSFERS, 0, 9, "61:5", 1));
        assertEquals(List.of("61"), xids(drain(buffer)), "nothing of 61 waits behind 60");
        add(buffer, data(ACCOUNTS, 0, 1, "60:2", 1));
        assertEquals(List.of("60"), xids(drain(buffer)));
    }

    // A transaction that never becomes whole

    @Test
    void anIncompleteTransactionFailsTheTaskNamingItOnceLaterOnesWaitedPastTheTimeout() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL, IncompletePolicy.FAIL);
        add(buffer, marker("BEGIN", "70:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "70:2", 1));
        // Its second event was dropped before the sink.
        add(buffer, marker("END", "70:4", Map.of("public.accounts", 2L)));
        advanceMillis(INCOMPLETE_TIMEOUT_MS * 2);
        assertTrue(drain(buffer).isEmpty(), "nothing complete waits behind it: it may still be arriving");

        add(buffer, marker("BEGIN", "71:5", null));
        add(buffer, data(ACCOUNTS, 0, 3, "71:6", 1));
        add(buffer, marker("END", "71:7", Map.of("public.accounts", 1L)));
        assertTrue(drain(buffer).isEmpty(), "71 is complete and waits behind 70");
        advanceMillis(INCOMPLETE_TIMEOUT_MS - 1);
        assertTrue(drain(buffer).isEmpty(), "within the timeout");
        advanceMillis(1);
        ConnectException e = assertThrows(ConnectException.class, () -> drainReady(buffer));
        assertTrue(e.getMessage().contains("Source transaction 70 is incomplete after waiting 60000 ms"), e.getMessage());
        assertTrue(e.getMessage().contains("1 data event(s) arrived (offsets {db.public.accounts-0=[0]})"), e.getMessage());
        assertTrue(e.getMessage().contains("partition 0 offset 1) announced 2"), e.getMessage());
        assertTrue(e.getMessage().contains("transaction.incomplete.policy=apply"), e.getMessage());
        assertEquals(Map.of(new TopicPartition(TX_TOPIC, 0), 1L), committable(), "no offset past it");
    }

    @Test
    void aRecordOfTheIncompleteTransactionArrivingRestartsItsWait() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL, IncompletePolicy.FAIL);
        add(buffer, marker("END", "72:4", Map.of("public.accounts", 3L)));
        add(buffer, data(ACCOUNTS, 0, 1, "72:1", 1));
        add(buffer, marker("END", "73:6", Map.of("public.transfers", 1L)));
        add(buffer, data(TRANSFERS, 0, 9, "73:5", 1));
        assertTrue(drain(buffer).isEmpty(), "73 is complete and waits behind 72's END");
        advanceMillis(INCOMPLETE_TIMEOUT_MS - 1);
        add(buffer, data(ACCOUNTS, 0, 2, "72:2", 2));
        advanceMillis(INCOMPLETE_TIMEOUT_MS - 1);
        assertTrue(drain(buffer).isEmpty(), "72 is still arriving");
        add(buffer, data(ACCOUNTS, 0, 3, "72:3", 3));
        assertEquals(List.of("72", "73"), xids(drain(buffer)));
    }

    @Test
    void applyPolicyAppliesWhatArrivedOfAStalledTransactionAndGoesOn() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL, IncompletePolicy.APPLY);
        add(buffer, marker("BEGIN", "74:1", null));
        add(buffer, data(ACCOUNTS, 0, 1, "74:2", 1));
        add(buffer, marker("END", "74:4", Map.of("public.accounts", 2L)));
        add(buffer, marker("BEGIN", "75:5", null));
        add(buffer, data(ACCOUNTS, 0, 3, "75:6", 1));
        add(buffer, marker("END", "75:7", Map.of("public.accounts", 1L)));
        assertTrue(drain(buffer).isEmpty());
        advanceMillis(INCOMPLETE_TIMEOUT_MS);

        List<ApplyUnit> units = drain(buffer);
        assertEquals(List.of("74", "75"), xids(units));
        assertFalse(units.get(0).complete(), "74 is applied without its missing event");
        assertEquals(List.of(1), ids(units.get(0)));
        assertTrue(units.get(1).complete());
        assertEquals(0, buffer.pendingTransactions());
        assertEquals(0, buffer.endedTransactions());

        // Should the missing event turn up after all, it is applied on its own, holding nothing up.
        add(buffer, data(ACCOUNTS, 0, 2, "74:3", 2));
        List<ApplyUnit> late = drain(buffer);
        assertEquals(List.of(List.of(2)), late.stream().map(TransactionBufferTest::ids).collect(Collectors.toList()));
        assertEquals(0, buffer.pendingTransactions());
    }

    /** The record as a topic-renaming transform (RegexRouter) hands it on: the original topic partition is kept. */
    private static SinkRecord renamed(SinkRecord record) {
        return record.newRecord("renamed." + record.topic(), record.kafkaPartition(), record.keySchema(), record.key(),
                record.valueSchema(), record.value(), record.timestamp());
    }

    @Test
    void partitionsAndOffsetsAreThoseTheRecordsWereConsumedFromWhateverATransformRenamed() {
        TransactionBuffer buffer = buffer(1000, OverflowPolicy.FAIL);
        add(buffer, renamed(marker("BEGIN", "80:1", null)));
        add(buffer, renamed(data(ACCOUNTS, 0, 1, "80:2", 1)));
        add(buffer, renamed(marker("END", "80:3", Map.of("public.accounts", 1L))));
        assertEquals(List.of("80"), xids(drain(buffer)));
        assertEquals(Map.of(new TopicPartition(ACCOUNTS, 0), 1L, new TopicPartition(TX_TOPIC, 0), 2L),
                committable());
    }
}
