package io.connectdelta.packaging;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
    void filesOutsideTheRepositoryAreModulesOfThisBuild() {
        assertNull(PluginLibrary.coordinates(repository,
                Paths.get("/work/repo/connect-sink/target/connect-sink-0.1.0-SNAPSHOT.jar")));
        assertNull(PluginLibrary.coordinates(repository, repository.resolve("stray.jar")));
    }
}
