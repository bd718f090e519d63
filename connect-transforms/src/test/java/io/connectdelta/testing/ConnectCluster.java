package io.connectdelta.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A real Kafka Connect cluster in this JVM (Kafka's EmbeddedConnectCluster: an in-process KRaft broker and N
 * distributed workers), driven the way users drive Connect: connectors are created, validated and deleted
 * through the REST API from JSON. Start one per test class (a worker takes ~10 s to start).
 * <p>
 * Workers default to JsonConverter with schemas for keys and values (override with extra worker props).
 * The embedded broker does not auto-create topics: create them with {@link #createTopic}, and give source
 * connectors {@code topic.creation.default.*} settings (see {@link DebeziumPostgres}).
 */
public final class ConnectCluster implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final EmbeddedConnectCluster cluster;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** A REST response: status code and body (NullNode when empty or not JSON). */
    public record Response(int status, JsonNode body) {
        public boolean isSuccess() {
            return status >= 200 && status < 300;
        }
    }

    private ConnectCluster(EmbeddedConnectCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts a broker and {@code workers} workers with these worker properties on top of the defaults. */
    public static ConnectCluster start(int workers, Map<String, String> extraWorkerProps) {
        Map<String, String> props = new HashMap<>();
        props.put("key.converter", JsonConverter.class.getName());
        props.put("value.converter", JsonConverter.class.getName());
        props.put("offset.flush.interval.ms", "1000");
        props.put("connector.client.config.override.policy", "All");
        // Every plugin here ships a ServiceLoader manifest: skip the slow class path scan.
        props.put("plugin.discovery", "service_load");
        props.putAll(extraWorkerProps);
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name("connect-delta-" + Long.toHexString(System.nanoTime()))
                .numWorkers(workers)
                .workerProps(props)
                .build();
        cluster.start();
        ConnectCluster connect = new ConnectCluster(cluster);
        connect.awaitWorkers(workers, Duration.ofSeconds(60));
        return connect;
    }

    /** The underlying Kafka test cluster, for what this class does not wrap. */
    public EmbeddedConnectCluster embedded() {
        return cluster;
    }

    public String bootstrapServers() {
        return cluster.kafka().bootstrapServers();
    }

    /** The REST base URL of one running worker, e.g. http://localhost:8083/. */
    public URI restUrl() {
        return cluster.workers().iterator().next().url();
    }

    private void awaitWorkers(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int healthy = 0;
            for (WorkerHandle worker : cluster.workers()) {
                try {
                    if (send("GET", worker.url().resolve("connector-plugins").toString(), null).isSuccess()) {
                        healthy++;
                    }
                } catch (RuntimeException e) {
                    // not up yet
                }
            }
            if (healthy >= count) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Only " + healthy + " of " + count + " Connect workers came up");
            }
            sleep(200);
        }
    }

    // ---- REST ------------------------------------------------------------------------------------------

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response put(String path, Object body) {
        return send("PUT", path, body);
    }

    public Response post(String path, Object body) {
        return send("POST", path, body);
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    /** Sends a request; {@code body} is a JsonNode, a JSON string, or any object Jackson can write. */
    public Response send(String method, String path, Object body) {
        try {
            String json = body == null ? null : body instanceof String ? (String) body : JSON.writeValueAsString(body);
            URI uri = path.startsWith("http") ? URI.create(path)
                    : restUrl().resolve(path.startsWith("/") ? path.substring(1) : path);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                    .header("Accept", "application/json");
            if (json != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode node = NullNode.getInstance();
            if (response.body() != null && !response.body().isBlank()) {
                try {
                    node = JSON.readTree(response.body());
                } catch (IOException e) {
                    node = JSON.getNodeFactory().textNode(response.body());
                }
            }
            return new Response(response.statusCode(), node);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The body of a successful response; an IllegalStateException with status and body otherwise. */
    public static JsonNode expectSuccess(String what, Response response) {
        if (!response.isSuccess()) {
            throw new IllegalStateException(what + " answered " + response.status() + ": " + response.body());
        }
        return response.body();
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    // ---- connectors ------------------------------------------------------------------------------------

    /** Creates (or reconfigures) a connector: PUT /connectors/{name}/config; fails on an error status. */
    public JsonNode putConnector(String name, Map<String, String> config) {
        return expectSuccess("create connector " + name, put("/connectors/" + encode(name) + "/config", config));
    }

    /** Creates a connector from its JSON config object (the body of PUT /connectors/{name}/config). */
    public JsonNode putConnector(String name, String configJson) {
        return expectSuccess("create connector " + name, put("/connectors/" + encode(name) + "/config", configJson));
    }

    /**
     * Validates a config: PUT /connector-plugins/{class}/config/validate. Returns the response body, whose
     * {@code error_count} and {@code configs[].value.errors} tell what is wrong.
     */
    public JsonNode validate(Map<String, String> config) {
        String connectorClass = config.get("connector.class");
        return expectSuccess("validate " + connectorClass,
                put("/connector-plugins/" + encode(connectorClass) + "/config/validate", config));
    }

    /** The error messages of a validation response, by config key. */
    public static Map<String, List<String>> validationErrors(JsonNode validation) {
        Map<String, List<String>> errors = new HashMap<>();
        for (JsonNode config : validation.path("configs")) {
            List<String> messages = new ArrayList<>();
            config.path("value").path("errors").forEach(e -> messages.add(e.asText()));
            if (!messages.isEmpty()) {
                errors.put(config.path("value").path("name").asText(), messages);
            }
        }
        return errors;
    }

    public void deleteConnector(String name) {
        Response response = delete("/connectors/" + encode(name));
        if (!response.isSuccess() && response.status() != 404) {
            throw new IllegalStateException("Deleting connector " + name + " answered " + response);
        }
    }

    public JsonNode status(String name) {
        return get("/connectors/" + encode(name) + "/status").body();
    }

    /**
     * Waits until the connector and at least {@code tasks} tasks are RUNNING; fails at once, with the worker's
     * trace, when the connector or a task FAILED.
     */
    public void awaitRunning(String name, int tasks, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode status = null;
        while (System.nanoTime() < deadline) {
            Response response = get("/connectors/" + encode(name) + "/status");
            if (response.isSuccess()) {
                status = response.body();
                String state = status.path("connector").path("state").asText();
                if ("FAILED".equals(state)) {
                    throw new IllegalStateException("Connector " + name + " failed: " + status.path("connector").path("trace").asText());
                }
                int running = 0;
                for (JsonNode task : status.path("tasks")) {
                    if ("FAILED".equals(task.path("state").asText())) {
                        throw new IllegalStateException("Task " + task.path("id").asInt() + " of " + name + " failed: "
                                + task.path("trace").asText());
                    }
                    if ("RUNNING".equals(task.path("state").asText())) {
                        running++;
                    }
                }
                if ("RUNNING".equals(state) && running >= tasks) {
                    return;
                }
            }
            sleep(200);
        }
        throw new IllegalStateException("Connector " + name + " is not running after " + timeout + ": " + status);
    }

    /** The first FAILED task's trace of a connector, or null while none failed. */
    public String failedTaskTrace(String name) {
        for (JsonNode task : status(name).path("tasks")) {
            if ("FAILED".equals(task.path("state").asText())) {
                return task.path("trace").asText();
            }
        }
        return null;
    }

    // ---- topics and records ----------------------------------------------------------------------------

    public void createTopic(String topic, int partitions) {
        cluster.kafka().createTopic(topic, partitions);
    }

    public void produce(String topic, byte[] key, byte[] value) {
        try (KafkaProducer<byte[], byte[]> producer = cluster.kafka().createProducer(Map.of())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot produce to " + topic, e);
        }
    }

    /** Produces a Connect record through JsonConverter (with schemas when the schemas are given). */
    public void produceJson(String topic, Schema keySchema, Object key, Schema valueSchema, Object value) {
        JsonConverter keys = jsonConverter(true, keySchema != null);
        JsonConverter values = jsonConverter(false, valueSchema != null);
        produce(topic, keys.fromConnectData(topic, keySchema, key), values.fromConnectData(topic, valueSchema, value));
    }

    /** Every record of a topic from its beginning, waiting until at least {@code count} arrived. */
    public List<ConsumerRecord<byte[], byte[]>> consume(String topic, int count, Duration timeout) {
        return consumeUntil(topic, records -> records.size() >= count, timeout);
    }

    /**
     * Reads a topic from its beginning until {@code done} accepts what was read (checked after each poll);
     * fails with what was read when the time runs out.
     */
    public List<ConsumerRecord<byte[], byte[]>> consumeUntil(String topic,
                                                             Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                             Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "connect-delta-test-" + System.nanoTime());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = cluster.kafka().createConsumer(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null) {
                    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
                if (partitions.isEmpty()) {
                    sleep(200);
                }
            }
            if (partitions.isEmpty()) {
                throw new IllegalStateException("Topic " + topic + " does not exist after " + timeout);
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!done.test(records)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Read " + records.size() + " records from " + topic + " in " + timeout
                            + " without reaching what the test waits for");
                }
                consumer.poll(Duration.ofMillis(250)).forEach(records::add);
            }
        }
        return records;
    }

    /** A JsonConverter as the workers use it. */
    public static JsonConverter jsonConverter(boolean isKey, boolean schemas) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", String.valueOf(schemas), "decimal.format", "BASE64"), isKey);
        return converter;
    }

    /**
     * A consumed record as Connect sees it in a sink task: key and value through JsonConverter (with schemas
     * when {@code schemas}), headers through the worker's default SimpleHeaderConverter.
     */
    public static SinkRecord toConnect(ConsumerRecord<byte[], byte[]> record, boolean schemas) {
        return toConnect(record, schemas, schemas);
    }

    /** As {@link #toConnect(ConsumerRecord, boolean)}, with keys and values written with or without schemas. */
    public static SinkRecord toConnect(ConsumerRecord<byte[], byte[]> record, boolean keySchemas, boolean valueSchemas) {
        SchemaAndValue key = jsonConverter(true, keySchemas).toConnectData(record.topic(), record.key());
        SchemaAndValue value = jsonConverter(false, valueSchemas).toConnectData(record.topic(), record.value());
        ConnectHeaders headers = new ConnectHeaders();
        SimpleHeaderConverter headerConverter = new SimpleHeaderConverter();
        for (Header header : record.headers()) {
            SchemaAndValue converted = headerConverter.toConnectHeader(record.topic(), header.key(), header.value());
            headers.add(header.key(), converted);
        }
        return new SinkRecord(record.topic(), record.partition(), key.schema(), key.value(), value.schema(),
                value.value(), record.offset(), record.timestamp(), record.timestampType(), headers);
    }

    /** The value of a consumed record as a JSON tree (null for a tombstone). */
    public static JsonNode json(byte[] bytes) {
        try {
            return bytes == null ? null : JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("Not JSON: " + new String(bytes, StandardCharsets.UTF_8), e);
        }
    }

    /** Thread.sleep for test code: an interrupt is restored and rethrown unchecked. */
    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        cluster.stop();
    }
}
