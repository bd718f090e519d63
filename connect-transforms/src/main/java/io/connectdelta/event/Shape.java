package io.connectdelta.event;

import java.util.Locale;

/**
 * The shape of a change event (see docs/formats.md).
 * The wire name is what the {@value Formats#FORMAT_HEADER} record header carries.
 */
public enum Shape {
    /** The whole row image, e.g. Debezium's envelope or a flattened row from ExtractNewRecordState. */
    FULL("full"),
    /** The key fields plus only the changed fields, with the list of changed field names. */
    DELTA("delta"),
    /** The key plus an RFC 6902 patch from the old row to the new one. */
    JSON_PATCH("json-patch"),
    /** The key only, with op, source position and transaction. */
    ID_ONLY("id-only"),
    /** A record with a key and a null value: Kafka's delete marker for compaction. */
    TOMBSTONE("tombstone");

    private final String wireName;

    Shape(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The shape named by a header value, or {@code null} when the name is not one of ours. */
    public static Shape fromWireName(String name) {
        if (name == null) {
            return null;
        }
        String normalized = name.trim().toLowerCase(Locale.ROOT);
        for (Shape shape : values()) {
            if (shape.wireName.equals(normalized)) {
                return shape;
            }
        }
        return null;
    }
}
