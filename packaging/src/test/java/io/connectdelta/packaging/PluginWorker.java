package io.connectdelta.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One Kafka Connect worker (with its in-process broker) whose plugin.path holds only the built plugin folder, driven
 * through its REST API like an operator would.
 */
final class PluginWorker implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddedConnectCluster cluster;

    private PluginWorker(EmbeddedConnectCluster cluster) {
        this.cluster = cluster;
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

    static PluginWorker start() {
        Map<String, String> worker = new HashMap<>();
        // plugin.path lists folders that contain plugin folders, as on a real worker.
        worker.put("plugin.path", pluginFolder().getParent().toString());
        worker.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("key.converter.schemas.enable", "true");
        worker.put("value.converter.schemas.enable", "true");
        worker.put("offset.flush.interval.ms", "1000");
        worker.put("connector.client.config.override.policy", "All");
        // Finds plugins with and without ServiceLoader manifests (PluginPackageIT checks ours have them).
        worker.put("plugin.discovery", "hybrid_warn");
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name("connectdelta")
                .numWorkers(1)
                .workerProps(worker)
                .build();
        cluster.start();
        return new PluginWorker(cluster);
    }

    EmbeddedConnectCluster cluster() {
        return cluster;
    }

    /** GET on a REST resource such as {@code connector-plugins?connectorsOnly=false}. */
    JsonNode get(String resource) {
        return read(cluster.requestGet(cluster.endpointForResource(resource)), "GET " + resource);
    }

    /** PUT /connector-plugins/{class}/config/validate. */
    JsonNode validate(String connectorClass, Map<String, String> config) {
        String resource = "connector-plugins/" + URLEncoder.encode(connectorClass, StandardCharsets.UTF_8)
                + "/config/validate";
        return read(cluster.requestPut(cluster.endpointForResource(resource), toJson(config)), "PUT " + resource);
    }

    /** POST /connectors with {"name", "config"}. */
    JsonNode create(String name, Map<String, String> config) {
        ObjectNode request = JSON.createObjectNode();
        request.put("name", name);
        request.set("config", JSON.valueToTree(config));
        Response response = cluster.requestPost(cluster.endpointForResource("connectors"), request.toString(),
                Map.of("Content-Type", "application/json"));
        return read(response, "POST /connectors " + name);
    }

    /** DELETE /connectors/{name}. */
    void delete(String name) {
        Response response = cluster.requestDelete(cluster.endpointForResource("connectors/" + name));
        if (response.getStatus() >= 300 && response.getStatus() != 404) {
            throw new IllegalStateException("DELETE " + name + " answered " + response.getStatus() + ": "
                    + body(response));
        }
    }

    /** Waits until the connector and all its tasks run; fails with the worker's status (and trace) otherwise. */
    void awaitRunning(String name, Duration limit) {
        String[] last = {""};
        boolean running = waitFor(limit, () -> {
            Response response = cluster.requestGet(cluster.endpointForResource("connectors/" + name + "/status"));
            if (response.getStatus() != 200) {
                last[0] = body(response);
                return false;
            }
            JsonNode status = parse(body(response));
            last[0] = status.toString();
            if (status.path("tasks").toString().contains("\"FAILED\"")
                    || "FAILED".equals(status.path("connector").path("state").asText())) {
                throw new AssertionError("Connector " + name + " failed: " + status.toPrettyString());
            }
            boolean tasksRunning = status.path("tasks").size() > 0;
            for (JsonNode task : status.path("tasks")) {
                tasksRunning &= "RUNNING".equals(task.path("state").asText());
            }
            return "RUNNING".equals(status.path("connector").path("state").asText()) && tasksRunning;
        });
        if (!running) {
            throw new AssertionError("Connector " + name + " is not running after " + limit + ": " + last[0]);
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

    private static JsonNode read(Response response, String request) {
        String body = body(response);
        if (response.getStatus() >= 300) {
            throw new IllegalStateException(request + " answered " + response.getStatus() + ": " + body);
        }
        return parse(body);
    }

    /** The body of the worker's answer (the embedded cluster hands it over as an outbound response). */
    private static String body(Response response) {
        Object entity = response.getEntity();
        return entity == null ? "" : entity.toString();
    }

    private static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("Not JSON: " + body, e);
        }
    }

    private static String toJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        cluster.stop();
    }
}
