package io.connectdelta.sink.transaction;

import io.connectdelta.event.ChangeEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TargetTransactionsTest {

    /** A source transaction of {@code events} data events (the events themselves do not matter here). */
    private static ApplyUnit unit(String xid, int events) {
        return new ApplyUnit(xid, new ArrayList<>(Collections.<ChangeEvent>nCopies(events, null)), List.of(), true, 0);
    }

    private static List<List<String>> xids(List<List<ApplyUnit>> groups) {
        return groups.stream().map(g -> g.stream().map(ApplyUnit::xid).toList()).toList();
    }

    @Test
    void sourceTransactionsShareTargetTransactionsUpToBatchSizeAndABigOneGoesAlone() {
        TargetTransactions target = new TargetTransactions(10);
        List<ApplyUnit> ready = List.of(unit("1", 4), unit("2", 4), unit("3", 3), unit("4", 25), unit("5", 1));
        assertEquals(List.of(List.of("1", "2"), List.of("3"), List.of("4"), List.of("5")), xids(target.group(ready, false)));
        assertEquals(0, target.held());
    }

    @Test
    void aSmallLastGroupIsHeldForTheNextCallAndWrittenFirstThen() {
        TargetTransactions target = new TargetTransactions(10);
        List<List<ApplyUnit>> now = target.group(List.of(unit("1", 6), unit("2", 6), unit("3", 2)), true);
        assertEquals(List.of(List.of("1")), xids(now));
        assertEquals(2, target.held());

        // The held units grow with the next ones, in commit order; a full group is never held.
        now = target.group(List.of(unit("4", 2)), true);
        assertEquals(List.of(List.of("2", "3", "4")), xids(now));
        assertEquals(0, target.held());

        target.group(List.of(unit("5", 3)), true);
        assertEquals(1, target.held());
        assertEquals(List.of(List.of("5", "6")), xids(target.group(List.of(unit("6", 1)), false)));
        assertEquals(0, target.held());
    }
}
