package io.connectdelta.sink.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * field.include.list / field.exclude.list: entries {@code <topic>:<field>} or {@code <field>} (any topic), each part
 * matched whole as a regular expression; a part that is no valid expression is matched literally. As in the Debezium
 * JDBC sink, a plain name matches itself (its dots match themselves too).
 */
public final class FieldFilter {
    private record Entry(Pattern topic, Pattern field) {
        boolean matches(String topicName, String fieldName) {
            return (topic == null || topic.matcher(topicName).matches()) && field.matcher(fieldName).matches();
        }
    }

    private final List<Entry> entries;
    private final boolean include;

    private FieldFilter(List<Entry> entries, boolean include) {
        this.entries = entries;
        this.include = include;
    }

    /** The filter of the two lists (at most one of them non-empty). */
    public static FieldFilter of(List<String> includeList, List<String> excludeList) {
        if (!excludeList.isEmpty()) {
            return new FieldFilter(parse(excludeList), false);
        }
        return new FieldFilter(parse(includeList), !includeList.isEmpty());
    }

    private static List<Entry> parse(List<String> list) {
        List<Entry> entries = new ArrayList<>();
        for (String raw : list) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.indexOf(':');
            entries.add(colon < 0 ? new Entry(null, pattern(entry))
                    : new Entry(pattern(entry.substring(0, colon).trim()), pattern(entry.substring(colon + 1).trim())));
        }
        return entries;
    }

    private static Pattern pattern(String text) {
        try {
            return Pattern.compile(text);
        } catch (PatternSyntaxException e) {
            return Pattern.compile(Pattern.quote(text));
        }
    }

    /** True when nothing is filtered. */
    public boolean keepsAll() {
        return !include && entries.isEmpty();
    }

    public boolean keeps(String topic, String field) {
        for (Entry entry : entries) {
            if (entry.matches(topic, field)) {
                return include;
            }
        }
        return !include;
    }
}
