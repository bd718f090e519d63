package io.connectdelta.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Provides the real databases the tests need, once per JVM, on any machine with Java and Maven:
 * <ol>
 *   <li>a server the user names: {@code CONNECTDELTA_TEST_POSTGRES_URL} / {@code CONNECTDELTA_TEST_MARIADB_URL}
 *       (host:port, with {@code ..._USER} and {@code ..._PASSWORD});</li>
 *   <li>Testcontainers, where a Docker engine answers;</li>
 *   <li>otherwise PostgreSQL embedded (zonky, started with wal_level=logical so Debezium can read it), and a
 *       private MariaDB server started from the installed {@code mariadbd} in its own data directory and port;
 *       where MariaDB is not installed and the build runs as root on Debian/Ubuntu, it installs the OS package
 *       {@code mariadb-server} first.</li>
 * </ol>
 * Every server handed out is stopped when the JVM exits.
 */
public final class TestDatabases {
    private static TestDatabase postgres;
    private static TestDatabase mariadb;
    private static TestDatabase binlogMariaDb;
    /** The private mariadbd this JVM started (null when MariaDB is a container or a named server). */
    private static PrivateServer privateMariaDb;
    private static Boolean docker;

    /** A server process this JVM started: its command line, so it can be started again on the same port and data. */
    private static final class PrivateServer {
        final List<String> command;
        final Path log;
        final TestDatabase db;
        volatile Process process;

        PrivateServer(List<String> command, Path log, TestDatabase db) {
            this.command = command;
            this.log = log;
            this.db = db;
        }

        void start() throws IOException, InterruptedException {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try (Connection ignored = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
                    return;
                } catch (SQLException e) {
                    if (!process.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("MariaDB did not start; see " + log, e);
                    }
                    Thread.sleep(100);
                }
            }
        }

