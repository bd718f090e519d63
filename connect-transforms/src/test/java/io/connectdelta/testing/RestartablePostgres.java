package io.connectdelta.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of its own (embedded, zonky) that a test may restart: stopped and started again on the same
 * port and data directory, so every connection breaks and the data stays, as in an operator's restart. Use it as
 * a target when the fault under test is a database restart; the shared {@link TestDatabases#postgres()} also serves
 * Debezium sources and must stay up.
 */
public final class RestartablePostgres implements AutoCloseable {
    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres server;

    private RestartablePostgres(Path dataDirectory, int port) {
        this.dataDirectory = dataDirectory;
        this.port = port;
    }

    public static RestartablePostgres start() {
        try {
            Path tmp = Paths.get(System.getProperty("java.io.tmpdir")).toAbsolutePath();
            Files.createDirectories(tmp);
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            RestartablePostgres postgres = new RestartablePostgres(Files.createTempDirectory(tmp, "restartable-pg"), port);
            postgres.server = postgres.launch();
            return postgres;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start a restartable embedded PostgreSQL", e);
        }
    }

    private EmbeddedPostgres launch() throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setServerConfig("max_connections", "100")
                .setServerConfig("fsync", "off")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
    }

    /** The server's {@code postgres} database. */
    public TestDatabase database() {
        return new TestDatabase("postgresql", "localhost", port, "postgres", "", "postgres", "embedded, restartable");
    }

    /** Stops the server (fast shutdown: sessions are ended), waits {@code downtime}, and starts it again. */
    public synchronized void restart(Duration downtime) {
        try {
            server.close();
            Thread.sleep(downtime.toMillis());
            server = launch();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot restart PostgreSQL on port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        System.out.println("[test databases] PostgreSQL restarted: " + database());
    }

    @Override
    public synchronized void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot stop PostgreSQL on port " + port, e);
        } finally {
            try (Stream<Path> paths = Files.walk(dataDirectory)) {
                paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException ignored) {
                // best effort: it lives under the build's temporary directory
            }
        }
    }
}
