package io.connectdelta.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The connector configurations in config-examples/, as POSTed to /connectors, with their placeholders
 * ({@code ${POSTGRES_URL}}, ...) filled in. Lower-case placeholders such as {@code ${source.table}} belong to the
 * connectors themselves and are left alone.
 */
final class ConfigExamples {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path folder;

    ConfigExamples(Path folder) {
        this.folder = folder;
    }

    static ConfigExamples inRepository() {
        return new ConfigExamples(PluginWorker.repositoryRoot().resolve("config-examples"));
    }

    /** The example file names without .json, sorted. */
    List<String> names() {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The upper-case placeholders the example uses. */
    java.util.Set<String> placeholders(String example) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        read(example).get("config").fields().forEachRemaining(field -> {
            Matcher matcher = PLACEHOLDER.matcher(field.getValue().asText());
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
        });
        return names;
    }

    /** The connector name the example declares. */
    String connectorName(String example) {
        return read(example).get("name").asText();
    }

    /** The example's config with every placeholder replaced; fails on a placeholder without a value. */
    Map<String, String> config(String example, Map<String, String> values) {
        JsonNode root = read(example);
        Map<String, String> config = new LinkedHashMap<>();
        root.get("config").fields().forEachRemaining(field -> {
            Matcher matcher = PLACEHOLDER.matcher(field.getValue().asText());
            StringBuilder filled = new StringBuilder();
            while (matcher.find()) {
                String value = values.get(matcher.group(1));
                if (value == null) {
                    throw new IllegalArgumentException(example + ".json: no value for ${" + matcher.group(1) + "} in "
                            + field.getKey());
                }
                matcher.appendReplacement(filled, Matcher.quoteReplacement(value));
            }
            matcher.appendTail(filled);
            config.put(field.getKey(), filled.toString());
        });
        config.put("name", root.get("name").asText());
        return config;
    }

    private JsonNode read(String example) {
        Path file = folder.resolve(example + ".json");
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.path("name").isTextual() || !root.path("config").isObject()) {
                throw new IllegalStateException(file + " must be {\"name\": ..., \"config\": {...}}");
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    /** Placeholder values for connecting to a database: {@code <PREFIX>_URL, _HOST, _PORT, _USER, _PASSWORD, _DATABASE}. */
    static Map<String, String> databaseValues(String prefix, io.connectdelta.testing.TestDatabase db) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(prefix + "_URL", db.jdbcUrl());
        values.put(prefix + "_HOST", db.host());
        values.put(prefix + "_PORT", Integer.toString(db.port()));
        values.put(prefix + "_USER", db.user());
        values.put(prefix + "_PASSWORD", db.password());
        values.put(prefix + "_DATABASE", db.database());
        return values;
    }
}
