package io.connectdelta.transforms.reselect;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.Row;
import io.connectdelta.transforms.state.MissingStateResolver;
import org.apache.kafka.connect.data.Schema;

import java.util.Map;
import java.util.Optional;

/**
 * ToFull's {@code on.missing.state=reselect}: the current row from the source database, read by a
 * {@link SourceRowFetcher} configured from ToFull's own config (the same {@code connection.*},
 * {@code table.name.format} and {@code cache.*} keys as the Reselect transform).
 */
public final class SourceRowResolver implements MissingStateResolver {
    private final SourceRowFetcher fetcher;

    public SourceRowResolver(Map<String, ?> configs) {
        this.fetcher = new SourceRowFetcher(configs);
    }

    @Override
    public Optional<Row> resolve(ChangeEvent event, Schema rowSchema) {
        return fetcher.fetch(event, rowSchema);
    }

    @Override
    public void close() {
        fetcher.close();
    }

    /** Found by ToFull through META-INF/services. */
    public static final class Provider implements MissingStateResolver.Provider {
        @Override
        public MissingStateResolver create(Map<String, ?> configs) {
            return new SourceRowResolver(configs);
        }
    }
}
