package io.connectdelta.sink;

import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.SinkDialects;
import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.Items;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transient failures are retried with backoff; the others are not. */
class TransientFailureTest {
    static DatabasePair databases;

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("sink_transient");
    }

    static Stream<String> dbs() {
        return DatabasePair.kinds();
    }

    /** Kills every other session on the test database: the sink's connection breaks under it. */
    static void killSinkConnections(TestDatabase db) {
        if (db.isPostgres()) {
            TaskHarness.query(db, "SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity "
                    + "WHERE datname = current_database() AND pid <> pg_backend_pid()");
        } else {
            for (Map<String, Object> session : TaskHarness.query(db, "SELECT ID AS id FROM information_schema.PROCESSLIST "
                    + "WHERE DB = DATABASE() AND ID <> CONNECTION_ID()")) {
                db.execute("KILL " + session.get("id"));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void aLostConnectionIsRetriedAndTheWriteSucceeds(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "lost");
        TestDeltaEncoder e = Items.encoder(table);
        Map<String, String> config = TaskHarness.baseConfig(db, "lost-" + table);
        config.put("max.retries", "3");
        try (TaskHarness task = new TaskHarness(config, table)) {
            task.putAndCommit(e.full("c", null, e.row("id", 1, "name", "one")));
            killSinkConnections(db);
            task.putAndCommit(e.deltaUpdate(1, "name", "after the reconnect"));
            assertEquals(1, task.task().metrics().getRetries());
        }
        assertEquals("after the reconnect", Items.row(db, table, 1).get("name"));
    }

    @Test
    void sqlStatesTellTransientFromPermanent() {
        for (String url : new String[]{"jdbc:postgresql://h/d", "jdbc:mariadb://h/d"}) {
            Dialect dialect = SinkDialects.forUrl(url);
            assertTrue(dialect.isTransient(new SQLException("serialization failure", "40001")), url);
            assertTrue(dialect.isTransient(new SQLException("connection lost", "08006")), url);
            assertFalse(dialect.isTransient(new SQLIntegrityConstraintViolationException("duplicate", "23505")), url);
            assertFalse(dialect.isTransient(new SQLException("syntax", "42601")), url);
        }
        assertTrue(SinkDialects.forUrl("jdbc:postgresql://h/d").isTransient(new SQLException("deadlock", "40P01")));
        assertTrue(SinkDialects.forUrl("jdbc:mariadb://h/d").isTransient(new SQLException("lock wait", "HY000", 1205)));
    }
}
