package io.connectdelta.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs one sink connector through the worker's REST API and times it: from the moment its consumer group is
 * stable (so task start-up and the group join are not counted, for every sink alike) to the moment the sentinel
 * row is in the target table.
 */
final class ConnectSinkRunner {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EmbeddedConnectCluster connect;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Admin admin;

    ConnectSinkRunner(EmbeddedConnectCluster connect) {
        this.connect = connect;
        this.admin = connect.kafka().createAdminClient();
    }

    /** Elapsed nanoseconds to apply the whole topic. */
    long run(String name, Map<String, String> config, TargetTable target, String table) throws Exception {
        try {
            long start = start(name, config);
            long end = target.awaitSentinel(table, Duration.ofMinutes(15), () -> failIfFailed(name));
            return end - start;
        } finally {
            delete(name);
        }
    }

    /** Creates a sink connector and waits until its consumer group is stable; returns that moment's nanoTime. */
    long start(String name, Map<String, String> config) throws Exception {
        create(name, config);
        return awaitStableGroup("connect-" + name, name);
    }

    /** Creates a connector through the REST API. */
    void create(String name, Map<String, String> config) throws Exception {
        String body = JSON.writeValueAsString(Map.of("name", name, "config", config));
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(connect.endpointForResource("connectors")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("Creating " + name + " failed: " + created.statusCode() + " " + created.body());
        }
    }

    void delete(String name) throws Exception {
        http.send(HttpRequest.newBuilder(URI.create(connect.endpointForResource("connectors/" + name))).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long awaitStableGroup(String group, String connector) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
                if (description != null && description.groupState() == GroupState.STABLE && !description.members().isEmpty()) {
                    return System.nanoTime();
                }
            } catch (java.util.concurrent.ExecutionException e) {
                // The group does not exist until the task's consumer first joins.
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException)) {
                    throw e;
                }
            }
            failIfFailed(connector);
            Thread.sleep(10);
        }
        throw new IllegalStateException("The consumer group of " + connector + " did not become stable");
    }

    void failIfFailed(String connector) {
        try {
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(
                    URI.create(connect.endpointForResource("connectors/" + connector + "/status"))).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (status.statusCode() != 200) {
                return;
            }
            JsonNode node = JSON.readTree(status.body());
            for (JsonNode task : node.path("tasks")) {
                if ("FAILED".equals(task.path("state").asText())) {
                    throw new IllegalStateException("Task of " + connector + " failed: " + task.path("trace").asText());
                }
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void close() {
        admin.close();
    }
}
