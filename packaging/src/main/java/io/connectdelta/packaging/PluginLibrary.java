package io.connectdelta.packaging;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Build tool: fills the plugin's lib/ folder with the plugin's run-time jars, leaving out every artifact that the
 * Connect runtime already provides.
 * <p>
 * The build runs this class with exactly the dependency closure of {@code org.apache.kafka:connect-runtime} as its
 * classpath (exec-maven-plugin's executable dependency), so Maven, not a hand-written list, decides what the
 * worker provides. Artifacts are compared by groupId:artifactId, whatever their versions.
 * <p>
 * Arguments: the plugin's run-time classpath (path-separated), the lib folder to fill.
 */
public final class PluginLibrary {

    private PluginLibrary() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: PluginLibrary <classpath> <lib folder>");
        }
        List<Path> ownClasspath = ownClasspath();
        Path repository = repositoryOf(ownClasspath);
        Set<String> provided = new TreeSet<>();
        for (Path jar : ownClasspath) {
            String coordinates = coordinates(repository, jar);
            if (coordinates != null) {
                provided.add(coordinates);
            }
        }
        Path lib = Paths.get(args[1]);
        recreate(lib);
        List<String> kept = new ArrayList<>();
        List<String> left = new ArrayList<>();
        for (String entry : args[0].split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            Path jar = Paths.get(entry).toAbsolutePath().normalize();
            String coordinates = coordinates(repository, jar);
            if (coordinates != null && provided.contains(coordinates)) {
                left.add(coordinates);
                continue;
            }
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is not a jar: build the modules first (mvn install)");
            }
            Files.copy(jar, lib.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            kept.add(jar.getFileName().toString());
        }
        System.out.println("[plugin lib] " + kept.size() + " jars in " + lib + ": " + String.join(", ", kept));
        System.out.println("[plugin lib] left out as provided by the Connect runtime (" + left.size() + "): "
                + String.join(", ", left));
    }

    /** The jars and folders of this tool's own classpath: connect-runtime's dependency closure, and the tool. */
    private static List<Path> ownClasspath() {
        ClassLoader loader = PluginLibrary.class.getClassLoader();
        if (!(loader instanceof URLClassLoader urls)) {
            throw new IllegalStateException("Expected to run in a URL class loader, got " + loader);
        }
        List<Path> paths = new ArrayList<>();
        for (URL url : urls.getURLs()) {
            try {
                paths.add(Paths.get(url.toURI()).toAbsolutePath().normalize());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("Bad classpath entry " + url, e);
            }
        }
        return paths;
    }

    /**
     * The local repository, found from where connect-runtime's jar lies in it
     * ({@code <repository>/org/apache/kafka/connect-runtime/<version>/<file>}).
     */
    static Path repositoryOf(List<Path> classpath) {
        for (Path jar : classpath) {
            Path version = jar.getParent();
            Path artifact = version == null ? null : version.getParent();
            if (artifact != null && artifact.endsWith(Paths.get("org", "apache", "kafka", "connect-runtime"))
                    && jar.getFileName().toString().startsWith("connect-runtime-")) {
                return artifact.getParent().getParent().getParent().getParent();
            }
        }
        throw new IllegalStateException("The tool must run with connect-runtime's dependency closure as its "
                + "classpath (exec-maven-plugin's executableDependency); found " + classpath);
    }

    /**
     * groupId:artifactId of a file laid out as {@code <repository>/<group path>/<artifactId>/<version>/<file>},
     * or null for a file elsewhere (a module of this build).
     */
    static String coordinates(Path repository, Path file) {
        if (!file.startsWith(repository)) {
            return null;
        }
        Path relative = repository.relativize(file);
        int names = relative.getNameCount();
        if (names < 4) {
            return null;
        }
        String artifactId = relative.getName(names - 3).toString();
        String groupId = relative.subpath(0, names - 3).toString().replace(File.separatorChar, '.');
        return groupId + ":" + artifactId;
    }

    private static void recreate(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path path : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(folder);
    }
}
