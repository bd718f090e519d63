package io.connectdelta.sink.writer;

import io.connectdelta.sink.plan.RowWrite;
import org.apache.kafka.connect.errors.DataException;

/** An UPDATE found no row and missing.row.mode=fail. */
public final class MissingRowException extends DataException {
    public MissingRowException(String table, RowWrite write) {
        super("An update of table '" + table + "' found no row with key " + write.key() + " (a delta event before "
                + "its insert?) and missing.row.mode=fail: " + StatementFactory.describe(write)
                + ". Set missing.row.mode=insert to insert the partial row, or skip to drop such changes.");
    }
}
