package io.connectdelta.event;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ToastPlaceholderTest {
    private static final String P = ToastPlaceholder.DEFAULT_PLACEHOLDER;
    private final ToastPlaceholder placeholder = ToastPlaceholder.defaults();

    @Test
    void everyEncodingMatches() {
        byte[] bytes = P.getBytes(StandardCharsets.UTF_8);
        assertTrue(placeholder.matches(Schema.OPTIONAL_STRING_SCHEMA, P));
        assertTrue(placeholder.matches(Schema.OPTIONAL_BYTES_SCHEMA, bytes));
        assertTrue(placeholder.matches(ByteBuffer.wrap(bytes)));
        assertTrue(placeholder.matches(Map.of(P, P)));
        assertTrue(placeholder.matches("{\"" + P + "\":\"" + P + "\"}"));
        assertTrue(placeholder.matches("{ \"" + P + "\" : \"" + P + "\" }"));
        assertTrue(placeholder.matches(List.of(P)));
        assertTrue(placeholder.matches(ints(bytes, false)));
        assertTrue(placeholder.matches(ints(bytes, true)));
    }

    @Test
    void nearMissesDoNotMatch() {
        byte[] bytes = P.getBytes(StandardCharsets.UTF_8);
        assertFalse(placeholder.matches(null));
        assertFalse(placeholder.matches(P + " "));
        assertFalse(placeholder.matches("__debezium_unavailable"));
        assertFalse(placeholder.matches(new byte[]{1, 2}));
        assertFalse(placeholder.matches(Map.of(P, P, "k", "v")));
        assertFalse(placeholder.matches(Map.of(P, "other")));
        assertFalse(placeholder.matches("{\"" + P + "\":\"x\"}"));
        assertFalse(placeholder.matches("{not json " + P + P + "}"));
        assertFalse(placeholder.matches(List.of(P, P)));
        assertFalse(placeholder.matches(List.of("x")));
        List<Object> floats = new ArrayList<>();
        for (byte b : bytes) {
            floats.add((double) b);
        }
        assertFalse(placeholder.matches(floats));
        List<Long> shifted = ints(bytes, true);
        shifted.set(0, shifted.get(0) + 1);
        assertFalse(placeholder.matches(shifted));
        assertFalse(placeholder.matches(42));
    }

    @Test
    void schemalessBytesArriveAsBase64Text() {
        String base64 = java.util.Base64.getEncoder().encodeToString(P.getBytes(StandardCharsets.UTF_8));
        assertTrue(placeholder.matches(null, base64), "JsonConverter schemas.enable=false gives bytea as base64");
        assertFalse(placeholder.matches(Schema.OPTIONAL_STRING_SCHEMA, base64),
                "with a schema a text column holding that text is a real value");
    }

    @Test
    void byteaAndUuidArraysHoldOneElementOfTheirType() {
        // As the real connector (Debezium 3.7, pgoutput) emits them; see DebeziumToastEndToEndTest.
        byte[] bytes = P.getBytes(StandardCharsets.UTF_8);
        Schema byteaArray = SchemaBuilder.array(Schema.BYTES_SCHEMA).optional().build();
        assertTrue(placeholder.matches(byteaArray, List.of(bytes)));
        assertTrue(placeholder.matches(byteaArray, List.of(ByteBuffer.wrap(bytes))));
        String base64 = java.util.Base64.getEncoder().encodeToString(bytes);
        assertTrue(placeholder.matches(null, List.of(base64)), "a schemaless bytea[] holds base64 text");
        assertFalse(placeholder.matches(SchemaBuilder.array(Schema.STRING_SCHEMA).build(), List.of(base64)),
                "with a schema a text[] holding that text is a real value");
        assertTrue(placeholder.matches(List.of("b68a35a7-17ad-35b3-af2a-ae46edb4545a")), "uuid[]");
        ToastPlaceholder custom = ToastPlaceholder.of("gone");
        assertTrue(custom.matches(List.of(java.util.UUID.nameUUIDFromBytes("gone".getBytes(StandardCharsets.UTF_8)).toString())));
        assertFalse(custom.matches(List.of("b68a35a7-17ad-35b3-af2a-ae46edb4545a")));

        assertFalse(placeholder.matches(List.of(bytes, bytes)));
        assertFalse(placeholder.matches(List.of(new byte[]{1, 2})));
        assertFalse(placeholder.matches(List.of("b68a35a7-17ad-35b3-af2a-ae46edb4545b")));
        assertFalse(placeholder.matches(List.of("b68a35a7-17ad-35b3-af2a-ae46edb4545a", "b68a35a7-17ad-35b3-af2a-ae46edb4545a")));
    }

    @Test
    void hexPlaceholderGivesBytes() {
        ToastPlaceholder hex = ToastPlaceholder.of("hex:616263");
        assertEquals("abc", hex.text());
        assertArrayEquals(new byte[]{0x61, 0x62, 0x63}, hex.bytes());
        assertTrue(hex.matches(new byte[]{0x61, 0x62, 0x63}));
        assertTrue(hex.matches("abc"));
        assertTrue(hex.matches(List.of(0x61, 0x62, 0x63)));
        assertFalse(hex.matches(P));
    }

    @Test
    void badConfigurationsAreRejected() {
        assertThrows(ConfigException.class, () -> ToastPlaceholder.of(""));
        assertThrows(ConfigException.class, () -> ToastPlaceholder.of(null));
        assertThrows(ConfigException.class, () -> ToastPlaceholder.of("hex:xyz"));
        assertThrows(ConfigException.class, () -> ToastPlaceholder.validator().ensureValid(ToastPlaceholder.CONFIG, "hex:0"));
        ToastPlaceholder.validator().ensureValid(ToastPlaceholder.CONFIG, "custom");
    }

    @SuppressWarnings("unchecked")
    private static <T extends Number> List<T> ints(byte[] bytes, boolean asLong) {
        List<Number> list = new ArrayList<>();
        for (byte b : bytes) {
            list.add(asLong ? (Number) (long) b : (Number) (int) b);
        }
        return (List<T>) list;
    }
}
