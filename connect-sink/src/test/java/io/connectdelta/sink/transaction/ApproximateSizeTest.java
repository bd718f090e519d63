package io.connectdelta.sink.transaction;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApproximateSizeTest {
    private static final Schema ROW = SchemaBuilder.struct().name("row")
            .field("id", Schema.INT64_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("data", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("envelope")
            .field("after", SchemaBuilder.struct().name("row").optional()
                    .field("id", Schema.INT64_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA).build())
            .field("op", Schema.STRING_SCHEMA)
            .build();

    private final ApproximateSize sizes = new ApproximateSize();

    @Test
    void variableSizedValuesCountByTheirLength() {
        long empty = sizes.of(new Struct(ROW).put("id", 1L));
        long withValues = sizes.of(new Struct(ROW).put("id", 2L).put("name", "x".repeat(1000))
                .put("data", new byte[500]).put("tags", List.of("a".repeat(100), "b")));
        // 1000 chars of 2 bytes, 500 bytes, two strings in a list: each with an object's overhead.
        assertEquals(2000 + 16 + 500 + 16 + (16 + 8 + 16 + 200 + 8 + 16 + 2), withValues - empty);
        // Same schema instance, other lengths: measured again, not remembered.
        long shorter = sizes.of(new Struct(ROW).put("id", 3L).put("name", "x"));
        assertEquals(empty + 16 + 2, shorter);
    }

    @Test
    void nestedStructsAndMapsAreMeasuredInside() {
        long small = sizes.of(new Struct(ENVELOPE).put("op", "u")
                .put("after", new Struct(ENVELOPE.field("after").schema()).put("id", 1L).put("name", "a")));
        long large = sizes.of(new Struct(ENVELOPE).put("op", "u")
                .put("after", new Struct(ENVELOPE.field("after").schema()).put("id", 1L).put("name", "a".repeat(5001))));
        assertEquals(2 * 5000, large - small);
        assertTrue(sizes.of(Map.of("k", "v".repeat(100))) > 200);
        assertEquals(0, sizes.of(null));
    }
}
