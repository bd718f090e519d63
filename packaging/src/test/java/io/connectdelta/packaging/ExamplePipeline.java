package io.connectdelta.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import io.connectdelta.testing.ConnectCluster;
import io.connectdelta.testing.DebeziumMariaDb;
import io.connectdelta.testing.DebeziumPostgres;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Runs the connectors of config-examples/ in a Connect worker ({@link PluginWorker}): every PostgreSQL source
 * example reads the same PostgreSQL database ({@code ${SOURCE_...}}), every MariaDB source example the same database
 * on a MariaDB server with a binlog ({@code ${MARIADB_SOURCE_...}}), and every sink example writes its own target
 * database (PostgreSQL, or MariaDB for examples that use {@code ${MARIADB_URL}}), which must end equal to the source
 * database of the example feeding it. Shared by the end-to-end test and the demo.
 */
final class ExamplePipeline implements AutoCloseable {

    static final String OUR_PACKAGE = "io.connectdelta.";

    /** One example, resolved against the databases of this run. */
    record Example(String file, String name, Map<String, String> config, TestDatabase target) {
        String connectorClass() {
            return config.get("connector.class");
        }

        boolean isSink() {
            return connectorClass().startsWith(OUR_PACKAGE);
        }

        /** The plugin classes it needs: the connector, its transforms and predicates. */
        List<String> classes() {
            List<String> classes = new ArrayList<>();
            classes.add(connectorClass());
            config.forEach((key, value) -> {
                if ((key.startsWith("transforms.") || key.startsWith("predicates.")) && key.endsWith(".type")
                        && key.chars().filter(ch -> ch == '.').count() == 2) {
                    classes.add(value);
                }
            });
            return classes;
        }

        /**
         * The topic a source example writes the customers table to: {@code <prefix>.<schema>.customers} from
         * PostgreSQL, {@code <prefix>.<database>.customers} from MariaDB, as its table.include.list names it.
         */
        String topic() {
            return config.get("topic.prefix") + "." + config.get("table.include.list");
        }

        /** Whether a source example writes the topic: its table's, or its transaction metadata topic. */
        boolean writes(String topic) {
            return topic.equals(topic())
                    || (topic.equals(config.get("topic.prefix") + ".transaction")
                        && "true".equals(config.get("provide.transaction.metadata")));
        }

        /** The value of the connectdelta.format header a source example's events carry. */
        String format() {
            if (classes().stream().anyMatch(c -> c.endsWith(".ToIdOnly"))) {
                return "id-only";
            }
            boolean patch = config.entrySet().stream()
                    .anyMatch(e -> e.getKey().endsWith(".delta.format") && e.getValue().equals("json-patch"));
            if (classes().stream().anyMatch(c -> c.endsWith(".ToDelta"))) {
                return patch ? "json-patch" : "delta";
            }
            return "full";
        }
    }

    private final ConnectCluster worker;
    private final TestDatabase source;
    private final TestDatabase mariadbSource;
    private final Set<String> pluginClasses;
    private final Consumer<String> log;
    private final List<Example> examples = new ArrayList<>();
    private final Map<String, String> skipped = new LinkedHashMap<>();
    private final List<Example> created = new ArrayList<>();
    private final Path stateDir;

