package io.connectdelta.jdbc.type;

import io.connectdelta.jdbc.JdbcDialects;
import io.connectdelta.jdbc.dialect.JdbcDialect;
import io.connectdelta.testing.TestDatabase;
import io.connectdelta.testing.TestDatabases;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each logical type binds through {@link JdbcValues#bind} and reads back through {@link JdbcValues#read} as the
 * same Connect value, against real PostgreSQL and MariaDB.
 */
class JdbcValuesTest {

    /** One logical type: its schema, a value, and the column type that holds it in each database. */
    private record Case(String name, Schema schema, Object value, String postgresType, String mariadbType) {
        String type(TestDatabase db) {
            return db.isPostgres() ? postgresType : mariadbType;
        }
    }

    private static List<Case> cases() {
        Schema variableScale = SchemaBuilder.struct().name(LogicalTypes.DBZ_VARIABLE_SCALE_DECIMAL).optional()
                .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).build();
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("c_bool", Schema.OPTIONAL_BOOLEAN_SCHEMA, true, "BOOLEAN", "BOOLEAN"));
        cases.add(new Case("c_int16", Schema.OPTIONAL_INT16_SCHEMA, (short) -7, "SMALLINT", "SMALLINT"));
        cases.add(new Case("c_int32", Schema.OPTIONAL_INT32_SCHEMA, 123_456, "INTEGER", "INT"));
        cases.add(new Case("c_int64", Schema.OPTIONAL_INT64_SCHEMA, 9_000_000_000L, "BIGINT", "BIGINT"));
        cases.add(new Case("c_float64", Schema.OPTIONAL_FLOAT64_SCHEMA, 2.5, "DOUBLE PRECISION", "DOUBLE"));
        cases.add(new Case("c_text", Schema.OPTIONAL_STRING_SCHEMA, "ünï ' \" ✓", "TEXT", "TEXT"));
        cases.add(new Case("c_bytes", Schema.OPTIONAL_BYTES_SCHEMA, new byte[] {0, 1, -1}, "BYTEA", "BLOB"));
        cases.add(new Case("c_decimal", Decimal.builder(2).optional().build(), new BigDecimal("-12345.67"),
                "NUMERIC(10, 2)", "DECIMAL(10, 2)"));
        cases.add(new Case("c_vsdecimal", variableScale, new Struct(variableScale).put("scale", 3)
                .put("value", new BigInteger("1234567").toByteArray()), "NUMERIC", "DECIMAL(20, 3)"));
        cases.add(new Case("c_date", Date.builder().optional().build(), new java.util.Date(-3L * 86_400_000L),
                "DATE", "DATE"));
        cases.add(new Case("c_time", Time.builder().optional().build(), new java.util.Date(13 * 3_600_000L + 5_123L),
                "TIME(3)", "TIME(3)"));
        cases.add(new Case("c_timestamp", Timestamp.builder().optional().build(), new java.util.Date(1_700_000_000_123L),
                "TIMESTAMP(3)", "DATETIME(3)"));
        cases.add(new Case("c_dbz_date", SchemaBuilder.int32().name(LogicalTypes.DBZ_DATE).optional().build(), 20_000,
                "DATE", "DATE"));
        cases.add(new Case("c_dbz_timestamp", SchemaBuilder.int64().name(LogicalTypes.DBZ_TIMESTAMP).optional().build(),
                1_700_000_000_123L, "TIMESTAMP(3)", "DATETIME(3)"));
        cases.add(new Case("c_dbz_micro_ts", SchemaBuilder.int64().name(LogicalTypes.DBZ_MICRO_TIMESTAMP).optional().build(),
                1_700_000_000_123_456L, "TIMESTAMP(6)", "DATETIME(6)"));
        cases.add(new Case("c_dbz_nano_ts", SchemaBuilder.int64().name(LogicalTypes.DBZ_NANO_TIMESTAMP).optional().build(),
                1_700_000_000_123_456_000L, "TIMESTAMP(6)", "DATETIME(6)"));
        // Debezium's times of day: bound as times, not as the numbers they travel as.
        cases.add(new Case("c_dbz_time", SchemaBuilder.int32().name(LogicalTypes.DBZ_TIME).optional().build(),
                13 * 3_600_000 + 5_123, "TIME(3)", "TIME(3)"));
        cases.add(new Case("c_dbz_micro_time", SchemaBuilder.int64().name(LogicalTypes.DBZ_MICRO_TIME).optional().build(),
                13 * 3_600_000_000L + 5_123_456L, "TIME(6)", "TIME(6)"));
        cases.add(new Case("c_dbz_nano_time", SchemaBuilder.int64().name(LogicalTypes.DBZ_NANO_TIME).optional().build(),
                13 * 3_600_000_000_000L + 5_123_456_000L, "TIME(6)", "TIME(6)"));
        return cases;
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgresql", "mariadb"})
    void eachLogicalTypeBindsAndReadsBack(String kind) throws Exception {
        TestDatabase db = ("postgresql".equals(kind) ? TestDatabases.postgres() : TestDatabases.mariadb())
                .createDatabase("jdbc_values");
        JdbcDialect dialect = JdbcDialects.forUrl(db.jdbcUrl());
        List<Case> cases = cases();
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(dialect.quote("values")).append(" (id INT PRIMARY KEY");
        StringBuilder insert = new StringBuilder("INSERT INTO ").append(dialect.quote("values")).append(" VALUES (?");
        for (Case c : cases) {
            ddl.append(", ").append(dialect.quote(c.name())).append(' ').append(c.type(db));
            insert.append(", ?");
        }
        db.execute(ddl.append(')').toString());
        try (Connection connection = db.connect()) {
            try (PreparedStatement statement = connection.prepareStatement(insert.append(')').toString())) {
                for (int row = 1; row <= 2; row++) {
                    statement.setInt(1, row);
                    for (int i = 0; i < cases.size(); i++) {
                        Case c = cases.get(i);
                        JdbcValues.bind(statement, i + 2, row == 1 ? c.value() : null, c.schema(), dialect);
                    }
                    statement.executeUpdate();
                }
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT * FROM " + dialect.quote("values") + " ORDER BY id");
                 ResultSet rs = select.executeQuery()) {
                assertTrue(rs.next());
                for (int i = 0; i < cases.size(); i++) {
                    Case c = cases.get(i);
                    Object read = JdbcValues.read(rs, i + 2, c.schema());
                    if (c.value() instanceof byte[]) {
                        assertArrayEquals((byte[]) c.value(), (byte[]) read, kind + " " + c.name());
                    } else {
                        assertEquals(c.value(), read, kind + " " + c.name());
                    }
                }
                assertTrue(rs.next());
                for (int i = 0; i < cases.size(); i++) {
                    assertNull(JdbcValues.read(rs, i + 2, cases.get(i).schema()), kind + " null " + cases.get(i).name());
                }
            }
        }
    }
}
