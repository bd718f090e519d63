package io.connectdelta.sink.plan;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.SourcePosition;
import org.apache.kafka.connect.errors.DataException;

import java.util.HashMap;
import java.util.Map;

/**
 * Resolves collection.name.format for an event. Like the Debezium JDBC sink, dots in the topic name become
 * underscores ('srv.public.orders' writes 'srv_public_orders'), so a topic never names a schema by accident.
 * Tombstones carry no source block: with a format using source fields they go to the table the topic's last
 * event went to.
 */
public final class TableNaming {
    private final String format;
    private final boolean usesSource;
    /** With a format using source fields, the table of each topic's last event; else the table of each topic. */
    private final Map<String, String> tableOfTopic = new HashMap<>();

    public TableNaming(String format) {
        this.format = format;
        this.usesSource = format.contains("${source.");
    }

    public String tableFor(ChangeEvent event) {
        String topic = event.record().topic();
        if (!usesSource) {
            // The topic alone decides: resolve it once, not per event.
            return tableOfTopic.computeIfAbsent(topic, t -> resolve(event));
        }
        if (event.isTombstone()) {
            String table = tableOfTopic.get(topic);
            if (table == null) {
                throw new DataException("A tombstone carries no source block, and collection.name.format '" + format
                        + "' needs one; no earlier event of its topic named the table: " + event.location());
            }
            return table;
        }
        String name = resolve(event);
        tableOfTopic.put(topic, name);
        return name;
    }

    private String resolve(ChangeEvent event) {
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