        /** A clean shutdown (SIGTERM), as an operator's restart would do; forced after 30 s. */
        void stop() throws InterruptedException {
            Process running = process;
            if (running == null) {
                return;
            }
            running.destroy();
            if (!running.waitFor(30, TimeUnit.SECONDS)) {
                running.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private TestDatabases() {
    }

    /** The PostgreSQL server (wal_level=logical), database {@code postgres}. */
    public static synchronized TestDatabase postgres() {
        if (postgres == null) {
            postgres = startPostgres();
            System.out.println("[test databases] PostgreSQL: " + postgres);
        }
        return postgres;
    }

    /** The MariaDB server, database {@code mysql}. */
    public static synchronized TestDatabase mariadb() {
        if (mariadb == null) {
            mariadb = startMariaDb();
            System.out.println("[test databases] MariaDB: " + mariadb);
        }
        return mariadb;
    }

    /**
     * A second MariaDB server that writes a binlog for Debezium's binlog connectors: log_bin, binlog_format=ROW,
     * GTIDs (MariaDB always writes them), a server_id, and a replication user {@code debezium} / {@code dbz}
     * (returned as the login). binlog_row_image is a session variable: a test sets FULL, NOBLOB or MINIMAL on
     * the connection that writes. Always a private server (named servers and containers rarely have a binlog);
     * database {@code mysql}.
     */
    public static synchronized TestDatabase binlogMariaDb() {
        if (binlogMariaDb == null) {
            Path server = findMariaDbServer();
            if (server == null) {
                mariadb();
                server = findMariaDbServer();
            }
            if (server == null) {
                throw new IllegalStateException("A binlog source needs a local MariaDB server (mariadbd)");
            }
            TestDatabase root = startPrivateMariaDb(server, List.of("--log-bin=mysql-bin", "--binlog-format=ROW",
                    "--server-id=1", "--log-basename=binlog", "--binlog-row-image=FULL",
                    "--innodb-buffer-pool-size=64M"), "binlog server")
                    .db;
            root.execute("CREATE USER 'debezium'@'%' IDENTIFIED BY 'dbz'",
                    "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, BINLOG MONITOR, LOCK TABLES ON *.* "
                            + "TO 'debezium'@'%'");
            binlogMariaDb = root;
            System.out.println("[test databases] MariaDB with binlog: " + binlogMariaDb);
        }
        return binlogMariaDb;
    }

    /** Whether {@link #restartMariaDb} can restart the MariaDB server (only a private server this JVM started). */
    public static synchronized boolean canRestartMariaDb() {
        mariadb();
        return privateMariaDb != null;
    }

    /**
     * Stops the private MariaDB server, keeps it down for {@code downtime}, and starts it again on the same port
     * and data directory; returns once it accepts connections. Every open connection is lost, as in a real
     * database restart. Only for the private server (see {@link #canRestartMariaDb}).
     */
    public static synchronized void restartMariaDb(Duration downtime) {
        if (!canRestartMariaDb()) {
            throw new IllegalStateException("MariaDB " + mariadb + " was not started by this JVM: cannot restart it");
        }
        try {
            privateMariaDb.stop();
            Thread.sleep(downtime.toMillis());
            privateMariaDb.start();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start MariaDB again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        System.out.println("[test databases] MariaDB restarted: " + mariadb);
    }

    private static synchronized boolean dockerAvailable() {
        if (docker == null) {
            try {
                docker = DockerClientFactory.instance().isDockerAvailable();
            } catch (Throwable e) {
                docker = false;
            }
        }
        return docker;
    }

    private static TestDatabase startPostgres() {
        TestDatabase named = fromEnvironment("POSTGRES", "postgresql", "postgres", "postgres");
        if (named != null) {
            return named;
        }
        if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine")
                    .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=20",
                            "-c", "max_wal_senders=20");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            return new TestDatabase("postgresql", container.getHost(), container.getMappedPort(5432),
                    container.getUsername(), container.getPassword(), container.getDatabaseName(), "container");
        }
        try {
            EmbeddedPostgres embedded = EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "off")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    embedded.close();
                } catch (IOException ignored) {
                    // the JVM is exiting
                }
            }));
            return new TestDatabase("postgresql", "localhost", embedded.getPort(), "postgres", "", "postgres", "embedded");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start embedded PostgreSQL", e);
        }
    }

    private static TestDatabase startMariaDb() {
        TestDatabase named = fromEnvironment("MARIADB", "mariadb", "root", "mysql");
        if (named != null) {
            return named;
        }
        if (dockerAvailable()) {
            MariaDBContainer container = new MariaDBContainer("mariadb:11");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            return new TestDatabase("mariadb", container.getHost(), container.getMappedPort(3306), "root",
                    container.getPassword(), "mysql", "container");
        }
        Path server = findMariaDbServer();
        if (server == null) {
            installMariaDbPackage();
            server = findMariaDbServer();
        }
        if (server == null) {
            throw new IllegalStateException("The tests need MariaDB: install it (Debian/Ubuntu: apt-get install "
                    + "mariadb-server), run Docker, or name a server in CONNECTDELTA_TEST_MARIADB_URL");
        }
        PrivateServer started = startPrivateMariaDb(server, List.of("--skip-log-bin"), "private server");
        privateMariaDb = started;
        return started.db;
    }

    private static TestDatabase fromEnvironment(String name, String kind, String defaultUser, String defaultDb) {
        String url = System.getenv("CONNECTDELTA_TEST_" + name + "_URL");
        if (url == null || url.isBlank()) {
            return null;
        }
        String[] hostPort = url.trim().split(":");
        String user = System.getenv().getOrDefault("CONNECTDELTA_TEST_" + name + "_USER", defaultUser);
        String password = System.getenv().getOrDefault("CONNECTDELTA_TEST_" + name + "_PASSWORD", "");
        return new TestDatabase(kind, hostPort[0], Integer.parseInt(hostPort[1]), user, password, defaultDb,
                "named by CONNECTDELTA_TEST_" + name + "_URL");
    }

    private static Path findMariaDbServer() {
        for (String candidate : List.of("/usr/sbin/mariadbd", "/usr/bin/mariadbd", "/usr/local/bin/mariadbd",
                "/usr/sbin/mysqld", "/usr/local/mysql/bin/mariadbd")) {
            Path path = Paths.get(candidate);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        return null;
    }

    private static Path findInstallDb(Path server) {
        List<Path> candidates = new ArrayList<>();
        for (String dir : List.of("/usr/bin", "/usr/local/bin", server.getParent().toString())) {
            candidates.add(Paths.get(dir, "mariadb-install-db"));
            candidates.add(Paths.get(dir, "mysql_install_db"));
        }
        return candidates.stream().filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException("Found " + server + " but no mariadb-install-db beside it"));
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void installMariaDbPackage() {
        if (!isRoot() || !Files.isExecutable(Paths.get("/usr/bin/apt-get"))) {
            return;
        }
        System.out.println("[test databases] MariaDB is not installed: installing the OS package mariadb-server");
        run(Duration.ofMinutes(5), "apt-get", "update", "-qq");
        ProcessBuilder install = new ProcessBuilder("apt-get", "install", "-y", "-qq", "--no-install-recommends",
                "mariadb-server");
        install.environment().put("DEBIAN_FRONTEND", "noninteractive");
        run(Duration.ofMinutes(10), install);
    }

    private static PrivateServer startPrivateMariaDb(Path server, List<String> options, String origin) {
        try {
            Path tmp = Paths.get(System.getProperty("java.io.tmpdir")).toAbsolutePath();
            Files.createDirectories(tmp);
            Path base = Files.createTempDirectory(tmp, "mariadb");
            Path data = base.resolve("data");
            // The socket path must stay short (108 bytes): keep it in /tmp, not under target/.
            Path socket = Files.createTempFile(Paths.get("/tmp"), "cd-mariadb", ".sock");
            Files.delete(socket);
            int port = freePort();
            List<String> installCmd = new ArrayList<>(List.of(findInstallDb(server).toString(), "--no-defaults",
                    "--datadir=" + data, "--auth-root-authentication-method=normal", "--skip-test-db"));
            List<String> serverCmd = new ArrayList<>(List.of(server.toString(), "--no-defaults", "--datadir=" + data,
                    "--port=" + port, "--bind-address=127.0.0.1", "--socket=" + socket,
                    "--pid-file=" + base.resolve("mariadb.pid"), "--innodb-buffer-pool-size=256M",
                    "--innodb-flush-log-at-trx-commit=2", "--max-connections=300", "--character-set-server=utf8mb4",
                    "--collation-server=utf8mb4_unicode_ci"));
            serverCmd.addAll(options);
            if (isRoot()) {
                installCmd.add("--user=root");
                serverCmd.add("--user=root");
            }
            run(Duration.ofMinutes(2), new ProcessBuilder(installCmd).redirectErrorStream(true)
                    .redirectOutput(base.resolve("install.log").toFile()));
            TestDatabase db = new TestDatabase("mariadb", "127.0.0.1", port, "root", "", "mysql",
                    origin + " from " + server);
            PrivateServer started = new PrivateServer(serverCmd, base.resolve("server.log"), db);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.stop();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                deleteTree(base);
            }));
            started.start();
            return started;
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start a private MariaDB server", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void run(Duration limit, String... command) {
        run(limit, new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.INHERIT));
    }

    private static void run(Duration limit, ProcessBuilder builder) {
        try {
            Process process = builder.start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("Timed out: " + builder.command());
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Failed with exit code " + process.exitValue() + ": " + builder.command());
            }
        } catch (IOException e) {
            throw new IllegalStateException("Cannot run " + builder.command(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
