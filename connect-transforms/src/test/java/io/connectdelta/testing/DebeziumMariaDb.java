package io.connectdelta.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Debezium's MariaDB connector (a binlog connector) against {@link TestDatabases#binlogMariaDb}. It is 3.5.0.Final
 * (later versions do not resolve here), so it runs from a plugin.path folder of its own: {@link #pluginPath}.
 */
public final class DebeziumMariaDb {
    public static final String CONNECTOR_CLASS = "io.debezium.connector.mariadb.MariaDbConnector";
    public static final String VERSION = "3.5.0.Final";
    /** The replication user {@link TestDatabases#binlogMariaDb} creates. */
    public static final String USER = "debezium";
    public static final String PASSWORD = "dbz";

    private DebeziumMariaDb() {
    }

    /**
     * A worker plugin.path holding the connector, under target/ (fetched with Maven the first time). Without its
     * MariaDB driver: the class path has a newer one, and two sets of the driver's codecs fail to load.
     */
    public static Path pluginPath() throws IOException, InterruptedException {
        return pluginPath(Paths.get("target", "debezium-plugins").toAbsolutePath());
    }

    /** As {@link #pluginPath()}, in the worker plugin.path {@code pluginPath}; returns it. */
    public static Path pluginPath(Path pluginPath) throws IOException, InterruptedException {
        DebeziumPlugin.prepare(pluginPath, "debezium-connector-mariadb", VERSION, "mariadb-java-client");
        return pluginPath;
    }

    /**
     * A connector config capturing the database of {@code db} from the current end of the binlog (no snapshot of
     * data), with transaction metadata, topics {@code <topicPrefix>.<database>.<table>} and its schema history in
     * a file.
     */
    public static Map<String, String> connectorConfig(TestDatabase db, String topicPrefix) throws IOException {
        Path history = Files.createTempFile(Paths.get(System.getProperty("java.io.tmpdir")), "schema-history", ".dat");
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", CONNECTOR_CLASS);
        config.put("tasks.max", "1");
        config.put("database.hostname", db.host());
        config.put("database.port", String.valueOf(db.port()));
        config.put("database.user", USER);
        config.put("database.password", PASSWORD);
        config.put("database.server.id", String.valueOf(5000 + ThreadLocalRandom.current().nextInt(100_000)));
        config.put("database.ssl.mode", "disable");
        config.put("database.include.list", db.database());
        config.put("topic.prefix", topicPrefix);
        config.put("snapshot.mode", "no_data");
        config.put("provide.transaction.metadata", "true");
        config.put("schema.history.internal", "io.debezium.storage.file.history.FileSchemaHistory");
        config.put("schema.history.internal.file.filename", history.toString());
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        return config;
    }

    /** Waits until a connector reads the binlog (a Binlog Dump session of the replication user is open). */
    public static void awaitStreaming(TestDatabase db, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                         + "WHERE USER = '" + USER + "' AND COMMAND LIKE 'Binlog Dump%'")) {
                if (rs.next() && rs.getInt(1) > 0) {
                    return;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            ConnectCluster.sleep(200);
        }
        throw new IllegalStateException("No connector reads the binlog of " + db + " after " + timeout);
    }
}
