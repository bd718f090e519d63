package io.connectdelta.sink.plan;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FieldFilterTest {
    @Test
    void emptyListsKeepEverything() {
        FieldFilter filter = FieldFilter.of(List.of(), List.of());
        assertTrue(filter.keepsAll());
        assertTrue(filter.keeps("t", "any"));
    }

    @Test
    void anIncludeListKeepsOnlyWhatItNames() {
        FieldFilter filter = FieldFilter.of(List.of("name", "orders:qty"), List.of());
        assertFalse(filter.keepsAll());
        assertTrue(filter.keeps("any", "name"));
        assertTrue(filter.keeps("orders", "qty"));
        assertFalse(filter.keeps("items", "qty"), "the entry names another topic");
        assertFalse(filter.keeps("orders", "note"));
    }

    @Test
    void anExcludeListKeepsWhatItDoesNotName() {
        FieldFilter filter = FieldFilter.of(List.of(), List.of(" orders : qty ", "note"));
        assertFalse(filter.keepsAll());
        assertFalse(filter.keeps("orders", "qty"), "entries are trimmed around the colon");
        assertTrue(filter.keeps("items", "qty"));
        assertFalse(filter.keeps("items", "note"));
        assertTrue(filter.keeps("items", "name"));
    }

    @Test
    void entriesAreWholeNameRegularExpressions() {
        FieldFilter filter = FieldFilter.of(List.of("n.*", "srv\\..*:qty"), List.of());
        assertTrue(filter.keeps("t", "name"));
        assertTrue(filter.keeps("t", "note"));
        assertFalse(filter.keeps("t", "xname"), "a match is of the whole name");
        assertTrue(filter.keeps("srv.public.items", "qty"));
        assertFalse(filter.keeps("other", "qty"));
    }

    @Test
    void anEntryThatIsNoRegularExpressionIsMatchedLiterally() {
        FieldFilter filter = FieldFilter.of(List.of(), List.of("a[b"));
        assertFalse(filter.keeps("t", "a[b"));
        assertTrue(filter.keeps("t", "ab"));
    }
}
