package io.connectdelta.event;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RowTest {
    private static final Schema SCHEMA = SchemaBuilder.struct().name("t.Value")
            .field("id", Schema.INT32_SCHEMA)
            .field("status", SchemaBuilder.string().optional().defaultValue("new").build())
            .build();

    @Test
    void aColumnSetToNullIsNullNotItsDefault() {
        Row row = Row.ofStruct(new Struct(SCHEMA).put("id", 1).put("status", null));
        assertTrue(row.has("status"));
        assertNull(row.get("status"), "Debezium sends null for a column set to NULL even when it has a default");
    }

    @Test
    void presenceComesFromThePredicate() {
        Row row = Row.ofStruct(new Struct(SCHEMA).put("id", 1).put("status", "x"), Set.of("id")::contains);
        assertEquals(Set.of("id"), row.fieldNames());
        assertFalse(row.has("status"));
        assertEquals(List.of("id"), List.copyOf(row.select(List.of("id", "status")).fieldNames()));
    }
}
