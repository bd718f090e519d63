package io.connectdelta.bench;

import io.connectdelta.testing.DebeziumPlugin;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The Debezium JDBC sink 3.5.0.Final, the baseline, in its own plugin.path folder, so that its Debezium 3.5
 * classes never meet the 3.7 ones on our classpath.
 */
public final class DebeziumJdbcPlugin {
    public static final String VERSION = "3.5.0.Final";

    private DebeziumJdbcPlugin() {
    }

    /** Returns the plugin folder (under {@code dir}), downloading it with Maven the first time. */
    public static Path prepare(Path dir) throws IOException, InterruptedException {
        BenchmarkMain.log("Debezium JDBC sink %s in %s", VERSION, dir);
        return DebeziumPlugin.prepare(dir, "debezium-connector-jdbc", VERSION);
    }
}
