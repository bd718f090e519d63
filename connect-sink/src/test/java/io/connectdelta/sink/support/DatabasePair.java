package io.connectdelta.sink.support;

import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;

import java.util.stream.Stream;

/** A fresh database on the real PostgreSQL and one on the real MariaDB, for one test class. */
public record DatabasePair(TestDatabase postgres, TestDatabase mariadb) {

    public static DatabasePair create(String prefix) {
        return new DatabasePair(TestDatabases.postgres().createDatabase(prefix),
                TestDatabases.mariadb().createDatabase(prefix));
    }

    /** The database of a kind named in a parameterized test: "postgresql" or "mariadb". */
    public TestDatabase of(String kind) {
        return kind.equals("postgresql") ? postgres : mariadb;
    }

    /** The kinds, as parameter source values. */
    public static Stream<String> kinds() {
        return Stream.of("postgresql", "mariadb");
    }
}
