package io.connectdelta.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Debezium's PostgreSQL source connector (pgoutput) against a test database. Each connector gets its own
 * replication slot and publication, named after it; tests must {@link #dropSlotAndPublication} them at the end,
 * or the server keeps WAL for them.
 */
public final class DebeziumPostgres {
    public static final String CONNECTOR_CLASS = "io.debezium.connector.postgresql.PostgresConnector";

    private DebeziumPostgres() {
    }

    /** The replication slot (and publication) name for a connector name: lower case letters, digits, '_'. */
    public static String slotName(String connectorName) {
        return connectorName.toLowerCase().replaceAll("[^a-z0-9_]", "_");
    }

    /**
     * A connector config capturing {@code tables} (Debezium's table.include.list, e.g. public.big) from the
     * start of streaming (no snapshot), with topics {@code <topicPrefix>.<schema>.<table>} created with one
     * partition and replication factor 1 (the embedded broker needs both).
     */
    public static Map<String, String> connectorConfig(TestDatabase db, String connectorName, String topicPrefix,
                                                      String tables) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", CONNECTOR_CLASS);
        config.put("tasks.max", "1");
        config.put("database.hostname", db.host());
        config.put("database.port", String.valueOf(db.port()));
        config.put("database.user", db.user());
        config.put("database.password", db.password().isEmpty() ? "unused" : db.password());
        config.put("database.dbname", db.database());
        config.put("topic.prefix", topicPrefix);
        config.put("plugin.name", "pgoutput");
        config.put("slot.name", slotName(connectorName));
        config.put("publication.name", slotName(connectorName));
        config.put("publication.autocreate.mode", "filtered");
        config.put("table.include.list", tables);
        config.put("snapshot.mode", "no_data");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        return config;
    }

    /**
     * Waits until the connector's replication slot exists and is active: from then on every committed change
     * reaches the connector.
     */
    public static void awaitStreaming(TestDatabase db, String connectorName, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = db.connect();
                 PreparedStatement s = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
                s.setString(1, slotName(connectorName));
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return;
                    }
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            ConnectCluster.sleep(200);
        }
        throw new IllegalStateException("The replication slot of " + connectorName + " is not active after " + timeout);
    }

    /** Drops the connector's replication slot (waiting for it to be released) and its publication. */
    public static void dropSlotAndPublication(TestDatabase db, String connectorName) {
        String slot = slotName(connectorName);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            while (true) {
                try (PreparedStatement drop = c.prepareStatement(
                        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                    drop.setString(1, slot);
                    drop.execute();
                    break;
                } catch (SQLException e) {
                    // The slot stays active for a moment after its connector was deleted.
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    ConnectCluster.sleep(250);
                }
            }
            s.execute("DROP PUBLICATION IF EXISTS " + slot);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot drop slot and publication " + slot + ": " + e.getMessage(), e);
        }
    }
}
