package io.connectdelta.sink.writer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;

/**
 * Creates tables (and columns) that several tasks of one connector may create at the same moment (they start
 * together). Even
 * {@code CREATE TABLE IF NOT EXISTS} loses that race in PostgreSQL's catalog (SQLState 23505 or 42P07), and MariaDB
 * reports error 1050: when the table exists after the failure, another task created it, and that is success.
 */
final class ConcurrentDdl {
    private static final Logger LOG = LoggerFactory.getLogger(ConcurrentDdl.class);

    @FunctionalInterface
    interface Exists {
        boolean check(Connection connection) throws SQLException;
    }

    private ConcurrentDdl() {
    }

    /**
     * Runs the DDL creating {@code what} (e.g. "Table t"); returns true when this call created it, false when another
     * task just had.
     */
    static boolean create(Connection connection, String what, String sql, Exists exists) throws SQLException {
        // In a transaction PostgreSQL refuses everything after an error until a rollback: keep a way back.
        Savepoint savepoint = connection.getAutoCommit() ? null : connection.setSavepoint();
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
            return true;
        } catch (SQLException e) {
            rollbackTo(connection, savepoint);
            if (!exists.check(connection)) {
                throw e;
            }
            LOG.info("{} was created by another task at the same time (SQLState {})", what, e.getSQLState());
            return false;
        }
    }

    private static void rollbackTo(Connection connection, Savepoint savepoint) {
        if (savepoint == null) {
            return;
        }
        try {
            connection.rollback(savepoint);
        } catch (SQLException e) {
            // MariaDB commits before DDL, which ends the savepoint: there is nothing to roll back then.
            LOG.debug("No savepoint to roll back to after a failed CREATE: {}", e.toString());
        }
    }
}
