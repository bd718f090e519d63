package io.connectdelta.sink.writer;

import io.connectdelta.event.ChangeEventReader;
import io.connectdelta.sink.DeltaJdbcSinkConfig;
import io.connectdelta.sink.dialect.Dialect;
import io.connectdelta.sink.dialect.SinkDialects;
import io.connectdelta.sink.metrics.SinkTaskMetrics;
import io.connectdelta.sink.progress.PartitionProgress;
import io.connectdelta.sink.plan.FlushPlan;
import io.connectdelta.sink.plan.PlanBuilder;
import io.connectdelta.sink.support.DatabasePair;
import io.connectdelta.sink.support.Items;
import io.connectdelta.sink.support.TaskHarness;
import io.connectdelta.sink.support.TestDeltaEncoder;
import io.connectdelta.testing.TestDatabase;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A connection lost while the commit was acknowledged: the database committed, the writer saw a transient error.
 * In exactly-once mode the retry finds the write's offsets recorded and does not apply it a second time.
 */
class LostCommitAcknowledgementTest {
    static DatabasePair databases;

    @BeforeAll
    static void databases() {
        databases = DatabasePair.create("sink_lost_ack");
    }

    static Stream<String> dbs() {
        return DatabasePair.kinds();
    }

    /** Real connections whose next {@code failures} commits go through and then report a lost connection. */
    private static JdbcWriter.ConnectionOpener losingAcknowledgements(DeltaJdbcSinkConfig config, Dialect dialect,
                                                                     AtomicInteger failures) {
        return () -> {
            Connection real = JdbcWriter.connect(config, dialect);
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
                    new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        Object result;
                        try {
                            result = method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                        if (method.getName().equals("commit") && failures.getAndDecrement() > 0) {
                            real.close();
                            throw new SQLException("connection lost after the commit", "08006");
                        }
                        return result;
                    });
        };
    }

    /** Inserts fail on an existing key: a write applied twice cannot go unnoticed. */
    private static DeltaJdbcSinkConfig config(TestDatabase db, String table, boolean exactlyOnce) {
        Map<String, String> props = TaskHarness.baseConfig(db, "ack-" + table);
        props.put("insert.mode", "insert");
        props.put("max.retries", "2");
        props.put("exactly.once.enabled", Boolean.toString(exactlyOnce));
        return new DeltaJdbcSinkConfig(props);
    }

    private static FlushPlan insertOf(DeltaJdbcSinkConfig config, TestDeltaEncoder e, int id, String name) {
        PlanBuilder plan = new PlanBuilder(config);
        plan.add(new ChangeEventReader().read(e.full("c", null, e.row("id", id, "name", name))));
        return plan.take();
    }

    static PartitionProgress progress(long nextOffset) {
        return new PartitionProgress(nextOffset, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void theRetryOfACommittedWriteFindsItsOffsetsAndAppliesNothingAgain(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "ack");
        TestDeltaEncoder e = Items.encoder(table);
        DeltaJdbcSinkConfig config = config(db, table, true);
        Dialect dialect = SinkDialects.forUrl(config.connectionUrl());
        SinkTaskMetrics metrics = new SinkTaskMetrics();
        AtomicInteger failures = new AtomicInteger(0);
        TopicPartition partition = new TopicPartition(table, 0);
        try (JdbcWriter writer = new JdbcWriter(config, dialect, metrics, "test-instance", losingAcknowledgements(config, dialect, failures))) {
            writer.claim(List.of(partition));
            for (int id = 1; id <= 3; id++) {
                failures.set(1);
                writer.write(List.of(insertOf(config, e, id, "row " + id)), Map.of(partition, progress(id)), null);
                assertEquals(id, metrics.getRetries(), "the lost acknowledgement was retried");
                assertEquals("row " + id, Items.row(db, table, id).get("name"));
                assertEquals(Map.of(partition, progress(id)), writer.readProgress(List.of(partition)));
            }
        }
        metrics.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dbs")
    void withoutRecordedOffsetsTheRetryAppliesTheWriteAgain(String kind) {
        TestDatabase db = databases.of(kind);
        String table = Items.create(db, "ack_control");
        TestDeltaEncoder e = Items.encoder(table);
        DeltaJdbcSinkConfig config = config(db, table, false);
        Dialect dialect = SinkDialects.forUrl(config.connectionUrl());
        SinkTaskMetrics metrics = new SinkTaskMetrics();
        AtomicInteger failures = new AtomicInteger(1);
        try (JdbcWriter writer = new JdbcWriter(config, dialect, metrics, "test-instance", losingAcknowledgements(config, dialect, failures))) {
            TopicPartition partition = new TopicPartition(table, 0);
            WriteFailure failure = assertThrows(WriteFailure.class,
                    () -> writer.write(List.of(insertOf(config, e, 1, "once")), Map.of(partition, progress(1)), null));
            assertTrue(failure.getMessage().contains("23") || failure.getMessage().toLowerCase().contains("duplicate"),
                    failure.getMessage());
        }
        metrics.close();
    }
}
