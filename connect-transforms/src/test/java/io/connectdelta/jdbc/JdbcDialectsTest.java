package io.connectdelta.jdbc;

import io.connectdelta.jdbc.dialect.JdbcDialect;
import io.connectdelta.jdbc.mariadb.MariaDbJdbcDialect;
import io.connectdelta.jdbc.postgres.PostgresJdbcDialect;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JdbcDialectsTest {

    @Test
    void eachSchemeHasItsDatabase() {
        JdbcDialect postgres = JdbcDialects.forUrl("jdbc:postgresql://h:5432/d");
        assertInstanceOf(PostgresJdbcDialect.class, postgres);
        assertFalse(postgres.schemaIsDatabase());
        assertTrue(postgres.bindsTextUntyped());
        assertInstanceOf(org.postgresql.Driver.class, postgres.driver());

        JdbcDialect mariadb = JdbcDialects.forUrl("jdbc:mariadb://h:3306/d");
        assertInstanceOf(MariaDbJdbcDialect.class, mariadb);
        assertTrue(mariadb.schemaIsDatabase());
        assertFalse(mariadb.bindsTextUntyped());
        assertInstanceOf(org.mariadb.jdbc.Driver.class, mariadb.driver());

        assertInstanceOf(PostgresJdbcDialect.class, JdbcDialects.forUrl("JDBC:PostgreSQL://h/d"));
    }

    @Test
    void mysqlUrlsGoThroughConnectorJWithPermitMysqlScheme() {
        JdbcDialect mysql = JdbcDialects.forUrl("jdbc:mysql://h:3306/d");
        assertInstanceOf(MariaDbJdbcDialect.class, mysql);
        assertEquals("jdbc:mysql://h:3306/d?permitMysqlScheme", mysql.driverUrl("jdbc:mysql://h:3306/d"));
        assertEquals("jdbc:mysql://h/d?a=1&permitMysqlScheme", mysql.driverUrl("jdbc:mysql://h/d?a=1"));
        assertEquals("jdbc:mysql://h/d?permitMysqlScheme", mysql.driverUrl("jdbc:mysql://h/d?permitMysqlScheme"));
        assertEquals("jdbc:mariadb://h/d", mysql.driverUrl("jdbc:mariadb://h/d"));
        assertEquals("jdbc:postgresql://h/d", JdbcDialects.forUrl("jdbc:postgresql://h/d").driverUrl("jdbc:postgresql://h/d"));
    }

    @Test
    void otherSchemesAreRefusedNamingTheSetting() {
        for (String url : new String[] {"jdbc:sqlserver://h;databaseName=d", "postgresql://h/d", "", null}) {
            ConfigException error = assertThrows(ConfigException.class, () -> JdbcDialects.forUrl(url));
            assertTrue(error.getMessage().contains("connection.url"), error.getMessage());
            assertTrue(error.getMessage().contains("must start with jdbc:postgresql:, jdbc:mariadb: or jdbc:mysql:"),
                    error.getMessage());
        }
    }

    @Test
    void hostileIdentifiersStayIdentifiers() {
        JdbcDialect postgres = JdbcDialects.forUrl("jdbc:postgresql://h/d");
        JdbcDialect mariadb = JdbcDialects.forUrl("jdbc:mariadb://h/d");
        assertEquals("\"a\"\"; DROP TABLE t; --\"", postgres.quote("a\"; DROP TABLE t; --"));
        assertEquals("`a``; DROP TABLE t; --`", mariadb.quote("a`; DROP TABLE t; --"));
        assertEquals("\"s\".\"t`\"", postgres.quote(List.of("s", "t`")));
        assertEquals("`s`.`t\"`", mariadb.quote(List.of("s", "t\"")));
        assertThrows(IllegalArgumentException.class, () -> postgres.quote("a\0b"));
        assertThrows(IllegalArgumentException.class, () -> mariadb.quote(""));
    }

    @Test
    void transientAndLostConnectionErrors() {
        JdbcDialect postgres = JdbcDialects.forUrl("jdbc:postgresql://h/d");
        JdbcDialect mariadb = JdbcDialects.forUrl("jdbc:mariadb://h/d");
        assertTrue(postgres.isTransient(new SQLException("deadlock", "40P01")));
        assertTrue(postgres.isTransient(new SQLException("shutdown", "57P01")));
        assertFalse(postgres.isTransient(new SQLException("syntax", "42601")));
        assertTrue(mariadb.isTransient(new SQLException("lock wait", "HY000", 1205)));
        assertFalse(mariadb.isTransient(new SQLException("duplicate", "23000", 1062)));

        assertTrue(JdbcDialect.isConnectionLost(new SQLException("gone", "08006")));
        assertTrue(JdbcDialect.isConnectionLost(new SQLRecoverableException("reset")));
        assertFalse(JdbcDialect.isConnectionLost(new SQLException("deadlock", "40P01")));

        SQLException outer = new SQLException("batch failed");
        outer.setNextException(new SQLException("unique", "23505"));
        assertEquals("23505", JdbcDialect.sqlState(new RuntimeException(outer)));
    }
}
