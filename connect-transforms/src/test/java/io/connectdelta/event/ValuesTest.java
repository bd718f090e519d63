package io.connectdelta.event;

import io.connectdelta.testing.ChangeEvents;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValuesTest {
    @Test
    void bytesCompareByContent() {
        assertTrue(Values.deepEquals(new byte[]{1, 2}, new byte[]{1, 2}));
        assertTrue(Values.deepEquals(new byte[]{1, 2}, ByteBuffer.wrap(new byte[]{1, 2})));
        assertFalse(Values.deepEquals(new byte[]{1, 2}, new byte[]{1, 3}));
        ByteBuffer buffer = ByteBuffer.wrap(new byte[]{9, 1, 2}).position(1);
        assertArrayEquals(new byte[]{1, 2}, Values.bytes(buffer));
        assertEquals(1, buffer.position());
    }

    @Test
    void numbersCompareByValue() {
        assertTrue(Values.deepEquals(new BigDecimal("1.0"), new BigDecimal("1.00")));
        assertFalse(Values.deepEquals(new BigDecimal("1.0"), new BigDecimal("1.01")));
        assertTrue(Values.deepEquals(1, 1L));
        assertTrue(Values.deepEquals((short) 7, BigInteger.valueOf(7)));
        assertTrue(Values.deepEquals(1.5f, 1.5d));
        assertTrue(Values.deepEquals(2L, new BigDecimal("2.00")));
        assertFalse(Values.deepEquals(1, 2L));
    }

    @Test
    void nullsAndOtherTypes() {
        assertTrue(Values.deepEquals(null, null));
        assertFalse(Values.deepEquals(null, 1));
        assertFalse(Values.deepEquals("1", 1));
        assertTrue(Values.deepEquals("a", "a"));
    }

    @Test
    void structsListsAndMapsCompareDeeply() {
        assertTrue(Values.deepEquals(ChangeEvents.row(1), ChangeEvents.row(1)));
        assertFalse(Values.deepEquals(ChangeEvents.row(1), ChangeEvents.copy(ChangeEvents.row(1)).put("name", "x")));
        assertTrue(Values.deepEquals(List.of(new byte[]{1}, 2), Arrays.asList(new byte[]{1}, 2L)));
        assertFalse(Values.deepEquals(List.of(1, 2), List.of(1)));
        Map<String, Object> a = new HashMap<>(Map.of("k", new byte[]{1}));
        a.put("n", null);
        Map<String, Object> b = new HashMap<>(Map.of("k", new byte[]{1}));
        b.put("n", null);
        assertTrue(Values.deepEquals(a, b));
        b.remove("n");
        b.put("m", null);
        assertFalse(Values.deepEquals(a, b));
    }
}
