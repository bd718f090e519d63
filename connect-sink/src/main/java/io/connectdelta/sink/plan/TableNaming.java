package io.connectdelta.sink.plan;

import io.connectdelta.event.ChangeEvent;
import io.connectdelta.event.SourcePosition;
import org.apache.kafka.connect.errors.DataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * Resolves collection.name.format for an event. Like the Debezium JDBC sink, dots in the topic name become
 * underscores ('srv.public.orders' writes 'srv_public_orders'), so a topic never names a schema by accident; a dot
 * in the format does: the name is {@code table} or {@code schema.table}. Each part is named as the database names it
 * (folded when quote.identifiers=false, cut to the database's length). Tombstones carry no source block: with a
 * format using source fields they go to the table the topic's last event went to.
 */
public final class TableNaming {
    private static final Logger LOG = LoggerFactory.getLogger(TableNaming.class);

    private final String format;
    private final boolean usesSource;
    private final Identifiers identifiers;
    /** Resolved names already checked against the database's rules, and what they became. */
    private final Map<String, String> named = new HashMap<>();
    /** With a format using source fields, the table of each topic's last event; else the table of each topic. */
    private final Map<String, String> tableOfTopic = new HashMap<>();

    public TableNaming(String format, Identifiers identifiers) {
        this.format = format;
        this.usesSource = format.contains("${source.");
        this.identifiers = identifiers;
    }

    /** The schema part of a table name from {@link #tableFor}, or null (the connection's current schema). */
    public static String schemaOf(String table) {
        int dot = table.indexOf('.');
        return dot < 0 ? null : table.substring(0, dot);
    }

    /** The table part of a table name from {@link #tableFor}. */
    public static String tableOf(String table) {
        return table.substring(table.indexOf('.') + 1);
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
        String table = named.get(name);
        if (table == null) {
            table = databaseName(name, event);
            named.put(name, table);
        }
        return table;
    }

    private String databaseName(String name, ChangeEvent event) {
        String[] parts = name.split("\\.", -1);
        if (parts.length > 2) {
            throw new DataException("collection.name.format '" + format + "' gives '" + name + "': a table name is "
                    + "<table> or <schema>.<table>, with one dot at most: " + event.location());
        }
        StringBuilder result = new StringBuilder();
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new DataException("collection.name.format '" + format + "' gives '" + name + "', which has an "
                        + "empty part: " + event.location());
            }
            String fitted = identifiers.table(part);
            if (fitted == null) {
                throw new DataException("collection.name.format '" + format + "' gives '" + part + "', longer than "
                        + "the database allows in a name: shorten the format (or rename the topic with a RegexRouter "
                        + "transform): " + event.location());
            }
            if (!fitted.equals(identifiers.unfitted(part))) {
                LOG.warn("Table name part '{}' is longer than the database allows: it is written as '{}'", part, fitted);
            }
            result.append(result.length() == 0 ? "" : ".").append(fitted);
        }
        return result.toString();
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
