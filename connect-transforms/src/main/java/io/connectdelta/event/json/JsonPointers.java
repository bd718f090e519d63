package io.connectdelta.event.json;

import com.fasterxml.jackson.core.JsonPointer;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 6901 JSON pointers (the paths of JSON Patch operations) as lists of unescaped segments. In a patch over a
 * row the first segment names the column and the rest is the path inside the column's value. Every segment stays
 * a member name, numeric ones included: whether "2024" is an array index depends on the document, not the pointer.
 */
public final class JsonPointers {
    private JsonPointers() {
    }

    /**
     * The unescaped segments of {@code pointer}; none for "" (the whole document).
     *
     * @throws IllegalArgumentException if {@code pointer} is neither empty nor starts with "/"
     */
    public static List<String> segments(String pointer) {
        List<String> segments = new ArrayList<>();
        for (JsonPointer rest = JsonPointer.compile(pointer); !rest.matches(); rest = rest.tail()) {
            segments.add(rest.getMatchingProperty());
        }
        return segments;
    }

    /** The pointer of the given unescaped segments. */
    public static String of(String... segments) {
        StringBuilder pointer = new StringBuilder();
        for (String segment : segments) {
            pointer.append('/').append(escape(segment));
        }
        return pointer.toString();
    }

    /** One segment escaped for a pointer: '~' as "~0", '/' as "~1". */
    public static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }
}
