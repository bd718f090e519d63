package io.connectdelta.testing;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TestDatabasesTest {

    @Test
    void postgresIsReachableWithLogicalDecoding() throws Exception {
        TestDatabase db = TestDatabases.postgres().createDatabase("provision");
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW wal_level")) {
            assertTrue(rs.next());
            assertEquals("logical", rs.getString(1));
        }
    }

    @Test
    void mariadbIsReachableAndIsolatedPerDatabase() throws Exception {
        TestDatabase db = TestDatabases.mariadb().createDatabase("provision");
        db.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))", "INSERT INTO t VALUES (1, 'x')");
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT v FROM t WHERE id = 1")) {
            assertTrue(rs.next());
            assertEquals("x", rs.getString(1));
        }
    }
}
