package io.connectdelta.sink.transaction;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Op;
import io.connectdelta.event.RecordLocation;
import io.connectdelta.event.TransactionBlock;
import io.connectdelta.event.TransactionMarker;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Holds data events until their whole source transaction has arrived, and hands out what can be applied, in
 * source commit order.
 * <p>
 * A transaction is complete when its END marker has arrived and as many of its data events as END announces for
 * the data collections this sink consumes ({@code data_collections[].event_count}; END's {@code event_count} when
 * it lists none). Data events of a transaction may arrive on several topics and partitions in any interleaving,
 * and END may come before some of them. Events without a transaction block are lone units.
 * <p>
 * Units are handed out so that, in every partition, the records handed out always form a prefix of what was
 * added: a unit goes only when each of its records is at the head of its partition, and transactions go in the
 * order of their END markers. So one "next offset" per partition describes exactly what has been applied,
 * which is what the sink records with the data for exactly-once delivery.
 */
public final class TransactionBuffer {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionBuffer.class);

    private final Predicate<String> consumedCollection;
    private final long maxEvents;
    private final long maxBytes;
    private final OverflowPolicy overflowPolicy;

    /** Transactions seen but not yet handed out, by xid, in order of first sight. */
    private final Map<String, PendingTransaction> pending = new LinkedHashMap<>();
    /** xids whose END has arrived, in END order: the source's commit order. */
    private final Deque<String> committed = new ArrayDeque<>();
    /** Lone events in arrival order. */
    private final Deque<PendingRecord> lone = new ArrayDeque<>();
    /** Per partition, the records not yet handed out, in offset order. */
    private final Map<TopicPartition, Deque<PendingRecord>> partitions = new HashMap<>();
    /** Per partition, the offset after the last record handed out. */
    private final Map<TopicPartition, Long> handedOut = new HashMap<>();
    /** Transactions the overflow policy split: their remaining events are handed out as they come. */
    private final Map<String, Boolean> split = new HashMap<>();
    /** Per partition, the data event handed out last: what a tombstone arriving after it may merely follow. */
    private final Map<TopicPartition, ChangeEvent> lastHandedOutEvent = new HashMap<>();

    private final ApproximateSize sizes = new ApproximateSize();
    private long bufferedEvents;
    private long bufferedBytes;

    /**
     * @param consumedCollection tells whether a data collection named in an END marker ({@code schema.table})
     *                           is one whose events reach this sink
     */
    public TransactionBuffer(Predicate<String> consumedCollection, long maxEvents, long maxBytes,
                             OverflowPolicy overflowPolicy) {
        this.consumedCollection = consumedCollection;
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
        this.overflowPolicy = overflowPolicy;
    }

    /**
     * Adds a data event.
     * <p>
     * Debezium follows a delete with a tombstone of the same key (tombstones.on.delete), which carries no
     * transaction block and is not counted in END. Such a tombstone only repeats the delete for log compaction:
     * it is kept with the delete's transaction for the offsets, and applies nothing itself. Applying it on its own
     * could delete a row that its transaction inserted again after the delete.
     */
    public void add(SinkRecord record, ChangeEvent event) {
        if (event.isTombstone() && followsDeleteOfSameKey(record, event)) {
            PendingRecord previous = partitions.getOrDefault(partitionOf(record), new ArrayDeque<>()).peekLast();
            PendingRecord entry = new PendingRecord(record, null, 0);
            entry.owner = previous == null ? null : previous.owner;
            if (entry.owner != null) {
                entry.owner.markers.add(entry);
            } else {
                lone.add(entry);
            }
            track(entry);
            stampIfComplete(entry);
            return;
        }
        TransactionBlock tx = event.transaction();
        PendingRecord entry = new PendingRecord(record, event, sizes.of(record.key()) + sizes.of(record.value()));
        if (tx == null || tx.xid() == null || split.containsKey(tx.xid())) {
            entry.owner = null;
            lone.add(entry);
        } else {
            PendingTransaction transaction = pending.computeIfAbsent(tx.xid(), PendingTransaction::new);
            entry.owner = transaction;
            transaction.events.add(entry);
            if (transaction.expectedEvents >= 0 && transaction.events.size() > transaction.expectedEvents) {
                throw new DataException("Source transaction " + tx.xid() + " has more data events than its END marker "
                        + "announced (" + transaction.expectedEvents + "); the latest is " + RecordLocation.describe(record));
            }
        }
        track(entry);
        stampIfComplete(entry);
        bufferedEvents++;
        bufferedBytes += entry.bytes;
        enforceBound();
    }

    private boolean followsDeleteOfSameKey(SinkRecord record, ChangeEvent tombstone) {
        TopicPartition partition = partitionOf(record);
        Deque<PendingRecord> queue = partitions.get(partition);
        PendingRecord previous = queue == null ? null : queue.peekLast();
        ChangeEvent before = previous != null ? previous.event : lastHandedOutEvent.get(partition);
        return before != null && before.op() == Op.DELETE && !before.isTombstone()
                && before.key() != null && before.key().equals(tombstone.key());
    }

    /**
     * Adds a data record that could not be read (it went to the DLQ): it still counts towards its transaction, so
     * that the transaction completes, and towards the offsets, but there is nothing to apply.
     */
    public void addUnreadable(SinkRecord record, String xid) {
        PendingRecord entry = new PendingRecord(record, null, 0);
        if (xid == null || split.containsKey(xid)) {
            entry.owner = null;
            lone.add(entry);
        } else {
            PendingTransaction transaction = pending.computeIfAbsent(xid, PendingTransaction::new);
            entry.owner = transaction;
            transaction.events.add(entry);
        }
        track(entry);
        stampIfComplete(entry);
    }

    /** Adds a BEGIN or END marker from the transaction topic. */
    public void addMarker(SinkRecord record, TransactionMarker marker) {
        PendingRecord entry = new PendingRecord(record, null, 0);
        String xid = marker.xid();
        if (split.containsKey(xid)) {
            entry.owner = null;
            lone.add(entry);
            if (marker.status() == TransactionMarker.Status.END) {
                split.remove(xid);
            }
            track(entry);
            stampIfComplete(entry);
            return;
        }
        PendingTransaction transaction = pending.computeIfAbsent(xid, PendingTransaction::new);
        entry.owner = transaction;
        transaction.markers.add(entry);
        if (marker.status() == TransactionMarker.Status.END) {
            transaction.expectedEvents = expectedEvents(marker);
            committed.add(xid);
            if (transaction.events.size() > transaction.expectedEvents) {
                throw new DataException("Source transaction " + xid + " has " + transaction.events.size()
                        + " data events but its END marker announces " + transaction.expectedEvents + ": "
                        + RecordLocation.describe(record));
            }
        }
        track(entry);
        stampIfComplete(entry);
    }

    private static void stampIfComplete(PendingRecord entry) {
        long now = System.nanoTime();
        entry.arrivedNanos = now;
        if (entry.owner != null && entry.owner.completedNanos == 0 && entry.owner.isComplete()) {
            entry.owner.completedNanos = now;
        }
    }

    /**
     * Hands out every unit that can be applied now, in the order to apply them. The caller applies them (several
     * may share one target transaction) and records {@link #nextOffsets()} with them.
     */
    public List<ApplyUnit> drainReady() {
        List<ApplyUnit> ready = new ArrayList<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            String next = committed.peekFirst();
            if (next != null) {
                PendingTransaction transaction = pending.get(next);
                if (transaction.isComplete() && atHeads(transaction)) {
                    committed.pollFirst();
                    pending.remove(next);
                    ready.add(handOut(transaction, true));
                    progress = true;
                }
            }
            for (Iterator<PendingRecord> it = lone.iterator(); it.hasNext(); ) {
                PendingRecord entry = it.next();
                if (isHead(entry)) {
                    it.remove();
                    ready.add(handOutLone(entry));
                    progress = true;
                }
            }
        }
        return ready;
    }

    /**
     * For every partition seen, the offset of the first record not yet handed out, or after the last one when all
     * were: everything before it has been handed out by {@link #drainReady()}.
     */
    public Map<TopicPartition, Long> nextOffsets() {
        Map<TopicPartition, Long> next = new HashMap<>(handedOut);
        for (Map.Entry<TopicPartition, Deque<PendingRecord>> entry : partitions.entrySet()) {
            PendingRecord head = entry.getValue().peekFirst();
            if (head != null) {
                next.put(entry.getKey(), head.record.kafkaOffset());
            }
        }
        return next;
    }

    /** Forgets what was buffered for partitions this task no longer owns (after a rebalance). */
    public void clear() {
        pending.clear();
        committed.clear();
        lone.clear();
        partitions.clear();
        handedOut.clear();
        split.clear();
        lastHandedOutEvent.clear();
        bufferedEvents = 0;
        bufferedBytes = 0;
    }

    public long bufferedEvents() {
        return bufferedEvents;
    }

    public long bufferedBytes() {
        return bufferedBytes;
    }

    /** How many transactions whose END marker has arrived are held, waiting for their events or their turn. */
    public int endedTransactions() {
        return committed.size();
    }

    /** How many transactions are held, waiting for their END marker or some of their events. */
    public int pendingTransactions() {
        return pending.size();
    }

    private long expectedEvents(TransactionMarker end) {
        if (end.dataCollections().isEmpty()) {
            return end.eventCount() == null ? 0 : end.eventCount();
        }
        long expected = 0;
        for (Map.Entry<String, Long> collection : end.dataCollections().entrySet()) {
            if (consumedCollection.test(collection.getKey())) {
                expected += collection.getValue();
            }
        }
        return expected;
    }

    private void track(PendingRecord entry) {
        TopicPartition partition = entry.partition;
        Deque<PendingRecord> queue = partitions.computeIfAbsent(partition, p -> new ArrayDeque<>());
        PendingRecord last = queue.peekLast();
        if (last != null && last.record.kafkaOffset() >= entry.record.kafkaOffset()) {
            throw new ConnectException("Records of " + partition + " arrived out of offset order (" + entry.record.kafkaOffset()
                    + " after " + last.record.kafkaOffset() + ")");
        }
        queue.addLast(entry);
    }

    private boolean isHead(PendingRecord entry) {
        return partitions.get(entry.partition).peekFirst() == entry;
    }

    /** True when every record of the transaction is at the head of its partition (only its own records before it). */
    private boolean atHeads(PendingTransaction transaction) {
        Map<TopicPartition, Integer> perPartition = new HashMap<>();
        for (PendingRecord entry : transaction.allRecords()) {
            perPartition.merge(entry.partition, 1, Integer::sum);
        }
        for (Map.Entry<TopicPartition, Integer> count : perPartition.entrySet()) {
            Iterator<PendingRecord> it = partitions.get(count.getKey()).iterator();
            for (int i = 0; i < count.getValue(); i++) {
                if (!it.hasNext() || it.next().owner != transaction) {
                    return false;
                }
            }
        }
        return true;
    }

    private ApplyUnit handOut(PendingTransaction transaction, boolean complete) {
        List<PendingRecord> events = new ArrayList<>(transaction.events);
        // The source's order within the transaction, whatever the interleaving of topics and partitions.
        events.sort(Comparator.comparingLong(e -> e.event == null ? Long.MAX_VALUE : e.event.transaction().totalOrder()));
        List<ChangeEvent> changeEvents = new ArrayList<>(events.size());
        List<SinkRecord> records = new ArrayList<>();
        for (PendingRecord entry : events) {
            if (entry.event != null) {
                changeEvents.add(entry.event);
            }
        }
        for (PendingRecord entry : transaction.allRecords()) {
            records.add(entry.record);
            remove(entry);
        }
        return new ApplyUnit(transaction.xid, changeEvents, records, complete, transaction.completedNanos);
    }

    private ApplyUnit handOutLone(PendingRecord entry) {
        remove(entry);
        List<ChangeEvent> events = entry.event == null ? List.of() : List.of(entry.event);
        return new ApplyUnit(null, events, List.of(entry.record), true, entry.arrivedNanos);
    }

    private void remove(PendingRecord entry) {
        TopicPartition partition = entry.partition;
        partitions.get(partition).remove(entry);
        handedOut.merge(partition, entry.record.kafkaOffset() + 1, Math::max);
        if (entry.event != null) {
            lastHandedOutEvent.put(partition, entry.event);
            bufferedEvents--;
            bufferedBytes -= entry.bytes;
        }
    }

    private void enforceBound() {
        if (bufferedEvents <= maxEvents && bufferedBytes <= maxBytes) {
            return;
        }
        String held = describeHeld();
        if (overflowPolicy == OverflowPolicy.FAIL) {
            throw new ConnectException("The transaction buffer holds " + bufferedEvents + " events (~" + bufferedBytes
                    + " bytes), past its bound (transaction.buffer.max.events=" + maxEvents
                    + ", transaction.buffer.max.bytes=" + maxBytes + "), waiting for " + held + ". Nothing was lost: "
                    + "no offset past an unapplied event was committed. Raise the bound, or set "
                    + "transaction.buffer.overflow=split to apply oversized transactions in parts.");
        }
        PendingTransaction oldest = pending.values().iterator().next();
        LOG.warn("Transaction buffer past its bound ({} events, ~{} bytes): applying source transaction {} in parts "
                + "({} events so far); readers of the target may see it half applied", bufferedEvents, bufferedBytes,
                oldest.xid, oldest.events.size());
        pending.remove(oldest.xid);
        committed.remove(oldest.xid);
        boolean ended = oldest.expectedEvents >= 0;
        if (!ended) {
            split.put(oldest.xid, Boolean.TRUE);
        }
        // Its records become lone units, handed out in partition order with everything else.
        for (PendingRecord entry : oldest.allRecords()) {
            entry.owner = null;
            lone.add(entry);
        }
        List<PendingRecord> ordered = new ArrayList<>(lone);
        ordered.sort(Comparator.comparingLong(e -> e.record.kafkaOffset()));
        lone.clear();
        lone.addAll(ordered);
    }

    private String describeHeld() {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        for (PendingTransaction transaction : pending.values()) {
            if (shown++ == 3) {
                sb.append(", ...");
                break;
            }
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append("transaction ").append(transaction.xid).append(" (").append(transaction.events.size())
                    .append(" events").append(transaction.expectedEvents >= 0 ? " of " + transaction.expectedEvents
                            : ", END not yet seen").append(')');
        }
        return sb.length() == 0 ? "events behind an incomplete transaction" : sb.toString();
    }

    private static TopicPartition partitionOf(SinkRecord record) {
        return new TopicPartition(record.topic(), record.kafkaPartition());
    }

    private static final class PendingRecord {
        final SinkRecord record;
        /** The record's partition, made once: the buffer looks it up several times per record. */
        final TopicPartition partition;
        final ChangeEvent event;
        final long bytes;
        PendingTransaction owner;
        long arrivedNanos;

        PendingRecord(SinkRecord record, ChangeEvent event, long bytes) {
            this.record = record;
            this.partition = partitionOf(record);
            this.event = event;
            this.bytes = bytes;
        }
    }

    private static final class PendingTransaction {
        final String xid;
        final List<PendingRecord> events = new ArrayList<>();
        final List<PendingRecord> markers = new ArrayList<>();
        /** From END: how many data events to wait for; -1 until END has arrived. */
        long expectedEvents = -1;
        /** When the last of its records arrived (System.nanoTime), 0 while incomplete. */
        long completedNanos;

        PendingTransaction(String xid) {
            this.xid = xid;
        }

        boolean isComplete() {
            return expectedEvents >= 0 && events.size() == expectedEvents;
        }

        List<PendingRecord> allRecords() {
            List<PendingRecord> all = new ArrayList<>(events.size() + markers.size());
            all.addAll(events);
            all.addAll(markers);
            return all;
        }
    }
}
