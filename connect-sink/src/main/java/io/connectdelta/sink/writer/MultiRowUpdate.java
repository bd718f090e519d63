package io.connectdelta.sink.writer;

import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.TableInfo;
import io.connectdelta.sink.dialect.UpdateShape;
import io.connectdelta.sink.plan.RowWrite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs plain UPDATEs of one shape as one multi-row statement (dialects that have one): the database runs one
 * statement instead of one per row. The statement returns the position of every row it found, so the rows that
 * found none are known as exactly as from a JDBC batch's update counts.
 */
final class MultiRowUpdate {
    /** Bind parameters one statement may carry: PostgreSQL's protocol counts them in 16 bits. */
    static final int MAX_PARAMETERS = 65_535;
    /** Rows per statement: beyond a few hundred a longer statement saves hardly anything, but costs memory. */
    static final int MAX_ROWS = 1_000;

    private final Dialect dialect;

    MultiRowUpdate(Dialect dialect) {
        this.dialect = dialect;
    }

    /** The most rows of {@code shape} one statement takes, within {@code batchSize}. */
    static int maxRows(UpdateShape shape, int batchSize) {
        return Math.max(1, Math.min(Math.min(batchSize, MAX_ROWS), MAX_PARAMETERS / shape.parametersPerRow()));
    }

    /** Updates the rows of {@code statements} (all of {@code shape}) in one statement; returns those not found. */
    List<RowWrite> execute(Connection c, TableInfo table, UpdateShape shape, List<SqlStatement> statements)
            throws SQLException {
        String sql = dialect.multiRowUpdate(dialect.quote(table.name()), shape, statements.size());
        boolean[] found = new boolean[statements.size()];
        try (PreparedStatement prepared = c.prepareStatement(sql)) {
            int index = 1;
            for (SqlStatement statement : statements) {
                for (Object param : statement.params()) {
                    dialect.bind(c, prepared, index++, param);
                }
            }
            try (ResultSet rows = prepared.executeQuery()) {
                while (rows.next()) {
                    found[rows.getInt(1)] = true;
                }
            }
        }
        List<RowWrite> missing = new ArrayList<>();
        for (int i = 0; i < found.length; i++) {
            if (!found[i]) {
                missing.add(statements.get(i).write());
            }
        }
        return missing;
    }
}