    /**
     * @param source        the PostgreSQL source database
     * @param mariadbSource the MariaDB source database, on a server with a binlog
     *                      ({@link io.connectdelta.testing.TestDatabases#binlogMariaDb})
     */
    ExamplePipeline(ConnectCluster worker, TestDatabase source, TestDatabase mariadbSource, Consumer<String> log) {
        this.worker = worker;
        this.source = source;
        this.mariadbSource = mariadbSource;
        this.pluginClasses = classesIn(PluginWorker.pluginFolder().resolve("lib"));
        this.log = log;
        try {
            // Transform state (ToFull's RocksDB store) of this run, under java.io.tmpdir (target/tmp in the build).
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(tmp);
            this.stateDir = Files.createTempDirectory(tmp, "connectdelta-state");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every class in the plugin's own jars (io.connectdelta.*). */
    static Set<String> classesIn(Path lib) {
        Set<String> classes = new TreeSet<>();
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.filter(j -> j.getFileName().toString().endsWith(".jar")).toList()) {
                try (ZipFile zip = new ZipFile(jar.toFile())) {
                    for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                        String entry = e.nextElement().getName();
                        if (entry.startsWith("io/connectdelta/") && entry.endsWith(".class")) {
                            classes.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }

    Set<String> pluginClasses() {
        return pluginClasses;
    }

    /** Reads every example, fills in the databases (creating one target database per sink example). */
    List<Example> prepare(ConfigExamples files) {
        return prepare(files, file -> true);
    }

    /** As {@link #prepare(ConfigExamples)}, for the examples whose file name the filter accepts. */
    List<Example> prepare(ConfigExamples files, java.util.function.Predicate<String> filter) {
        for (String file : files.names()) {
            if (!filter.test(file)) {
                continue;
            }
            Map<String, String> values = new HashMap<>(ConfigExamples.databaseValues("SOURCE", source));
            values.putAll(ConfigExamples.databaseValues("MARIADB_SOURCE", mariadbSource));
            // The binlog connector logs in as the replication user.
            values.put("MARIADB_SOURCE_USER", DebeziumMariaDb.USER);
            values.put("MARIADB_SOURCE_PASSWORD", DebeziumMariaDb.PASSWORD);
            values.put("KAFKA_BOOTSTRAP_SERVERS", worker.embedded().kafka().bootstrapServers());
            values.put("STATE_DIR", stateDir.toString());
            values.put("REPLICATION_FACTOR", "1"); // the in-process broker is a single broker
            Set<String> placeholders = files.placeholders(file);
            Map<String, String> unresolved = new HashMap<>();
            placeholders.forEach(p -> unresolved.put(p, "unresolved"));
            Example draft = new Example(file, files.connectorName(file), files.config(file, unresolved), null);
            TestDatabase target = null;
            if (missingClass(draft) != null) {
                // No target database for an example that cannot run yet; its placeholders stay unresolved.
                placeholders.forEach(p -> values.putIfAbsent(p, "unresolved"));
            } else if (placeholders.contains("MARIADB_URL")) {
                target = TestDatabases.mariadb().createDatabase("cd_" + file.replace('-', '_'));
                values.putAll(ConfigExamples.databaseValues("MARIADB", target));
            } else if (placeholders.contains("POSTGRES_URL")) {
                target = TestDatabases.postgres().createDatabase("cd_" + file.replace('-', '_'));
                values.putAll(ConfigExamples.databaseValues("POSTGRES", target));
            }
            examples.add(new Example(file, files.connectorName(file), files.config(file, values), target));
        }
        return List.copyOf(examples);
    }

    /** Adds a connector that is not in config-examples/ (the demo's plain Debezium source, for comparison). */
    void add(Example example) {
        examples.add(example);
    }

    /**
     * Why the example cannot run with this build of the plugin (a class not in it yet, a mode the connector does not
     * define yet), or null when it can.
     */
    String notRunnable(Example example) {
        if (DebeziumPostgres.CONNECTOR_CLASS.equals(example.connectorClass())
                && !DebeziumPostgres.slotName(example.name()).equals(example.config().get("slot.name"))) {
            throw new IllegalStateException(example.file() + ".json: name its slot.name and publication.name after "
                    + "the connector (" + DebeziumPostgres.slotName(example.name()) + "), so they can be found and dropped");
        }
        String missing = missingClass(example);
        if (missing != null) {
            return missing;
        }
        if (example.isSink()) {
            for (String topic : example.config().getOrDefault("topics", "").split(",")) {
                Example feeder = feederOf(topic.trim());
                if (feeder == null) {
                    return "no source example writes its topic " + topic;
                }
                String feederReason = notRunnable(feeder);
                if (feederReason != null) {
                    return "its source " + feeder.file() + ".json cannot run: " + feederReason;
                }
            }
        }
        if (example.config().containsKey("transaction.aware")) {
            JsonNode result = worker.validate(example.config());
            if (!defines(result, "transaction.aware")) {
                return "the sink does not define transaction.aware yet (the transaction-aware mode is not built)";
            }
        }
        return null;
    }

    /** The source example that writes a topic, or null. */
    private Example feederOf(String topic) {
        return examples.stream().filter(e -> !e.isSink() && e.writes(topic)).findFirst().orElse(null);
    }

    /**
     * The database whose table an example's events come from: a source example's own, or for a sink that of the
     * source example feeding its first topic.
     */
    TestDatabase sourceOf(Example example) {
        if (example.isSink()) {
            String topic = example.config().getOrDefault("topics", "").split(",")[0].trim();
            Example feeder = feederOf(topic);
            if (feeder == null) {
                throw new IllegalStateException(example.file() + ".json: no source example writes " + topic);
            }
            return sourceOf(feeder);
        }
        return DebeziumMariaDb.CONNECTOR_CLASS.equals(example.connectorClass()) ? mariadbSource : source;
    }

    private String missingClass(Example example) {
        for (String type : example.classes()) {
            if (type.startsWith(OUR_PACKAGE) && !pluginClasses.contains(type)) {
                return type + " is not in the plugin yet";
            }
        }
        return null;
    }

    /** PUT .../config/validate; returns the error messages by key (empty when valid). */
    Map<String, List<String>> validate(Example example) {
        JsonNode result = worker.validate(example.config());
        Map<String, List<String>> errors = new LinkedHashMap<>(ConnectCluster.validationErrors(result));
        if (errors.isEmpty() && result.path("error_count").asInt() != 0) {
            errors.put("(connector)", List.of(result.toString()));
        }
        return errors;
    }

    private static boolean defines(JsonNode validation, String key) {
        for (JsonNode config : validation.path("configs")) {
            if (key.equals(config.path("definition").path("name").asText())) {
                return true;
            }
        }
        return false;
    }

    /** Creates the runnable examples of one kind (sources or sinks) and waits until they run; returns them. */
    List<Example> start(boolean sinks) {
        List<Example> started = new ArrayList<>();
        for (Example example : examples) {
            if (example.isSink() != sinks) {
                continue;
            }
            String reason = notRunnable(example);
            if (reason != null) {
                skipped.put(example.file(), reason);
                log.accept("skipping " + example.file() + ".json: " + reason);
                continue;
            }
            if (example.isSink() && "none".equals(example.config().get("schema.evolution"))) {
                CustomersWorkload.createTargetTable(example.target());
            }
            // POST /connectors with the example's {"name", "config"}, as its file says.
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("name", example.name());
            request.put("config", example.config());
            ConnectCluster.expectSuccess("POST /connectors " + example.name(), worker.post("/connectors", request));
            created.add(example);
            worker.awaitRunning(example.name(), 1, Duration.ofSeconds(60));
            log.accept("running " + example.file() + ".json (" + example.name() + ")");
            started.add(example);
            if (!sinks) {
                awaitTopic(example.topic());
                if ("true".equals(example.config().get("provide.transaction.metadata"))) {
                    // Debezium creates it with the first transaction, but a sink consumer that subscribed before
                    // only notices a new topic at its next metadata refresh (metadata.max.age.ms, 5 minutes):
                    // create it up front, as an operator would.
                    String transactions = example.config().get("topic.prefix") + ".transaction";
                    if (worker.embedded().kafka().describeTopics(transactions).get(transactions).isEmpty()) {
                        worker.createTopic(transactions, 1);
                    }
                }
            }
        }
        return started;
    }

    Map<String, String> skipped() {
        return skipped;
    }

    /** Waits until a source has written its first event (its snapshot is under way), so sinks find the topic. */
    private void awaitTopic(String topic) {
        worker.consume(topic, 1, Duration.ofSeconds(60));
    }

    /**
     * Waits until the target table holds exactly the rows of the source table feeding the sink; returns the last
     * difference or null.
     */
    String awaitTargetEqualsSource(Example sink, Duration limit) {
        List<List<String>> expected = CustomersWorkload.rows(sourceOf(sink));
        String[] difference = {null};
        boolean equal = PluginWorker.waitFor(limit, () -> {
            List<List<String>> actual = CustomersWorkload.rows(sink.target());
            if (expected.equals(actual)) {
                return true;
            }
            difference[0] = describeDifference(expected, actual);
            return false;
        });
        return equal ? null : difference[0];
    }

    private static String describeDifference(List<List<String>> expected, List<List<String>> actual) {
        if (actual == null) {
            return "the target table does not exist";
        }
        Set<List<String>> missing = new java.util.LinkedHashSet<>(expected);
        actual.forEach(missing::remove);
        Set<List<String>> extra = new java.util.LinkedHashSet<>(actual);
        expected.forEach(extra::remove);
        return expected.size() + " source rows, " + actual.size() + " target rows; first missing: "
                + missing.stream().findFirst().orElse(null) + "; first unexpected: "
                + extra.stream().findFirst().orElse(null);
    }

    /** Deletes the connectors, then the replication slots and publications the sources left in the database. */
    @Override
    public void close() {
        for (Example example : created) {
            try {
                worker.deleteConnector(example.name());
            } catch (RuntimeException e) {
                log.accept("could not delete " + example.name() + ": " + e.getMessage());
            }
        }
        for (Example example : created) {
            if (DebeziumPostgres.CONNECTOR_CLASS.equals(example.connectorClass())) {
                DebeziumPostgres.dropSlotAndPublication(source, example.name());
            }
        }
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            log.accept("could not delete " + stateDir + ": " + e.getMessage());
        }
    }

}
