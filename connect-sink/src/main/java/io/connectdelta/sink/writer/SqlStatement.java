package io.connectdelta.sink.writer;

import io.connectdelta.sink.plan.RowWrite;

import java.util.List;

/**
 * One statement to run: its SQL (statements with equal SQL batch together), its parameters and its row.
 * {@code plainUpdate} marks an UPDATE of plain values (no edits inside columns), which may share a flagged statement.
 */
record SqlStatement(String sql, List<Object> params, RowWrite write, boolean plainUpdate) {

    SqlStatement(String sql, List<Object> params, RowWrite write) {
        this(sql, params, write, false);
    }
}
