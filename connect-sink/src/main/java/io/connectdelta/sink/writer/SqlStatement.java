package io.connectdelta.sink.writer;

import io.connectdelta.sink.plan.RowWrite;

import java.util.List;

/** One statement to run: its SQL (statements with equal SQL batch together), its parameters and its row. */
record SqlStatement(String sql, List<Object> params, RowWrite write) {
}
