package io.connectdelta.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Puts the Debezium JDBC sink 3.5.0.Final, the baseline, in its own plugin.path folder, so that its Debezium 3.5
 * classes never meet the 3.7 ones on our classpath. The folder leaves out the jars the Connect runtime provides
 * (Kafka clients, Connect API, Jackson, SLF4J, compression codecs), as a plugin installation would.
 */
public final class DebeziumJdbcPlugin {
    public static final String VERSION = "3.5.0.Final";
    private static final List<String> PROVIDED_BY_RUNTIME = List.of("connect-api", "kafka-clients",
            "jackson-annotations", "jackson-core", "jackson-databind", "jackson-datatype-jsr310", "slf4j-api",
            "lz4-java", "snappy-java", "zstd-jni", "jakarta.ws.rs-api");

    private DebeziumJdbcPlugin() {
    }

    /** Returns the plugin folder ({@code <dir>/debezium-jdbc}), downloading it with Maven the first time. */
    public static Path prepare(Path dir) throws IOException, InterruptedException {
        Path plugin = dir.resolve("debezium-jdbc");
        Path marker = plugin.resolve(".complete");
        if (Files.exists(marker)) {
            return plugin;
        }
        Files.createDirectories(plugin);
        Path pom = dir.resolve("debezium-jdbc-pom.xml");
        Files.writeString(pom, "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
                + "<groupId>io.connectdelta.bench</groupId><artifactId>debezium-jdbc-baseline</artifactId><version>1</version>"
                + "<dependencies><dependency><groupId>io.debezium</groupId><artifactId>debezium-connector-jdbc</artifactId>"
                + "<version>" + VERSION + "</version></dependency></dependencies></project>");
        ProcessBuilder mvn = new ProcessBuilder("mvn", "-B", "-q", "-f", pom.toString(),
                "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
                "-DoutputDirectory=" + plugin, "-DincludeScope=runtime",
                "-DexcludeArtifactIds=" + String.join(",", PROVIDED_BY_RUNTIME))
                .inheritIO();
        BenchmarkMain.log("Fetching the Debezium JDBC sink %s into %s", VERSION, plugin);
        Process process = mvn.start();
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException("Could not fetch the Debezium JDBC sink with Maven: " + mvn.command());
        }
        Files.createFile(marker);
        return plugin;
    }
}
