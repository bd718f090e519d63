package io.connectdelta.sink.plan;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.SourcePosition;
import org.apache.kafka.connect.errors.DataException;

/**
 * Resolves collection.name.format for an event. Like the Debezium JDBC sink, dots in the topic name become
 * underscores ('srv.public.orders' writes 'srv_public_orders'), so a topic never names a schema by accident.
 */
public final class TableNaming {
    private final String format;

    public TableNaming(String format) {
        this.format = format;
    }

    public String tableFor(ChangeEvent event) {
        SourcePosition source = event.position();
        String name = format.replace("${topic}", event.record().topic().replace('.', '_'));
        name = replace(name, "${source.db}", source.database(), event);
        name = replace(name, "${source.schema}", source.schema(), event);
        name = replace(name, "${source.table}", source.table(), event);
        if (name.isEmpty()) {
            throw new DataException("collection.name.format '" + format + "' gives an empty table name for the "
                    + event.location());
        }
        return name;
    }

    private String replace(String name, String placeholder, String value, ChangeEvent event) {
        if (!name.contains(placeholder)) {
            return name;
        }
        if (value == null) {
            throw new DataException("collection.name.format '" + format + "' uses " + placeholder
                    + " but the event has no such source field: " + event.location());
        }
        return name.replace(placeholder, value);
    }
}
