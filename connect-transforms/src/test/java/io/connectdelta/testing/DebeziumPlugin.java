package io.connectdelta.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Puts a Debezium connector of another version than ours (3.7, on the test class path) into a plugin.path folder
 * of its own, fetched with Maven, so that its Debezium classes never meet ours: Connect loads a plugin folder's
 * classes first. The folder leaves out the jars the Connect runtime provides (Kafka clients, Connect API, Jackson,
 * SLF4J, compression codecs), as a plugin installation would.
 */
public final class DebeziumPlugin {
    private static final List<String> PROVIDED_BY_RUNTIME = List.of("connect-api", "kafka-clients",
            "jackson-annotations", "jackson-core", "jackson-databind", "jackson-datatype-jsr310", "slf4j-api",
            "lz4-java", "snappy-java", "zstd-jni", "jakarta.ws.rs-api");

    private DebeziumPlugin() {
    }

    /**
     * Returns the plugin folder {@code <pluginPath>/<artifactId>} holding {@code io.debezium:<artifactId>:<version>}
     * and its runtime dependencies but {@code alsoProvided} (artifact ids the worker's class path has, e.g. a JDBC
     * driver whose ServiceLoader plugins must not come in two versions), downloading them the first time;
     * {@code pluginPath} is the worker's plugin.path.
     */
    public static Path prepare(Path pluginPath, String artifactId, String version, String... alsoProvided)
            throws IOException, InterruptedException {
        Path plugin = pluginPath.resolve(artifactId);
        Path marker = plugin.resolve(".complete-" + version);
        if (Files.exists(marker)) {
            return plugin;
        }
        Files.createDirectories(plugin);
        Path pom = pluginPath.resolve(artifactId + "-pom.xml");
        Files.writeString(pom, "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
                + "<groupId>io.connectdelta.testing</groupId><artifactId>" + artifactId + "-plugin</artifactId>"
                + "<version>1</version><dependencies><dependency><groupId>io.debezium</groupId>"
                + "<artifactId>" + artifactId + "</artifactId><version>" + version + "</version></dependency>"
                + "</dependencies></project>");
        ProcessBuilder mvn = new ProcessBuilder("mvn", "-B", "-q", "-f", pom.toString(),
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
                "-DoutputDirectory=" + plugin, "-DincludeScope=runtime",
                "-DexcludeArtifactIds=" + String.join(",", PROVIDED_BY_RUNTIME) + (alsoProvided.length == 0 ? ""
                        : "," + String.join(",", alsoProvided)))
                .inheritIO();
        System.out.printf("[debezium plugin] Fetching io.debezium:%s:%s into %s%n", artifactId, version, plugin);
        Process process = mvn.start();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("Could not fetch " + artifactId + " " + version + " with Maven: "
                    + mvn.command());
        }
        Files.createFile(marker);
        return plugin;
    }
}
