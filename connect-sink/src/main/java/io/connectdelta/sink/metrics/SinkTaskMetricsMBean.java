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

    long getRecordsReportedToDlq();

    long getColumnsWritten();

    long getColumnsSkipped();

    long getStatementsExecuted();

    long getBatchesExecuted();

    long getTransactionsCommitted();

    long getRetries();

    long getMissingRowsSkipped();

    long getMissingRowsInserted();

    double getLastFlushLatencyMs();

    double getAverageFlushLatencyMs();
}
