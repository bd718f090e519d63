package io.connectdelta.packaging;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PluginLibraryTest {

    private final Path repository = Paths.get("/home/dev/.m2/repository");

    @Test
    void coordinatesComeFromTheRepositoryLayout() {
        assertEquals("com.fasterxml.jackson.core:jackson-databind", PluginLibrary.coordinates(repository,
                repository.resolve("com/fasterxml/jackson/core/jackson-databind/2.21.2/jackson-databind-2.21.2.jar")));
        assertEquals("org.rocksdb:rocksdbjni", PluginLibrary.coordinates(repository,
                repository.resolve("org/rocksdb/rocksdbjni/9.7.3/rocksdbjni-9.7.3.jar")));
    }

    @Test
    void theRepositoryIsWhereConnectRuntimeLies() {
        assertEquals(repository, PluginLibrary.repositoryOf(List.of(
                repository.resolve("org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar"),
                repository.resolve("org/apache/kafka/connect-runtime/4.3.1/connect-runtime-4.3.1.jar"))));
        assertThrows(IllegalStateException.class, () -> PluginLibrary.repositoryOf(List.of(
                repository.resolve("org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar"))));
    }

    @Test
    void filesOutsideTheRepositoryAreModulesOfThisBuild() {
        assertNull(PluginLibrary.coordinates(repository,
                Paths.get("/work/repo/connect-sink/target/connect-sink-0.1.0-SNAPSHOT.jar")));
        assertNull(PluginLibrary.coordinates(repository, repository.resolve("stray.jar")));
    }
}
