package io.connectdelta.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The component archive and the plugin folder the build produced, and the README's generated section. */
class PluginPackageIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Group ids of what the Connect runtime provides: the plugin must not ship them. */
    private static final List<String> RUNTIME_GROUPS = List.of("org.apache.kafka", "com.fasterxml.jackson",
            "org.slf4j", "org.apache.logging.log4j", "org.eclipse.jetty", "org.glassfish.jersey", "jakarta.ws.rs");

    private final Path archive = Paths.get(System.getProperty("connectdelta.component.archive",
            "target/connectdelta-kafka-connect-delta-0.1.0-SNAPSHOT.zip"));
    private final Path folder = PluginWorker.pluginFolder();

    @Test
    void archiveHasOneTopFolderNamedLikeTheArchive() throws IOException {
        String top = archive.getFileName().toString().replaceFirst("\\.zip$", "") + "/";
        Map<String, Long> entries = archiveFiles();
        assertFalse(entries.isEmpty());
        entries.keySet().forEach(name -> assertTrue(name.startsWith(top), name + " outside " + top));
    }

    @Test
    void archiveAndFolderHoldTheSameFiles() throws IOException {
        Map<String, Long> inArchive = new TreeMap<>();
        archiveFiles().forEach((name, size) -> inArchive.put(name.substring(name.indexOf('/') + 1), size));
        Map<String, Long> inFolder = new TreeMap<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                inFolder.put(folder.relativize(file).toString().replace('\\', '/'), Files.size(file));
            }
        }
        assertEquals(inArchive, inFolder);
    }

    @Test
    void layoutHasManifestLibDocAndExamples() throws IOException {
        List<String> lib = list(folder.resolve("lib"));
        for (String prefix : List.of("connect-transforms-", "connect-sink-", "zjsonpatch-", "rocksdbjni-", "postgresql-",
                "mariadb-java-client-")) {
            assertTrue(lib.stream().anyMatch(jar -> jar.startsWith(prefix) && jar.endsWith(".jar")), prefix + " in " + lib);
        }
        assertTrue(Files.isRegularFile(folder.resolve("manifest.json")));
        assertTrue(Files.isRegularFile(folder.resolve("doc/README.md")));
        assertTrue(Files.isRegularFile(folder.resolve("doc/LICENSE")));
        List<String> examples = list(PluginWorker.repositoryRoot().resolve("config-examples"));
        assertFalse(examples.isEmpty());
        assertEquals(examples, list(folder.resolve("etc")));
    }

    @Test
    void libShipsNothingTheConnectRuntimeProvides() throws IOException {
        List<String> offending = new ArrayList<>();
        for (String jar : list(folder.resolve("lib"))) {
            for (String group : mavenGroups(folder.resolve("lib").resolve(jar))) {
                if (RUNTIME_GROUPS.stream().anyMatch(group::startsWith)) {
                    offending.add(jar + " (" + group + ")");
                }
            }
        }
        assertEquals(List.of(), offending);
    }

    @Test
    void manifestDescribesTheComponent() throws IOException {
        JsonNode manifest = JSON.readTree(folder.resolve("manifest.json").toFile());
        assertEquals("kafka-connect-delta", manifest.path("name").asText());
        assertTrue(archive.getFileName().toString().endsWith("-" + manifest.path("version").asText() + ".zip"),
                "version " + manifest.path("version") + " matches " + archive.getFileName());
        assertEquals("connectdelta", manifest.path("owner").path("username").asText());
        assertEquals(List.of("sink", "transform"), texts(manifest.path("component_types")));
        assertEquals("Apache License 2.0", manifest.path("license").path(0).path("name").asText());
        assertTrue(manifest.path("documentation_url").asText().startsWith("https://"));
        assertTrue(manifest.path("features").path("single_message_transforms").asBoolean());
        assertFalse(manifest.path("title").asText().isBlank());
        assertFalse(manifest.path("description").asText().isBlank());
    }

    @Test
    void readmeHoldsTheCurrentConfigReference() throws Exception {
        ConfigReference reference = new ConfigReference(ConfigReference.pluginLoader(folder.resolve("lib")));
        String generated = reference.render();
        Path readme = PluginWorker.repositoryRoot().resolve("README.md");
        assertEquals(generated, ConfigReference.currentSection(Files.readString(readme, StandardCharsets.UTF_8)),
                "README.md is out of date: run `mvn -pl packaging -am package -DskipTests` and commit README.md");
        List<String> present = ConfigReference.PLUGIN_CLASSES.stream()
                .filter(ExamplePipeline.classesIn(folder.resolve("lib"))::contains).toList();
        assertEquals(present, reference.documented());
        for (String documented : reference.documented()) {
            String simpleName = documented.substring(documented.lastIndexOf('.') + 1);
            assertTrue(generated.contains("### " + simpleName + " "), simpleName);
        }
    }

    /**
     * Workers with plugin.discovery=service_load (Kafka's recommended, fast-starting mode) see only plugins declared
     * in META-INF/services; the reflective scan of the hybrid modes misses classes whose base class is not public.
     */
    @Test
    void everyPluginIsDeclaredInAServiceLoaderManifest() throws IOException {
        Path lib = folder.resolve("lib");
        List<String> declared = new ArrayList<>();
        for (String jar : list(lib)) {
            try (ZipFile zip = new ZipFile(lib.resolve(jar).toFile())) {
                for (String service : List.of(SINK_SERVICE, TRANSFORMATION_SERVICE)) {
                    ZipEntry entry = zip.getEntry("META-INF/services/" + service);
                    if (entry != null) {
                        try (InputStream in = zip.getInputStream(entry)) {
                            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                                    .forEach(line -> declared.add(service + ": " + line));
                        }
                    }
                }
            }
        }
        List<String> missing = new ArrayList<>();
        for (String pluginClass : ConfigReference.PLUGIN_CLASSES) {
            if (!ExamplePipeline.classesIn(lib).contains(pluginClass)) {
                continue;
            }
            String service = pluginClass.contains(".sink.") ? SINK_SERVICE : TRANSFORMATION_SERVICE;
            if (!declared.contains(service + ": " + pluginClass)) {
                missing.add(pluginClass + " in META-INF/services/" + service);
            }
        }
        assertEquals(List.of(), missing, "plugin classes without a ServiceLoader manifest entry");
    }

    private static final String SINK_SERVICE = "org.apache.kafka.connect.sink.SinkConnector";
    private static final String TRANSFORMATION_SERVICE = "org.apache.kafka.connect.transforms.Transformation";

    private Map<String, Long> archiveFiles() throws IOException {
        Map<String, Long> entries = new TreeMap<>();
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (!entry.isDirectory()) {
                    entries.put(entry.getName(), entry.getSize());
                }
            }
        }
        return entries;
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList();
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }

    /** The Maven group ids a jar declares in META-INF/maven/&lt;group&gt;/&lt;artifact&gt;/pom.properties. */
    private static TreeSet<String> mavenGroups(Path jar) throws IOException {
        TreeSet<String> groups = new TreeSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (entry.getName().startsWith("META-INF/maven/") && entry.getName().endsWith("/pom.properties")) {
                    Properties pom = new Properties();
                    try (InputStream in = zip.getInputStream(entry)) {
                        pom.load(in);
                    }
                    groups.add(pom.getProperty("groupId"));
                }
            }
        }
        return groups;
    }
}
