package io.connectdelta.sink.plan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The statements for one key within a write, in the order they must run. */
public final class KeyPlan {
    private final List<RowWrite> steps = new ArrayList<>(1);

    void add(RowWrite write, boolean reduce, boolean missingRowsFail) {
        if (reduce) {
            if (write.kind() == WriteKind.DELETE) {
                // Whatever came before, the row ends up absent.
                steps.clear();
            } else if (!steps.isEmpty() && steps.get(steps.size() - 1).absorb(write, missingRowsFail)) {
                return;
            }
        }
        steps.add(write);
    }

    public List<RowWrite> steps() {
        return Collections.unmodifiableList(steps);
    }
}
