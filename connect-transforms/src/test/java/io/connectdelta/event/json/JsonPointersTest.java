package io.connectdelta.event.json;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class JsonPointersTest {
    @Test
    void theWholeDocumentHasNoSegments() {
        assertEquals(List.of(), JsonPointers.segments(""));
    }

    @Test
    void segmentsAreUnescapedTildeOneBeforeTildeZero() {
        assertEquals(List.of("a/b", "c~d", "~1"), JsonPointers.segments("/a~1b/c~0d/~01"));
    }

    @Test
    void emptySegmentsAreKept() {
        assertEquals(List.of(""), JsonPointers.segments("/"));
        assertEquals(List.of("doc", ""), JsonPointers.segments("/doc/"));
        assertEquals(List.of("", "x"), JsonPointers.segments("//x"));
    }

    @Test
    void numericSegmentsStayMemberNames() {
        assertEquals(List.of("attrs", "2024"), JsonPointers.segments("/attrs/2024"));
        assertEquals(List.of("tags", "0"), JsonPointers.segments("/tags/0"));
        assertEquals(List.of("tags", "-"), JsonPointers.segments("/tags/-"));
        assertEquals(List.of("n", "007"), JsonPointers.segments("/n/007"));
    }

    @Test
    void aPathWithoutLeadingSlashIsNotAPointer() {
        assertThrows(IllegalArgumentException.class, () -> JsonPointers.segments("name"));
        assertThrows(IllegalArgumentException.class, () -> JsonPointers.segments("doc/a"));
    }

    @Test
    void escapeAndOfAreTheInverseOfSegments() {
        assertEquals("~0~1", JsonPointers.escape("~/"));
        assertEquals("/a~1b/c~0d/-", JsonPointers.of("a/b", "c~d", "-"));
        assertEquals("", JsonPointers.of());
        List<String> odd = List.of("~1", "/~0", "", "2024");
        assertEquals(odd, JsonPointers.segments(JsonPointers.of(odd.toArray(String[]::new))));
    }
}
