package io.connectdelta.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Recognises the value Debezium's PostgreSQL connector emits for an unchanged TOASTed column
 * ({@code unavailable.value.placeholder}, default {@value #DEFAULT_PLACEHOLDER}) in every encoding it uses:
 * <ul>
 *   <li>STRING (text, varchar, json, jsonb, xml, ...): the placeholder text;</li>
 *   <li>BYTES (bytea): the placeholder's bytes, or the hex-decoded bytes of a {@code hex:} placeholder;</li>
 *   <li>MAP (hstore as a map): the single entry {@code {placeholder: placeholder}};</li>
 *   <li>STRING holding JSON (hstore as json): the text of that single-entry map;</li>
 *   <li>ARRAY of strings (text[], varchar[], char[], json[], jsonb[]): a one-element list holding the placeholder;</li>
 *   <li>ARRAY of BYTES (bytea[]): a one-element list holding the placeholder's bytes;</li>
 *   <li>ARRAY of io.debezium.data.Uuid strings (uuid[]): a one-element list holding the name-based UUID of the
 *       placeholder's bytes ({@link UUID#nameUUIDFromBytes}), for the default placeholder
 *       {@code b68a35a7-17ad-35b3-af2a-ae46edb4545a};</li>
 *   <li>ARRAY of INT8/INT16/INT32/INT64 (int[], bigint[], and date[] as io.debezium.time.Date): the placeholder's
 *       bytes, one element each;</li>
 *   <li>in schemaless records (JsonConverter schemas.enable=false) BYTES arrive as base64 text: the base64 of the
 *       placeholder's bytes, also as the one element of a bytea[].</li>
 * </ul>
 * For the other array types (smallint[], real[], double precision[], numeric[], boolean[], time[], timestamp[],
 * timestamptz[], timetz[], inet[], ...) Debezium 3.7 emits null, which no consumer can tell from a NULL: see
 * docs/formats.md.
 * One detector serves every transform and the sink, so they all agree on what "unavailable" means.
 */
public final class ToastPlaceholder {
    public static final String CONFIG = "unavailable.value.placeholder";
    public static final String DEFAULT_PLACEHOLDER = "__debezium_unavailable_value";
    public static final String CONFIG_DOC = "The value Debezium's PostgreSQL connector emits for an unchanged TOASTed "
            + "column (its own unavailable.value.placeholder). Prefix with 'hex:' to give the bytes in hex, as Debezium "
            + "allows. Recognised as text, bytes, an hstore map or its JSON text, a one-element text, bytes or uuid "
            + "array, and an integer array of the placeholder's bytes.";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String text;
    private final byte[] bytes;
    private final String base64;
    private final String uuid;
    private final JsonNode hstoreJson;

    private ToastPlaceholder(String text, byte[] bytes) {
        this.text = text;
        this.bytes = bytes;
        this.base64 = Base64.getEncoder().encodeToString(bytes);
        // As Debezium derives the element of a uuid[] placeholder.
        this.uuid = UUID.nameUUIDFromBytes(bytes).toString();
        this.hstoreJson = JSON.createObjectNode().put(text, text);
    }

    /** The detector for Debezium's default placeholder. */
    public static ToastPlaceholder defaults() {
        return of(DEFAULT_PLACEHOLDER);
    }

    /** The detector for a configured placeholder; a {@code hex:} prefix gives its bytes in hex. */
    public static ToastPlaceholder of(String configured) {
        if (configured == null || configured.isEmpty()) {
            throw new ConfigException(CONFIG, configured, "must not be empty");
        }
        if (configured.startsWith("hex:")) {
            byte[] decoded;
            try {
                decoded = HexFormat.of().parseHex(configured.substring(4));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(CONFIG, configured, "the part after 'hex:' is not hexadecimal");
            }
            return new ToastPlaceholder(new String(decoded, StandardCharsets.UTF_8), decoded);
        }
        return new ToastPlaceholder(configured, configured.getBytes(StandardCharsets.UTF_8));
    }

    /** A validator for the config key, so a bad placeholder fails at validate time, not on the first record. */
    public static ConfigDef.Validator validator() {
        return (name, value) -> of((String) value);
    }

    /** The placeholder as text. */
    public String text() {
        return text;
    }

    /** The placeholder as bytes (the value Debezium uses for bytea columns). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * True when {@code value} is the placeholder in any encoding. The schema, when given, only narrows which
     * encodings are tried; without one (schemaless records) every encoding is tried.
     */
    public boolean matches(Schema schema, Object value) {
        return matches(schema != null, value);
    }

    /** As {@link #matches(Schema, Object)}, told only whether the value came with a schema. */
    public boolean matches(boolean withSchema, Object value) {
        if (value instanceof String) {
            String s = (String) value;
            return s.equals(text) || (!withSchema && s.equals(base64)) || (looksLikeHstoreJson(s) && isHstoreJson(s));
        }
        if (Values.isBytes(value)) {
            return Arrays.equals(Values.bytes(value), bytes);
        }
        if (value instanceof Number || value instanceof Boolean) {
            // Most of a row, ruled out by class before the interface tests below, which are slow to fail.
            return false;
        }
        if (value instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) value;
            return map.size() == 1 && text.equals(map.get(text));
        }
        if (value instanceof List) {
            return matchesArray(withSchema, (List<?>) value);
        }
        return false;
    }

    /** Same as {@link #matches(Schema, Object)} without a schema. */
    public boolean matches(Object value) {
        return matches(false, value);
    }

    private boolean matchesArray(boolean withSchema, List<?> list) {
        if (list.size() == 1) {
            Object element = list.get(0);
            if (element instanceof String) {
                String s = (String) element;
                return s.equals(text) || s.equals(uuid) || (!withSchema && s.equals(base64));
            }
            if (Values.isBytes(element)) {
                return Arrays.equals(Values.bytes(element), bytes);
            }
        }
        if (list.size() != bytes.length) {
            return false;
        }
        for (int i = 0; i < bytes.length; i++) {
            Object element = list.get(i);
            if (!(element instanceof Number) || element instanceof Float || element instanceof Double
                    || ((Number) element).longValue() != bytes[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean looksLikeHstoreJson(String s) {
        // Cheap test first: only a JSON object text as long as {"p":"p"} (give or take white space) can match.
        return s.length() >= 2 * text.length() + 7 && s.charAt(0) == '{' && s.contains(text);
    }

    private boolean isHstoreJson(String s) {
        try {
            return hstoreJson.equals(JSON.readTree(s));
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
