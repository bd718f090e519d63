package io.connectdelta.sink.e2e;

import io.connectdelta.testing.DebeziumMariaDb;
import io.connectdelta.testing.TestDatabase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Map;

/**
 * The bank on the MariaDB server that writes a binlog (ROW format, GTIDs), captured by Debezium's MariaDB connector
 * from a plugin folder of its own. Its topics are {@code <prefix>.<database>.<table>}; its transaction ids are
 * MariaDB GTIDs.
 */
final class MariaDbBankSource extends BankSource {
    MariaDbBankSource(TestDatabase server, String name) {
        super(server, name);
    }

    @Override
    Map<String, String> workerProps() {
        try {
            return Map.of("plugin.path", DebeziumMariaDb.pluginPath().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while fetching the Debezium MariaDB connector", e);
        }
    }

    @Override
    Map<String, String> connectorConfig(String connectorName, String prefix) {
        try {
            // Its schema history file goes to java.io.tmpdir (under target/ in the build).
            Files.createDirectories(Paths.get(System.getProperty("java.io.tmpdir")));
            return DebeziumMariaDb.connectorConfig(database(), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    void awaitStreaming(String connectorName) {
        DebeziumMariaDb.awaitStreaming(database(), BankPipeline.TIMEOUT);
    }

    @Override
    String topic(String prefix, String table) {
        return prefix + "." + database().database() + "." + table;
    }

    @Override
    void release(String connectorName) {
        // A binlog reader keeps nothing on the server.
    }
}
