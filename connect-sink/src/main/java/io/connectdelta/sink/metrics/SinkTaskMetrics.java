package io.connectdelta.sink.metrics;

import io.connectdelta.event.ChangeEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of one sink task, registered as a standard MBean while the task runs. */
public final class SinkTaskMetrics implements SinkTaskMetricsMBean, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SinkTaskMetrics.class);

    private final Map<String, LongAdder> applied = new ConcurrentHashMap<>();
    private final LongAdder ignored = new LongAdder();
    private final LongAdder alreadyApplied = new LongAdder();
    private final LongAdder resentSkipped = new LongAdder();
    private final LongAdder reported = new LongAdder();
    private final LongAdder columnsWritten = new LongAdder();
    private final LongAdder columnsSkipped = new LongAdder();
    private final LongAdder statements = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder transactions = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder missingRowsSkipped = new LongAdder();
    private final LongAdder missingRowsInserted = new LongAdder();
    private final LongAdder staleWritesSkipped = new LongAdder();
    private final LongAdder reselectQueries = new LongAdder();
    private final LongAdder rowsReselected = new LongAdder();
    private final LongAdder reselectedRowsGone = new LongAdder();
    private final LongAdder placeholderColumnsReselected = new LongAdder();
    private final AtomicLong lastFlushNanos = new AtomicLong();
    private final LongAdder flushNanos = new LongAdder();
    private final LongAdder flushes = new LongAdder();
    private final LongAdder sourceTransactions = new LongAdder();
    private final LongAdder sourceTransactionEvents = new LongAdder();
    private final LongAdder sourceTransactionLatencyNanos = new LongAdder();
    private final AtomicLong eventsBuffered = new AtomicLong();
    private final AtomicLong transactionsBuffered = new AtomicLong();
    private final LongAdder incompleteTransactionsApplied = new LongAdder();
    private ObjectName name;

    public static ObjectName objectName(String connector, int task) {
        try {
            return new ObjectName("io.connectdelta:type=sink-task,connector=" + ObjectName.quote(connector) + ",task=" + task);
        } catch (Exception e) {
            throw new IllegalArgumentException("Cannot name the metrics of connector " + connector, e);
        }
    }

    /** Registers this MBean (replacing a stale one of the same task). */
    public void register(String connector, int task) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName objectName = objectName(connector, task);
            if (server.isRegistered(objectName)) {
                server.unregisterMBean(objectName);
            }
            server.registerMBean(this, objectName);
            name = objectName;
        } catch (Exception e) {
            LOG.warn("Cannot register the sink task metrics: {}", e.toString());
        }
    }

    @Override
    public void close() {
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            } catch (Exception e) {
                LOG.debug("Metrics already unregistered: {}", e.toString());
            }
            name = null;
        }
    }

    public void recordApplied(ChangeEvent event) {
        String key = event.shape().wireName() + "." + (event.op() == null ? "?" : event.op().code());
        applied.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    public void recordIgnored() {
        ignored.increment();
    }

    public void recordAlreadyApplied() {
        alreadyApplied.increment();
    }

    public void recordResentSkipped() {
        resentSkipped.increment();
    }

    public void recordReported() {
        reported.increment();
    }

    public void recordStatement(int written, int skipped) {
        statements.increment();
        columnsWritten.add(written);
        columnsSkipped.add(Math.max(0, skipped));
    }

    public void recordBatch() {
        batches.increment();
    }

    public void recordCommit(long nanos) {
        transactions.increment();
        lastFlushNanos.set(nanos);
        flushNanos.add(nanos);
        flushes.increment();
    }

    /** A target transaction applied {@code transactions} source transactions of {@code events} data events. */
    public void recordSourceTransactions(int transactions, int events, long latencyNanosSum) {
        sourceTransactions.add(transactions);
        sourceTransactionEvents.add(events);
        sourceTransactionLatencyNanos.add(latencyNanosSum);
    }

    /** transaction.incomplete.policy=apply applied a source transaction without all its events. */
    public void recordIncompleteTransactionApplied() {
        incompleteTransactionsApplied.increment();
    }

    public void recordBuffered(long events, long transactions) {
        eventsBuffered.set(events);
        transactionsBuffered.set(transactions);
    }

    public void recordRetry() {
        retries.increment();
    }

    public void recordMissingRowSkipped() {
        missingRowsSkipped.increment();
    }

    public void recordMissingRowInserted() {
        missingRowsInserted.increment();
    }

    public void recordStaleWriteSkipped() {
        staleWritesSkipped.increment();
    }

    /** One query the sink's re-select ran against the source. */
    public void recordReselectQuery() {
        reselectQueries.increment();
    }

    public void recordRowsReselected(int found, int gone) {
        rowsReselected.add(found);
        reselectedRowsGone.add(gone);
    }

    /** Placeholder columns filled with the source's current value. */
    public void recordPlaceholderColumnsReselected(int columns) {
        placeholderColumnsReselected.add(columns);
    }

    @Override
    public long getPlaceholderColumnsReselected() {
        return placeholderColumnsReselected.sum();
    }

    @Override
    public long getReselectQueries() {
        return reselectQueries.sum();
    }

    @Override
    public long getRowsReselected() {
        return rowsReselected.sum();
    }

    @Override
    public long getReselectedRowsGone() {
        return reselectedRowsGone.sum();
    }

    private long shape(String prefix) {
        return applied.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    @Override
    public long getRecordsApplied() {
        return shape("");
    }

    @Override
    public long getFullRecordsApplied() {
        return shape("full.");
    }

    @Override
    public long getDeltaRecordsApplied() {
        return shape("delta.");
    }

    @Override
    public long getJsonPatchRecordsApplied() {
        return shape("json-patch.");
    }

    @Override
    public long getTombstonesApplied() {
        return shape("tombstone.");
    }

    @Override
    public String getRecordsAppliedByShapeAndOp() {
        Map<String, Long> sorted = new TreeMap<>();
        applied.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted.toString();
    }

    @Override
    public long getRecordsIgnored() {
        return ignored.sum();
    }

    @Override
    public long getRecordsSkippedAsAlreadyApplied() {
        return alreadyApplied.sum();
    }

    @Override
    public long getRecordsSkippedAsResent() {
        return resentSkipped.sum();
    }

    @Override
    public long getRecordsReportedToDlq() {
        return reported.sum();
    }

    @Override
    public long getColumnsWritten() {
        return columnsWritten.sum();
    }

    @Override
    public long getColumnsSkipped() {
        return columnsSkipped.sum();
    }

    @Override
    public long getStatementsExecuted() {
        return statements.sum();
    }

    @Override
    public long getBatchesExecuted() {
        return batches.sum();
    }

    @Override
    public long getTransactionsCommitted() {
        return transactions.sum();
    }

    @Override
    public long getRetries() {
        return retries.sum();
    }

    @Override
    public long getMissingRowsSkipped() {
        return missingRowsSkipped.sum();
    }

    @Override
    public long getMissingRowsInserted() {
        return missingRowsInserted.sum();
    }

    @Override
    public long getStaleWritesSkipped() {
        return staleWritesSkipped.sum();
    }

    @Override
    public double getLastFlushLatencyMs() {
        return lastFlushNanos.get() / 1e6;
    }

    @Override
    public double getAverageFlushLatencyMs() {
        long n = flushes.sum();
        return n == 0 ? 0 : flushNanos.sum() / 1e6 / n;
    }

    @Override
    public long getSourceTransactionsApplied() {
        return sourceTransactions.sum();
    }

    @Override
    public double getAverageEventsPerSourceTransaction() {
        long count = sourceTransactions.sum();
        return count == 0 ? 0 : (double) sourceTransactionEvents.sum() / count;
    }

    @Override
    public double getAverageSourceTransactionCommitLatencyMs() {
        long count = sourceTransactions.sum();
        return count == 0 ? 0 : sourceTransactionLatencyNanos.sum() / 1e6 / count;
    }

    @Override
    public long getEventsBuffered() {
        return eventsBuffered.get();
    }

    @Override
    public long getSourceTransactionsBuffered() {
        return transactionsBuffered.get();
    }

    @Override
    public long getIncompleteSourceTransactionsApplied() {
        return incompleteTransactionsApplied.sum();
    }
}
