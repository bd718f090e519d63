package io.connectdelta.transforms;

import io.connectdelta.event.Formats;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@value #CONFIG} option of ToDelta and ToIdOnly: which metadata fields of the envelope (everything but
 * {@code op} and the fields carrying the row) an emitted event keeps, and which fields of its source block.
 */
public final class MetadataFields {
    public static final String CONFIG = "metadata.fields";
    public static final String ALL = "*";
    private static final String SOURCE_PREFIX = Formats.SOURCE + ".";

    static final String CONFIG_DOC = "Which metadata fields the emitted events keep. '" + ALL + "' (the default): "
            + "all of them, as the input event has them. Otherwise a list of the envelope's metadata fields "
            + "(ts_ms, ts_us, ts_ns, transaction, and source for the whole source block) and of source.<name> "
            + "entries, which keep only the named fields of the source block (same schema name, version and doc). "
            + "op and the fields carrying the row are always kept; names an event does not have are skipped "
            + "(connectors differ: MySQL has source.file and source.pos, PostgreSQL source.lsn and source.txId). "
            + "Keep what the consumers read: the sink's collection.name.format with ${source.db}, "
            + "${source.schema} or ${source.table} needs those fields; Reselect (and ToFull with "
            + "on.missing.state=reselect) without table.name.format needs source.schema and source.table "
            + "(MySQL, MariaDB: source.db and source.table), and source.ts_ms so that its row cache never answers "
            + "with a row read before the change; a transaction-aware sink needs transaction; the sink's "
            + "exactly-once from the source's position needs source.sequence (PostgreSQL; MySQL, MariaDB: "
            + "source.file, source.pos, source.row and source.server_id). ToFull restores the row, not the dropped "
            + "metadata: its full events carry the metadata the event kept. A compact set that serves all of these "
            + "for PostgreSQL: ts_ms,transaction,source.sequence,source.schema,source.table,source.ts_ms "
            + "(transaction.id is txId:LSN of the event, so source.txId and source.lsn would repeat it).";

    static final MetadataFields KEEP_ALL = new MetadataFields(true, Set.of(), Set.of());

    private final boolean all;
    private final Set<String> fields;
    private final Set<String> sourceFields;

    private MetadataFields(boolean all, Set<String> fields, Set<String> sourceFields) {
        this.all = all;
        this.fields = fields;
        this.sourceFields = sourceFields;
    }

    /** Adds the {@value #CONFIG} key to a transform's ConfigDef. */
    static ConfigDef define(ConfigDef def) {
        return def.define(CONFIG, ConfigDef.Type.LIST, ALL, VALIDATOR, ConfigDef.Importance.MEDIUM, CONFIG_DOC);
    }

    /** The option's value as parsed by the ConfigDef (validated). */
    static MetadataFields of(List<String> entries) {
        if (entries.equals(List.of(ALL))) {
            return KEEP_ALL;
        }
        Set<String> fields = new HashSet<>();
        Set<String> sourceFields = new HashSet<>();
        for (String entry : entries) {
            if (entry.startsWith(SOURCE_PREFIX)) {
                sourceFields.add(entry.substring(SOURCE_PREFIX.length()));
            } else {
                fields.add(entry);
            }
        }
        return new MetadataFields(false, Set.copyOf(fields), Set.copyOf(sourceFields));
    }

    /** True when the emitted event keeps this top-level metadata field (the source block: whole or in part). */
    boolean keeps(String name) {
        return all || name.equals(Formats.OP) || fields.contains(name)
                || (name.equals(Formats.SOURCE) && !sourceFields.isEmpty());
    }

    /** True when {@code name} is the source block and only some of its fields are kept. */
    boolean trims(String name) {
        return name.equals(Formats.SOURCE) && !keepsWholeSource();
    }

    /** True when the emitted event keeps this field of the source block. */
    boolean keepsSource(String name) {
        return keepsWholeSource() || sourceFields.contains(name);
    }

    private boolean keepsWholeSource() {
        return all || fields.contains(Formats.SOURCE);
    }

    private static final ConfigDef.Validator VALIDATOR = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            if (!(value instanceof List)) {
                throw new ConfigException(name, value, "must be a list of metadata field names, or " + ALL);
            }
            List<?> entries = (List<?>) value;
            for (Object entry : entries) {
                String text = String.valueOf(entry);
                if (text.isBlank()) {
                    throw new ConfigException(name, value, "must not hold an empty entry");
                }
                if (text.equals(ALL) && entries.size() > 1) {
                    throw new ConfigException(name, value, "'" + ALL + "' keeps every field and must stand alone");
                }
                if (text.equals(SOURCE_PREFIX)) {
                    throw new ConfigException(name, value, "'" + SOURCE_PREFIX + "' names no field of the source block");
                }
                if (text.contains(".") && !text.startsWith(SOURCE_PREFIX)) {
                    throw new ConfigException(name, value, "'" + text + "': only the source block's fields can be "
                            + "named one by one (source.<name>)");
                }
            }
        }

        @Override
        public String toString() {
            return ALL + ", or a list of ts_ms, ts_us, ts_ns, transaction, source and source.<name>";
        }
    };
}
