package io.connectdelta.packaging;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Generates the configuration reference of every connector and transform in the plugin as Markdown tables, from
 * their {@code config()} ConfigDefs, and keeps it in README.md between {@link #START} and {@link #END}.
 * <p>
 * The classes are loaded from the plugin's lib/ folder, as a worker would load them. A class listed in
 * {@link #PLUGIN_CLASSES} that the plugin does not contain is skipped, and the output says so.
 * <p>
 * Arguments: {@code write} (rewrite README.md) or {@code check} (only report that it is out of date, as CI does:
 * the committed README.md must already be current, which PluginPackageIT asserts), the plugin's lib
 * folder, the README.md path.
 */
public final class ConfigReference {

    public static final String START = "<!-- config-reference:start -->";
    public static final String END = "<!-- config-reference:end -->";

    /** Every connector and transform the plugin offers, in the order the reference lists them. */
    public static final List<String> PLUGIN_CLASSES = List.of(
            "io.connectdelta.sink.DeltaJdbcSinkConnector",
            "io.connectdelta.transforms.ToDelta",
            "io.connectdelta.transforms.ToIdOnly",
            "io.connectdelta.transforms.ToFull",
            "io.connectdelta.transforms.Reselect");

    private final ClassLoader loader;
    private final List<String> classes;
    private final List<String> documented = new ArrayList<>();
    private final List<String> missing = new ArrayList<>();

    /** The reference of {@link #PLUGIN_CLASSES} as {@code loader} finds them. */
    public ConfigReference(ClassLoader loader) {
        this(loader, PLUGIN_CLASSES);
    }

    public ConfigReference(ClassLoader loader, List<String> classes) {
        this.loader = loader;
        this.classes = List.copyOf(classes);
    }

    /** A class loader over the jars of a plugin lib folder, delegating to this class's loader for the Connect API. */
    public static ClassLoader pluginLoader(Path lib) throws IOException {
        List<URL> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(lib)) {
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                jars.add(toUrl(jar));
            }
        }
        if (jars.isEmpty()) {
            throw new IllegalStateException("No jars in " + lib + ": build the plugin first");
        }
        return new URLClassLoader(jars.toArray(URL[]::new), ConfigReference.class.getClassLoader());
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !List.of("write", "check").contains(args[0])) {
            throw new IllegalArgumentException("usage: ConfigReference write|check <plugin lib folder> <README.md>");
        }
        Path readme = Paths.get(args[2]).toAbsolutePath().normalize();
        ConfigReference reference = new ConfigReference(pluginLoader(Paths.get(args[1])));
        String markdown = reference.render();
        for (String skipped : reference.missing()) {
            System.out.println("[config reference] skipped " + skipped + ": the plugin has no such class");
        }
        String current = Files.readString(readme, StandardCharsets.UTF_8);
        String updated = replaceSection(current, markdown);
        if (updated.equals(current)) {
            System.out.println("[config reference] " + readme + " is up to date (" + reference.documented() + ")");
        } else if (args[0].equals("write")) {
            Files.writeString(readme, updated, StandardCharsets.UTF_8);
            System.out.println("[config reference] updated " + readme + " (" + reference.documented() + ")");
        } else {
            // PluginPackageIT fails on it, with the other tests still running.
            System.out.println("[config reference] " + readme + " does not hold the current configuration reference: "
                    + "run `mvn -pl packaging -am package -DskipTests` and commit README.md");
        }
    }

    /** The classes documented by the last {@link #render()}. */
    public List<String> documented() {
        return List.copyOf(documented);
    }

    /** The listed classes that the last {@link #render()} did not find. */
    public List<String> missing() {
        return List.copyOf(missing);
    }

    /** The Markdown reference of every listed class the loader can find. */
    public String render() throws ReflectiveOperationException {
        documented.clear();
        missing.clear();
        StringBuilder out = new StringBuilder();
        out.append("<!-- Generated from the plugin's ConfigDefs by io.connectdelta.packaging.ConfigReference during ")
                .append("the build: edit the doc strings in the code, not this section. -->\n");
        for (String className : classes) {
            Class<?> type;
            try {
                type = Class.forName(className, false, loader);
            } catch (ClassNotFoundException e) {
                missing.add(className);
                continue;
            }
            documented.add(className);
            out.append('\n').append(section(type));
        }
        return out.toString();
    }

    private String section(Class<?> type) throws ReflectiveOperationException {
        Object instance = type.getDeclaredConstructor().newInstance();
        ConfigDef def = (ConfigDef) type.getMethod("config").invoke(instance);
        StringBuilder out = new StringBuilder();
        out.append("### ").append(type.getSimpleName()).append(" (").append(kind(type)).append(")\n\n");
        out.append('`').append(type.getName()).append("`\n\n");
        String overview = staticString(type, "OVERVIEW_DOC");
        if (overview != null && !overview.isBlank()) {
            out.append(overview.strip().replaceAll("\\s*\n\\s*", " ")).append("\n\n");
        }
        if (def.configKeys().isEmpty()) {
            return out.append("No configuration keys.\n").toString();
        }
        out.append("| Key | Type | Default | Valid values | Importance | Description |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            if (key.internalConfig) {
                continue;
            }
            out.append("| `").append(key.name).append("` | ")
                    .append(key.type.name().toLowerCase()).append(" | ")
                    .append(cell(defaultValue(key))).append(" | ")
                    .append(cell(validValues(key.validator))).append(" | ")
                    .append(key.importance.name().toLowerCase()).append(" | ")
                    .append(cell(key.documentation == null ? "" : key.documentation)).append(" |\n");
        }
        return out.toString();
    }

    private String kind(Class<?> type) throws ClassNotFoundException {
        if (isA(type, "org.apache.kafka.connect.sink.SinkConnector")) {
            return "sink connector";
        }
        if (isA(type, "org.apache.kafka.connect.source.SourceConnector")) {
            return "source connector";
        }
        if (isA(type, "org.apache.kafka.connect.transforms.Transformation")) {
            return "transform";
        }
        if (isA(type, "org.apache.kafka.connect.transforms.predicates.Predicate")) {
            return "predicate";
        }
        return "plugin";
    }

    private boolean isA(Class<?> type, String apiClass) throws ClassNotFoundException {
        return Class.forName(apiClass, false, loader).isAssignableFrom(type);
    }

    /**
     * The validator's own description; empty for a validator without one (a lambda's Object.toString names a
     * generated class that changes from run to run, and tells a reader nothing).
     */
    private static String validValues(ConfigDef.Validator validator) {
        if (validator == null) {
            return "";
        }
        String text = validator.toString();
        String identity = validator.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(validator));
        return text == null || text.equals(identity) || validator.getClass().isSynthetic()
                || validator.getClass().getName().contains("$$Lambda") ? "" : text;
    }

    private static String defaultValue(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        Object value = key.defaultValue;
        if (value == null) {
            return "null";
        }
        if (value instanceof Password) {
            return "[hidden]";
        }
        if (value instanceof List<?> list) {
            return list.isEmpty() ? "\"\"" : list.stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        String text = String.valueOf(value);
        return text.isEmpty() ? "\"\"" : text;
    }

    private static String staticString(Class<?> type, String name) {
        try {
            Field field = type.getField(name);
            return Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    ? (String) field.get(null) : null;
        } catch (NoSuchFieldException | IllegalAccessException e) {
            return null;
        }
    }

    /** Text safe inside a Markdown table cell. */
    private static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replaceAll("\\s*\n\\s*", " ").replace("<", "&lt;")
                .replace(">", "&gt;");
    }

    /** The document with the text between the markers replaced. */
    public static String replaceSection(String document, String section) {
        int start = document.indexOf(START);
        int end = document.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalStateException("README.md needs the markers " + START + " and " + END);
        }
        return document.substring(0, start + START.length()) + "\n" + section + "\n" + document.substring(end);
    }

    /** The text between the markers, as {@link #replaceSection} writes it. */
    public static String currentSection(String document) {
        int start = document.indexOf(START);
        int end = document.indexOf(END);
        if (start < 0 || end < start) {
            throw new IllegalStateException("README.md needs the markers " + START + " and " + END);
        }
        String between = document.substring(start + START.length(), end);
        return between.substring(1, between.length() - 1);
    }

    private static URL toUrl(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }
}
