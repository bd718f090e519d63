package io.connectdelta.sink.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A table's statements in the order of their events. The reduction buffer merges only events of a key that follow
 * each other: merging across another key's event would move a change past it, and that other row may take a
 * unique value the merged change frees (or free one it takes).
 */
final class SourceOrderPlan {
    private final List<RowWrite> writes = new ArrayList<>();
    /** The key identity of each write (null without a key). */
    private final List<List<Object>> identities = new ArrayList<>();

    void add(RowWrite write, boolean reduce, boolean missingRowsFail) {
        List<Object> identity = write.key() == null ? null : TablePlan.identity(write.key());
        if (reduce && identity != null) {
            if (write.kind() == WriteKind.DELETE) {
                // The row ends up absent: the statements of this key just before the delete change nothing.
                while (!writes.isEmpty() && identity.equals(last(identities))) {
                    writes.remove(writes.size() - 1);
                    identities.remove(identities.size() - 1);
                }
            } else if (!writes.isEmpty() && identity.equals(last(identities)) && last(writes).absorb(write, missingRowsFail)) {
                return;
            }
        }
        writes.add(write);
        identities.add(identity);
    }

    private static <T> T last(List<T> list) {
        return list.get(list.size() - 1);
    }

    List<RowWrite> writes() {
        return Collections.unmodifiableList(writes);
    }

    void clear() {
        writes.clear();
        identities.clear();
    }
}
