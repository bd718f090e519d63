package io.connectdelta.sink.plan;

/** The statement a {@link RowWrite} becomes. */
public enum WriteKind {
    /** INSERT; fails on an existing key. */
    INSERT,
    /** INSERT ... ON CONFLICT DO UPDATE / ON DUPLICATE KEY UPDATE of the given columns. */
    UPSERT,
    /** UPDATE of the given columns only; a missing row follows missing.row.mode. */
    UPDATE,
    /** DELETE by key. */
    DELETE
}
