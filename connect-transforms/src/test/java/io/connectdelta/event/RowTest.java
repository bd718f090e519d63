package io.connectdelta.event;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Test
    void aStructRowEqualsTheSameFieldsFromAMap() {
        Row fromStruct = Row.ofStruct(new Struct(SCHEMA).put("id", 1).put("status", "x"));
        Row fromMap = Row.of(SCHEMA, new LinkedHashMap<>(Map.of("id", 1)));
        assertEquals(fromMap, fromStruct.select(Set.of("id")));
        assertEquals(fromMap.hashCode(), fromStruct.without(Set.of("status")).hashCode());
        assertEquals(Map.of("id", 1, "status", "x"), fromStruct.values());
        assertEquals("{id=1, status=x}", fromStruct.toString());
    }

    @Test
    void overlayKeepsTheRowOrderAndAddsTheOthersFields() {
        Row row = Row.ofStruct(new Struct(SCHEMA).put("id", 1).put("status", "x"), Set.of("id")::contains);
        Row status = Row.ofStruct(new Struct(SCHEMA).put("id", 1).put("status", "y")).select(Set.of("status"));
        Row overlaid = row.overlay(status);
        assertEquals(List.of("id", "status"), List.copyOf(overlaid.fieldNames()));
        assertEquals("y", overlaid.get("status"));
        Row extended = row.overlay(Row.ofMap(Map.of("extra", true)));
        assertEquals(List.of("id", "extra"), List.copyOf(extended.fieldNames()));
        assertEquals(SCHEMA, extended.schema());
    }

    @Test
    void aFieldOfADerivedSchemaIsFoundByPositionOrName() {
        Row row = Row.ofStruct(new Struct(SCHEMA).put("id", 1).put("status", "x"));
        Schema derived = SchemaBuilder.struct().field("id", Schema.OPTIONAL_INT32_SCHEMA)
                .field("status", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema reordered = SchemaBuilder.struct().field("status", Schema.OPTIONAL_STRING_SCHEMA).build();
        assertEquals("x", row.get(derived.field("status")));
        assertEquals("x", row.get(reordered.field("status")));
        assertNull(row.select(Set.of("id")).get(derived.field("status")));
    }

    @Test
    void differingFieldsAreComparedByValue() {
        Row before = Row.ofStruct(new Struct(SCHEMA).put("id", 1).put("status", "x"));
        Row after = Row.ofStruct(new Struct(SCHEMA).put("id", 1).put("status", "y"));
        assertEquals(List.of("status"), after.differingFrom(before));
        assertEquals(List.of("status"), after.differingFrom(Row.ofMap(Map.of("id", 1L))), "absent counts as differing");
        assertEquals(List.of(), after.differingFrom(after.select(Set.of("id", "status"))));
    }

    @Test
    void keysThatPrintAlikeAreOneField() {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put(1, "a");
        map.put("1", "b");
        Row row = Row.ofMap(map);
        assertEquals(1, row.size());
        assertEquals("b", row.get("1"));
    }
}
