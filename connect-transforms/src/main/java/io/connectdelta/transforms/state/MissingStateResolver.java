package io.connectdelta.transforms.state;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Row;
import org.apache.kafka.connect.data.Schema;

import java.util.Optional;

/**
 * Finds the current full row of an event whose state ToFull does not hold ({@code on.missing.state=reselect}),
 * by selecting it from the source database by its key (io.connectdelta.transforms.reselect.SourceRowFetcher).
 */
public interface MissingStateResolver extends AutoCloseable {

    /**
     * The current full row of the event's key.
     *
     * @param event     the event whose state is missing: its {@link ChangeEvent#key()} names the row, its
     *                  {@link ChangeEvent#position()} the source table
     * @param rowSchema the full row schema the answer must fit, or null when ToFull does not know it (a JSON
     *                  Patch or id-only event of a table it has not seen yet): then the row's own schema is used
     * @return the row (every column, with {@code rowSchema} when given), or empty when the row no longer exists
     */
    Optional<Row> resolve(ChangeEvent event, Schema rowSchema);

    @Override
    default void close() {
    }
}
