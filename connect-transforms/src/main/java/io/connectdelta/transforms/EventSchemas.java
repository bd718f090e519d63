package io.connectdelta.transforms;

import io.connectdelta.event.Formats;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The schemas of the event shapes (docs/formats.md), derived from one another. Every derivation depends only on
 * its input schemas, so the transforms cache the results: one schema per table, never per record.
 */
final class EventSchemas {
    static final String ENVELOPE_SUFFIX = ".Envelope";
    static final String DELTA_SUFFIX = ".Delta";
    static final String JSON_PATCH_SUFFIX = ".JsonPatch";
    static final String ID_ONLY_SUFFIX = ".IdOnly";
    private static final List<String> SUFFIXES = List.of(ENVELOPE_SUFFIX, DELTA_SUFFIX, JSON_PATCH_SUFFIX, ID_ONLY_SUFFIX, ".Value");

    /** Fields that carry (part of) the row; every other field of an event is metadata carried along as is. */
    static final Set<String> ROW_FIELDS = Set.of(Formats.BEFORE, Formats.AFTER, Formats.CHANGED, Formats.PATCH, Formats.KEY,
            Formats.ROW_SCHEMA);

    private EventSchemas() {
    }

    /**
     * The delta schema of a Debezium envelope schema: no before, after as the delta row, changed after it, and the
     * metadata fields that {@code metadata} keeps.
     */
    static Schema delta(Schema envelope, MetadataFields metadata) {
        rowOf(envelope);
        SchemaBuilder builder = header(envelope, DELTA_SUFFIX);
        for (Field field : envelope.fields()) {
            if (field.name().equals(Formats.AFTER)) {
                builder.field(Formats.AFTER, deltaRow(field.schema()));
                builder.field(Formats.CHANGED, SchemaBuilder.array(Schema.STRING_SCHEMA).build());
            } else {
                addMetadataField(builder, field, metadata);
            }
        }
        return builder.build();
    }

    /**
     * A delta schema ({@link #delta}) whose {@code after} row keeps only the fields at the {@code carried}
     * positions of the delta row schema, marked with {@link Formats#CARRIED_PARAMETER}: the schema of a delta event
     * that carries only those fields.
     */
    static Schema carriedDelta(Schema delta, BitSet carried) {
        SchemaBuilder builder = basics(delta, SchemaBuilder.struct(), delta.name(), delta.isOptional(),
                delta.parameters(), false);
        for (Field field : delta.fields()) {
            builder.field(field.name(), field.name().equals(Formats.AFTER)
                    ? carriedRow(field.schema(), carried) : field.schema());
        }
        return builder.build();
    }

    private static Schema carriedRow(Schema deltaRow, BitSet carried) {
        Map<String, String> parameters = new HashMap<>();
        if (deltaRow.parameters() != null) {
            parameters.putAll(deltaRow.parameters());
        }
        parameters.put(Formats.CARRIED_PARAMETER, "true");
        SchemaBuilder builder = basics(deltaRow, SchemaBuilder.struct(), deltaRow.name(), deltaRow.isOptional(),
                parameters, false);
        for (Field field : deltaRow.fields()) {
            if (carried.get(field.index())) {
                builder.field(field.name(), field.schema());
            }
        }
        return builder.build();
    }

    /** True for a delta row schema that holds only the fields its event carries ({@link #carriedDelta}). */
    static boolean isCarriedRow(Schema deltaRow) {
        return deltaRow.parameters() != null && "true".equals(deltaRow.parameters().get(Formats.CARRIED_PARAMETER));
    }

    /**
     * The full row schema {@code known} (of a stored row or of an earlier event), with the fields of the carried
     * delta row schema that it lacks (columns added since) appended as full row fields; {@code known} itself when
     * it has them all.
     */
    static Schema widened(Schema known, Schema carriedRow) {
        SchemaBuilder added = null;
        for (Field field : carriedRow.fields()) {
            if (known.field(field.name()) == null) {
                if (added == null) {
                    added = copyBasics(known, SchemaBuilder.struct());
                    for (Field existing : known.fields()) {
                        added.field(existing.name(), existing.schema());
                    }
                }
                added.field(field.name(), fullField(field.schema()));
            }
        }
        return added == null ? known : added.build();
    }

