package io.connectdelta.sink.writer;

import io.connectdelta.sink.dialect.UpdateShape;
import io.connectdelta.sink.plan.RowWrite;

import java.util.List;

/**
 * One statement to run: its SQL (statements with equal SQL batch together), its parameters and its row. Plain
 * UPDATEs also carry their shape, which lets rows of equal SQL go in one multi-row statement.
 */
record SqlStatement(String sql, List<Object> params, RowWrite write, UpdateShape updateShape) {

    SqlStatement(String sql, List<Object> params, RowWrite write) {
        this(sql, params, write, null);
    }
}
