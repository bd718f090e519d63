package io.connectdelta.sink.writer;

import io.connectdelta.sink.dialect.SqlExpression;
import io.connectdelta.sink.plan.ColumnEdit;
import io.connectdelta.sink.plan.Value;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which earlier edits of a column may change the JSON type a later edit's numeric token is decided by. */
class JsonTypeSourceTest {
    private static ColumnEdit set(String... path) {
        return new ColumnEdit.JsonSet(List.of(path), new Value(1, null), false);
    }

    private static ColumnEdit insert(String... path) {
        return new ColumnEdit.JsonSet(List.of(path), new Value(1, null), true);
    }

    private static ColumnEdit remove(String... path) {
        return new ColumnEdit.JsonRemove(List.of(path));
    }

    @Test
    void editsAtOrAboveThePointChangeIt() {
        assertTrue(JsonTypeSource.mayChange(set("a"), List.of("a")));
        assertTrue(JsonTypeSource.mayChange(set("a"), List.of("a", "3")));
        assertTrue(JsonTypeSource.mayChange(remove("a", "3"), List.of("a", "3")));
        assertTrue(JsonTypeSource.mayChange(new ColumnEdit.ArrayAppend(new Value(1, null)), List.of("a")));
    }

    @Test
    void editsBelowThePointOrBesideItDoNot() {
        assertFalse(JsonTypeSource.mayChange(set("a", "0"), List.of("a")), "an element of a keeps a an array");
        assertFalse(JsonTypeSource.mayChange(remove("a", "0"), List.of("a")));
        assertFalse(JsonTypeSource.mayChange(set("b"), List.of("a", "1")));
        assertFalse(JsonTypeSource.mayChange(set("a", "0"), List.of("a", "1")), "a replaced sibling shifts nothing");
    }

    @Test
    void insertsAndRemovesShiftTheElementsAfterThem() {
        assertTrue(JsonTypeSource.mayChange(insert("a", "0"), List.of("a", "1")));
        assertTrue(JsonTypeSource.mayChange(remove("a", "0"), List.of("a", "1", "x")));
        assertTrue(JsonTypeSource.mayChange(insert("a", "-"), List.of("a")), "an append may wrap a non-array");
    }

    @Test
    void theValueBeforeTheEditsServesUnlessAnEarlierEditMayHaveChangedThePoint() {
        SqlExpression before = new SqlExpression("doc", List.of());
        List<ColumnEdit> edits = List.of(set("list", "0"), set("box"), set("box", "1"), set("name"));
        assertNull(JsonTypeSource.pick(List.of("name"), edits, 3, before, "edited", List.of()));
        assertSame(before, JsonTypeSource.pick(List.of("list", "0"), edits, 0, before, "edited", List.of()));
        assertEquals("edited", JsonTypeSource.pick(List.of("box", "1"), edits, 2, before, "edited", List.of()).sql());
    }
}