    /**
     * The schema of a JSON Patch ({@code withPatch}) or id-only event: {@code key} (the record key's schema,
     * optional), {@code patch} when asked for, then the event's metadata fields that {@code metadata} keeps.
     */
    static Schema keyed(Schema event, Schema key, String suffix, boolean withPatch, MetadataFields metadata) {
        SchemaBuilder builder = header(event, suffix);
        builder.field(Formats.KEY, key == null ? Schema.OPTIONAL_STRING_SCHEMA : optional(key));
        if (withPatch) {
            builder.field(Formats.PATCH, Schema.OPTIONAL_STRING_SCHEMA);
        }
        addMetadataFields(builder, event, metadata);
        return builder.build();
    }

    /**
     * The schema of a JSON Patch event that carries the row schema (inserts and snapshot reads): the JSON Patch
     * schema ({@link #keyed}) with {@link Formats#ROW_SCHEMA} after {@code patch}, of the envelope's row schema
     * (optional); same name and version, so a schema registry sees a compatible version with one optional field more.
     */
    static Schema jsonPatchWithRowSchema(Schema envelope, Schema key, MetadataFields metadata) {
        Schema patch = keyed(envelope, key, JSON_PATCH_SUFFIX, true, metadata);
        SchemaBuilder builder = basics(patch, SchemaBuilder.struct(), patch.name(), patch.isOptional(),
                patch.parameters(), false);
        for (Field field : patch.fields()) {
            builder.field(field.name(), field.schema());
            if (field.name().equals(Formats.PATCH)) {
                builder.field(Formats.ROW_SCHEMA, optional(rowOf(envelope)));
            }
        }
        return builder.build();
    }

    /** The full row schema a JSON Patch event carries in {@link Formats#ROW_SCHEMA}, or null when it has none. */
    static Schema patchRowSchema(Schema jsonPatch) {
        Field field = jsonPatch.field(Formats.ROW_SCHEMA);
        return field == null || field.schema().type() != Schema.Type.STRUCT ? null : field.schema();
    }

    /** The row schema of a Debezium envelope schema: its struct field {@code after}. */
    static Schema rowOf(Schema envelope) {
        Field after = envelope.field(Formats.AFTER);
        if (after == null || after.schema().type() != Schema.Type.STRUCT) {
            throw new DataException("Envelope schema '" + envelope.name() + "' has no struct field 'after'");
        }
        return after.schema();
    }

    /** Debezium's envelope for a row schema, with the metadata fields of {@code event} (any shape). */
    static Schema envelope(Schema event, Schema row) {
        SchemaBuilder builder = header(event, ENVELOPE_SUFFIX);
        Schema optionalRow = optional(row);
        builder.field(Formats.BEFORE, optionalRow);
        builder.field(Formats.AFTER, optionalRow);
        addMetadataFields(builder, event, MetadataFields.KEEP_ALL);
        return builder.build();
    }

    /** The id-only schema of a flattened row: key and op. */
    static Schema flattenedIdOnly(Schema row, Schema key) {
        SchemaBuilder builder = SchemaBuilder.struct().name(prefix(row.name()) + ID_ONLY_SUFFIX);
        builder.field(Formats.KEY, key == null ? Schema.OPTIONAL_STRING_SCHEMA : optional(key));
        builder.field(Formats.OP, Schema.STRING_SCHEMA);
        return builder.build();
    }

