package io.connectdelta.sink.writer;

import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.plan.RowWrite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** One UPDATE of many rows from arrays: its SQL, its array parameters and the rows' writes in array order. */
record ArrayUpdateChunk(String sql, List<Object> params, List<RowWrite> writes) {

    /** Runs it; returns the writes whose row it did not find (it returns the position of each row it found). */
    List<RowWrite> execute(Connection c, Dialect dialect) throws SQLException {
        boolean[] found = new boolean[writes.size()];
        try (PreparedStatement prepared = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                dialect.bind(c, prepared, i + 1, params.get(i));
            }
            try (ResultSet rows = prepared.executeQuery()) {
                while (rows.next()) {
                    found[rows.getInt(1) - 1] = true;
                }
            }
        }
        List<RowWrite> missing = new ArrayList<>();
        for (int i = 0; i < found.length; i++) {
            if (!found[i]) {
                missing.add(writes.get(i));
            }
        }
        return missing;
    }
}
