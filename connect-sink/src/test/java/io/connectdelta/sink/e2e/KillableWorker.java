package io.connectdelta.sink.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.testing.ConnectCluster;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.json.JsonConverter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A distributed Connect worker in a JVM of its own ({@link ConnectDistributed} on this JVM's class path), joined to
 * a {@link ConnectCluster}'s broker in a group of its own, so that a test can kill it for real ({@code kill -9})
 * and start another in its place. Its source offsets are flushed only every 10 minutes: a kill loses what it
 * read since the last flush, so a source connector must read it again.
 */
final class KillableWorker implements AutoCloseable {
    /** The exit status of a process killed by SIGKILL (128 + 9). */
    static final int KILLED_BY_SIGKILL = 137;
    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final ConnectCluster connect;
    private final String group;
    private final Path directory;
    private Process process;
    private URI url;
    private int starts;

    private KillableWorker(ConnectCluster connect, String group, Path directory) {
        this.connect = connect;
        this.group = group;
        this.directory = directory;
    }

    /** Starts a worker of group {@code group} (also naming its topics) on {@code connect}'s broker. */
    static KillableWorker start(ConnectCluster connect, String group) {
        try {
            Path directory = Files.createDirectories(Path.of("target", "killable-workers", group));
            KillableWorker worker = new KillableWorker(connect, group, directory);
            worker.startProcess();
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The REST base URL of the running worker, e.g. http://127.0.0.1:41234/. */
    URI url() {
        return url;
    }

    /** A REST request to the running worker; {@code path} is relative, e.g. connectors/x/status. */
    ConnectCluster.Response send(String method, String path, Object body) {
        return connect.send(method, url.resolve(path).toString(), body);
    }

    void putConnector(String name, Map<String, String> config) {
        ConnectCluster.expectSuccess("create connector " + name, send("PUT", "connectors/" + name + "/config", config));
    }

    /** The connector's committed source offsets (GET /connectors/{name}/offsets): an empty array before any flush. */
    JsonNode offsets(String name) {
        return ConnectCluster.expectSuccess("offsets of " + name, send("GET", "connectors/" + name + "/offsets", null))
                .path("offsets");
    }

    /** Waits until the connector's task 0 runs on this worker; fails at once when it failed. */
    void awaitTaskRunning(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            ConnectCluster.Response response = send("GET", "connectors/" + name + "/status", null);
            if (response.isSuccess()) {
                status = response.body();
                JsonNode task = status.path("tasks").path(0);
                if ("FAILED".equals(task.path("state").asText())) {
                    throw new IllegalStateException("Task 0 of " + name + " failed: " + task.path("trace").asText());
                }
                if ("RUNNING".equals(task.path("state").asText())) {
                    return;
                }
            }
            ConnectCluster.sleep(200);
        }
        throw new IllegalStateException("The task of " + name + " is not running after " + timeout + ": " + status
                + " (see " + log() + ")");
    }

    /** Kills the worker's JVM with SIGKILL (no shutdown hook, no offset flush) and returns its exit status. */
    int kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("The worker did not die within 30 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** Starts a new worker process in the same group, with the same topics (after {@link #kill}). */
    void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("The worker still runs");
        }
        startProcess();
    }

    private void startProcess() {
        int port = freePort();
        starts++;
        Map<String, String> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", connect.bootstrapServers());
        props.put("group.id", group);
        props.put("config.storage.topic", group + "-configs");
        props.put("offset.storage.topic", group + "-offsets");
        props.put("status.storage.topic", group + "-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("offset.storage.partitions", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("status.storage.partitions", "1");
        props.put("key.converter", JsonConverter.class.getName());
        props.put("value.converter", JsonConverter.class.getName());
        props.put("listeners", "http://127.0.0.1:" + port);
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.put("rest.advertised.port", String.valueOf(port));
        props.put("offset.flush.interval.ms", String.valueOf(Duration.ofMinutes(10).toMillis()));
        // The killed worker never comes back: give its connectors to the new one at once, not after 5 minutes,
        // and notice its departure after 6 s (the broker's minimum session timeout).
        props.put("scheduled.rebalance.max.delay.ms", "0");
        props.put("session.timeout.ms", "6000");
        props.put("heartbeat.interval.ms", "1000");
        props.put("plugin.discovery", "service_load");
        try {
            Path config = directory.resolve("worker.properties");
            StringBuilder text = new StringBuilder();
            props.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
            Files.writeString(config, text);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // A quick start and little CPU: the worker runs one source task.
            command.add("-Xmx512m");
            command.add("-XX:TieredStopAtLevel=1");
            command.add("-XX:+UseSerialGC");
            command.add("-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"));
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(ConnectDistributed.class.getName());
            command.add(config.toString());
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log().toFile()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        url = URI.create("http://127.0.0.1:" + port + "/");
        awaitRestApi();
    }

    /** The current process's output. */
    Path log() {
        return directory.resolve("worker-" + starts + ".log");
    }

    private void awaitRestApi() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The worker exited with " + process.exitValue() + ": see " + log());
            }
            try {
                if (send("GET", "connectors", null).isSuccess()) {
                    return;
                }
            } catch (IllegalStateException notYet) {
                // not listening yet
            }
            ConnectCluster.sleep(250);
        }
        throw new IllegalStateException("The worker's REST API is not up after " + STARTUP + ": see " + log());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