    /**
     * The delta row schema: the full row schema with every top-level field optional; a field that was required
     * carries {@link Formats#REQUIRED_PARAMETER} so that {@link #fullRow} can restore it exactly.
     */
    static Schema deltaRow(Schema row) {
        SchemaBuilder builder = copyBasics(row, SchemaBuilder.struct());
        for (Field field : row.fields()) {
            Schema schema = field.schema();
            if (schema.isOptional()) {
                builder.field(field.name(), schema);
            } else {
                Map<String, String> parameters = new HashMap<>();
                if (schema.parameters() != null) {
                    parameters.putAll(schema.parameters());
                }
                parameters.put(Formats.REQUIRED_PARAMETER, "true");
                builder.field(field.name(), rebuild(schema, true, parameters));
            }
        }
        return builder.build();
    }

    /** The full row schema a delta row schema was derived from. */
    static Schema fullRow(Schema deltaRow) {
        SchemaBuilder builder = copyBasics(deltaRow, SchemaBuilder.struct());
        for (Field field : deltaRow.fields()) {
            builder.field(field.name(), fullField(field.schema()));
        }
        return builder.build();
    }

    /** A delta row field's schema as the full row has it: required again when it carries the parameter. */
    private static Schema fullField(Schema schema) {
        Map<String, String> parameters = schema.parameters();
        if (parameters == null || !"true".equals(parameters.get(Formats.REQUIRED_PARAMETER))) {
            return schema;
        }
        Map<String, String> rest = new HashMap<>(parameters);
        rest.remove(Formats.REQUIRED_PARAMETER);
        return rebuild(schema, false, rest.isEmpty() ? null : rest);
    }

    /** The schema itself when optional, else an optional copy. */
    static Schema optional(Schema schema) {
        return schema.isOptional() ? schema : rebuild(schema, true, schema.parameters());
    }

    /**
     * A struct of {@code schema} holding the fields of {@code struct} by name (a shallow copy); the struct itself
     * when it has that very schema instance.
     */
    static Struct convert(Struct struct, Schema schema) {
        // Identity, not equals: a deep comparison of the schemas costs more than the copy it could spare.
        if (struct == null || struct.schema() == schema) {
            return struct;
        }
        Struct copy = new Struct(schema);
        for (Field field : schema.fields()) {
            Field source = struct.schema().field(field.name());
            if (source != null) {
                copy.put(field, struct.get(source));
            }
        }
        return copy;
    }

    /** The record key as the value of a {@code key} field of the given (optional) schema. */
    static Object keyValue(Object key, Schema keyFieldSchema) {
        return key instanceof Struct ? convert((Struct) key, keyFieldSchema) : key;
    }

    /**
     * Copies the metadata fields (everything but {@link #ROW_FIELDS}) that {@code target}'s schema has; a block
     * whose schema was trimmed (a source block of fewer fields) is copied into its trimmed schema.
     */
    static void copyMetadata(Struct source, Struct target) {
        for (Field field : target.schema().fields()) {
            Field from = source.schema().field(field.name());
            if (from != null && !ROW_FIELDS.contains(field.name())) {
                Object value = source.get(from);
                // Usually the same schema instance: no per-record comparison of schemas. Another one when derived
                // with fewer fields, or when the target's schema was derived from an equal envelope schema of
                // another instance (a converter that does not share its schema instances).
                boolean trimmed = from.schema() != field.schema() && value instanceof Struct
                        && !from.schema().equals(field.schema());
                target.put(field, trimmed ? convert((Struct) value, field.schema()) : value);
            }
        }
    }

    /**
     * Copies the metadata entries (everything but {@link #ROW_FIELDS}) that {@code metadata} keeps, in the
     * source's order; a source block of which only some fields are kept is copied with those fields only.
     */
    static void copyMetadata(Map<?, ?> source, Map<String, Object> target, MetadataFields metadata) {
        for (Map.Entry<?, ?> entry : source.entrySet()) {
            String name = String.valueOf(entry.getKey());
            if (!ROW_FIELDS.contains(name) && metadata.keeps(name)) {
                boolean trimmed = metadata.trims(name) && entry.getValue() instanceof Map;
                target.put(name, trimmed ? sourceBlock((Map<?, ?>) entry.getValue(), metadata) : entry.getValue());
            }
        }
    }

