package io.connectdelta.sink.metrics;

/** The JMX view of one sink task: io.connectdelta:type=sink-task,connector=NAME,task=N. */
public interface SinkTaskMetricsMBean {
    long getRecordsApplied();

    long getFullRecordsApplied();

    long getDeltaRecordsApplied();

    long getJsonPatchRecordsApplied();

    long getTombstonesApplied();

    /** Counts per shape and op, e.g. "delta.u=12, full.c=3". */
    String getRecordsAppliedByShapeAndOp();

    long getRecordsIgnored();

    long getRecordsSkippedAsAlreadyApplied();

    /**
     * Changes skipped because their source sent them again (Debezium after an unclean stop): at new offsets, but at
     * or below the highest source position already applied from their partition.
     */
    long getRecordsSkippedAsResent();

    long getRecordsReportedToDlq();

    long getColumnsWritten();

    long getColumnsSkipped();

    long getStatementsExecuted();

    long getBatchesExecuted();

    long getTransactionsCommitted();

    long getRetries();

    /** Queries the re-select (reselect.connection.url) ran against the source: one per table and chunk of a write. */
    long getReselectQueries();

    /** Id-only events turned into full ones by a re-selected row. */
    long getRowsReselected();

    /** Id-only events whose row was gone from the source (handled per reselect.on.missing.row). */
    long getReselectedRowsGone();

    /** Columns that arrived as a TOAST placeholder and were filled from the source (reselect.placeholder.columns). */
    long getPlaceholderColumnsReselected();

    long getMissingRowsSkipped();

    long getMissingRowsInserted();

    /** Ordering guard: updates and deletes that found their row newer than the event, and so changed nothing. */
    long getStaleWritesSkipped();

    double getLastFlushLatencyMs();

    double getAverageFlushLatencyMs();

    /** Transaction mode: source transactions applied, each whole in one target transaction. */
    long getSourceTransactionsApplied();

    /** Transaction mode: data events per applied source transaction, on average. */
    double getAverageEventsPerSourceTransaction();

    /**
     * Transaction mode: from the moment a source transaction was complete in the buffer to the commit of the
     * target transaction that applied it, on average, in milliseconds.
     */
    double getAverageSourceTransactionCommitLatencyMs();

    /** Transaction mode: data events held while their source transaction is incomplete. */
    long getEventsBuffered();

    /** Transaction mode: source transactions held, waiting for their END marker or some of their events. */
    long getSourceTransactionsBuffered();

    /**
     * Transaction mode: source transactions applied without all their events (transaction.incomplete.policy=apply),
     * after waiting incomplete past transaction.incomplete.timeout.ms while later ones were complete.
     */
    long getIncompleteSourceTransactionsApplied();
}
