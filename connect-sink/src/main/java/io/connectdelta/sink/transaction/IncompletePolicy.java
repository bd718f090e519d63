package io.connectdelta.sink.transaction;

/**
 * What the transaction buffer does with a source transaction that cannot become whole: it has waited
 * transaction.incomplete.timeout.ms at the heads of its partitions, incomplete, while later transactions were
 * complete behind it (say a worker transform dropped one of its records under errors.tolerance=all).
 */
public enum IncompletePolicy {
    /**
     * Fail the task with a message that names the transaction, what of it arrived and what its END marker announced.
     * Nothing is lost: no offset past it was committed.
     */
    FAIL,
    /**
     * Apply what arrived of it as one target transaction, logged at WARN and counted in a metric; records of it that
     * arrive later are applied as they come.
     */
    APPLY
}