    private static Map<String, Object> sourceBlock(Map<?, ?> source, MetadataFields metadata) {
        Map<String, Object> kept = new LinkedHashMap<>();
        for (Map.Entry<?, ?> entry : source.entrySet()) {
            String name = String.valueOf(entry.getKey());
            if (metadata.keepsSource(name)) {
                kept.put(name, entry.getValue());
            }
        }
        return kept;
    }

    /** A schema name without our suffixes or Debezium's ({@code .Envelope}, {@code .Value}). */
    static String prefix(String name) {
        if (name == null) {
            return "";
        }
        for (String suffix : SUFFIXES) {
            if (name.endsWith(suffix)) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    private static SchemaBuilder header(Schema event, String suffix) {
        // An envelope's default value (if any) belongs to the envelope schema, not to the derived one.
        return basics(event, SchemaBuilder.struct(), prefix(event.name()) + suffix, event.isOptional(),
                event.parameters(), false);
    }

    private static void addMetadataFields(SchemaBuilder builder, Schema event, MetadataFields metadata) {
        for (Field field : event.fields()) {
            addMetadataField(builder, field, metadata);
        }
    }

    /** Adds the field when it is metadata that {@code metadata} keeps; a source block with the kept fields only. */
    private static void addMetadataField(SchemaBuilder builder, Field field, MetadataFields metadata) {
        if (ROW_FIELDS.contains(field.name()) || !metadata.keeps(field.name())) {
            return;
        }
        boolean trimmed = metadata.trims(field.name()) && field.schema().type() == Schema.Type.STRUCT;
        builder.field(field.name(), trimmed ? sourceBlock(field.schema(), metadata) : field.schema());
    }

    /** The source block's schema with the kept fields only; same name, version, doc, optionality, parameters. */
    private static Schema sourceBlock(Schema source, MetadataFields metadata) {
        // No default: a default source Struct would be of the untrimmed schema.
        SchemaBuilder builder = basics(source, SchemaBuilder.struct(), source.name(), source.isOptional(),
                source.parameters(), false);
        for (Field field : source.fields()) {
            if (metadata.keepsSource(field.name())) {
                builder.field(field.name(), field.schema());
            }
        }
        return builder.build();
    }

    private static SchemaBuilder copyBasics(Schema source, SchemaBuilder builder) {
        return basics(source, builder, source.name(), source.isOptional(), source.parameters(), true);
    }

    /** The same schema with another optionality and parameters (nested schemas shared, not copied). */
    private static Schema rebuild(Schema schema, boolean optional, Map<String, String> parameters) {
        SchemaBuilder builder;
        switch (schema.type()) {
            case STRUCT:
                builder = SchemaBuilder.struct();
                for (Field field : schema.fields()) {
                    builder.field(field.name(), field.schema());
                }
                break;
            case ARRAY:
                builder = SchemaBuilder.array(schema.valueSchema());
                break;
            case MAP:
                builder = SchemaBuilder.map(schema.keySchema(), schema.valueSchema());
                break;
            default:
                builder = SchemaBuilder.type(schema.type());
        }
        return basics(schema, builder, schema.name(), optional, parameters, true).build();
    }

    private static SchemaBuilder basics(Schema source, SchemaBuilder builder, String name, boolean optional,
                                        Map<String, String> parameters, boolean withDefault) {
        builder.name(name);
        if (source.version() != null) {
            builder.version(source.version());
        }
        if (source.doc() != null) {
            builder.doc(source.doc());
        }
        if (parameters != null && !parameters.isEmpty()) {
            builder.parameters(parameters);
        }
        if (optional) {
            builder.optional();
        }
        if (withDefault && source.defaultValue() != null) {
            builder.defaultValue(source.defaultValue());
        }
        return builder;
    }
}
