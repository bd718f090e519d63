package io.connectdelta.packaging;

import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.DebeziumMariaDb;
import io.connectdelta.testing.DebeziumPlugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Where the built plugin is, and a Connect worker (with its in-process broker) whose plugin.path holds only that
 * plugin folder, as on a real installation.
 */
final class PluginWorker {

    private PluginWorker() {
    }

    /** The repository's top folder (README.md, config-examples/). */
    static Path repositoryRoot() {
        String configured = System.getProperty("connectdelta.repository.root");
        Path root = configured != null ? Paths.get(configured) : Paths.get("").toAbsolutePath();
        if (!Files.isDirectory(root.resolve("config-examples")) && Files.isDirectory(root.resolve("../config-examples"))) {
            root = root.resolve("..");
        }
        return root.toAbsolutePath().normalize();
    }

    /** The plugin folder the build assembled: packaging/target/plugin/kafka-connect-delta. */
    static Path pluginFolder() {
        String configured = System.getProperty("connectdelta.plugin.folder");
        Path folder = configured != null ? Paths.get(configured)
                : repositoryRoot().resolve("packaging/target/plugin/kafka-connect-delta");
        if (!Files.isDirectory(folder.resolve("lib"))) {
            throw new IllegalStateException("No plugin in " + folder + ": run `mvn package -pl packaging -am` first");
        }
        return folder.toAbsolutePath().normalize();
    }

    /**
     * One worker whose plugin.path is the folder that contains the plugin folder, and the folder of the Debezium
     * connectors ({@link #debeziumPlugins}). It discovers plugins by their ServiceLoader manifests only
     * (plugin.discovery=service_load, Kafka's recommended mode), so a plugin class missing from its jar's manifest
     * is missing here too.
     */
    static ConnectCluster start() {
        return ConnectCluster.start(1, Map.of("plugin.path",
                pluginFolder().getParent() + "," + debeziumPlugins()));
    }

    /**
     * packaging/target/debezium-plugins, holding the Debezium PostgreSQL connector (the version the build uses,
     * system property connectdelta.debezium.version) and the MariaDB connector, each in a folder of its own:
     * their versions differ, and nothing of Debezium is on the class path (fetched with Maven the first time).
     */
    static Path debeziumPlugins() {
        String version = System.getProperty("connectdelta.debezium.version");
        if (version == null) {
            throw new IllegalStateException("Set connectdelta.debezium.version (the build's Debezium version)");
        }
        Path plugins = repositoryRoot().resolve("packaging/target/debezium-plugins");
        try {
            DebeziumPlugin.prepare(plugins, "debezium-connector-postgres", version);
            return DebeziumMariaDb.pluginPath(plugins);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while fetching the Debezium connectors", e);
        }
    }

    /** Polls a condition every 200 ms until it holds or the limit passes. */
    static boolean waitFor(Duration limit, BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
