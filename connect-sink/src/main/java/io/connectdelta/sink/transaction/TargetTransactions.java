package io.connectdelta.sink.transaction;

import java.util.ArrayList;
import java.util.List;

/**
 * Groups whole source transactions, ready in commit order, into target transactions: as many as fit in batch.size
 * events share one, and one larger than that goes alone, never split. A last group smaller than batch.size may be
 * held back, to grow with the units of the next call.
 */
public final class TargetTransactions {
    private final int batchSize;
    private List<ApplyUnit> held = new ArrayList<>();

    public TargetTransactions(int batchSize) {
        this.batchSize = batchSize;
    }

    /**
     * The target transactions to write now, in order: the units held back before come first, then {@code ready}.
     * With {@code holdPartial} a last group of fewer than batch.size events is held back for the next call.
     */
    public List<List<ApplyUnit>> group(List<ApplyUnit> ready, boolean holdPartial) {
        List<ApplyUnit> units = held;
        units.addAll(ready);
        held = new ArrayList<>();
        List<List<ApplyUnit>> groups = new ArrayList<>();
        int start = 0;
        while (start < units.size()) {
            int end = start;
            int events = 0;
            do {
                events += units.get(end).events().size();
                end++;
            } while (end < units.size() && events + units.get(end).events().size() <= batchSize);
            if (holdPartial && end == units.size() && events < batchSize) {
                held.addAll(units.subList(start, end));
                break;
            }
            groups.add(units.subList(start, end));
            start = end;
        }
        return groups;
    }

    /** How many units are held back. */
    public int held() {
        return held.size();
    }
}
