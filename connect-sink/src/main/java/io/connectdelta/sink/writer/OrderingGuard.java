package io.connectdelta.sink.writer;

import io.connectdelta.event.LogPosition;
import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.TableInfo;
import io.connectdelta.sink.metrics.SinkTaskMetrics;
import io.connectdelta.sink.plan.RowWrite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The ordering guard (ordering.guard.column.name): every write of a row with a known source position stores it in
 * the position column, and UPDATEs, upserts' updates and DELETEs apply only where the stored position is NULL, older,
 * or of another log (positions of different logs do not compare; the later write wins then). So an older event
 * that arrives again never overwrites a newer row. Writes without a position are unconditional and leave the stored
 * position as it is.
 */
final class OrderingGuard {
    /** Existence checks per query: its text grows with the rows it checks. */
    private static final int ROWS_PER_CHECK = 500;

    private final Dialect dialect;
    private final String column;
    private final String quoted;

    OrderingGuard(Dialect dialect, String column) {
        this.dialect = dialect;
        this.column = column;
        this.quoted = dialect.quote(column);
    }

    String column() {
        return column;
    }

    String quotedColumn() {
        return quoted;
    }

    /**
     * The position a write stores and is conditional on: its newest event's, as text that sorts like positions of
     * one log. Null when that event has none (a snapshot, no source block): the write is unconditional.
     */
    static String position(RowWrite write) {
        LogPosition position = write.lastEvent().logPosition();
        return position == null ? null : position.encode();
    }

    /**
     * The condition that lets a write at {@code newPosition} (an SQL expression) through. The stored position is
     * qualified by the table: in PostgreSQL's ON CONFLICT a bare name could also mean EXCLUDED's column.
     */
    private String allows(TableInfo table, String newPosition) {
        String stored = dialect.quoteTable(table.name()) + "." + quoted;
        return "(" + stored + " IS NULL OR " + stored + " < " + newPosition + " OR " + stored + " >= "
                + dialect.logEnd(newPosition) + ")";
    }

    /** {@link #allows} a bound position; appends its parameters. */
    String allows(TableInfo table, String position, List<Object> params) {
        params.add(position);
        params.add(position);
        return allows(table, "?");
    }

    /** An upsert's condition: the existing row's position lets the proposed one through. */
    String allowsProposed(TableInfo table) {
        return allows(table, dialect.proposed(quoted));
    }

    /**
     * Of the guarded writes that changed no row, counts those whose row exists (it is newer: stale writes, skipped)
     * and returns the others, whose row is missing.
     */
    List<RowWrite> withoutStale(Connection c, TableInfo table, List<RowWrite> unchanged, StatementFactory statements,
                                SinkTaskMetrics metrics) throws SQLException {
        List<RowWrite> missing = new ArrayList<>();
        List<RowWrite> guarded = new ArrayList<>();
        for (RowWrite write : unchanged) {
            (position(write) == null ? missing : guarded).add(write);
        }
        for (int from = 0; from < guarded.size(); from += ROWS_PER_CHECK) {
            List<RowWrite> chunk = guarded.subList(from, Math.min(guarded.size(), from + ROWS_PER_CHECK));
            boolean[] exists = new boolean[chunk.size()];
            List<Object> params = new ArrayList<>();
            try (PreparedStatement query = c.prepareStatement(statements.existingRows(table, chunk, params))) {
                for (int i = 0; i < params.size(); i++) {
                    dialect.bind(c, query, i + 1, params.get(i));
                }
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        exists[rows.getInt(1)] = true;
                    }
                }
            }
            for (int i = 0; i < chunk.size(); i++) {
                if (exists[i]) {
                    metrics.recordStaleWriteSkipped();
                } else {
                    missing.add(chunk.get(i));
                }
            }
        }
        return missing;
    }
}
