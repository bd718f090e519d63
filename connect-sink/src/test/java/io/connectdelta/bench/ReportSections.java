package io.connectdelta.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A partial run (-Dbench.only) rewrites only the sections it measured: the others are kept from the existing
 * docs/benchmarks.md, each marked with the date of the run it comes from.
 */
final class ReportSections {
    private static final Pattern NUMBERED = Pattern.compile("## (\\d+)\\.");
    private static final Pattern DATE = Pattern.compile("- Date: (\\S+)");
    private static final String NOTE = "*From the run of ";

    private ReportSections() {
    }

    /** {@code current} with every numbered section not in {@code measured} taken from {@code previous}, if it has it. */
    static String merge(String previous, String current, Set<String> measured) {
        Map<String, String> now = split(current);
        Map<String, String> before = split(previous);
        Matcher date = DATE.matcher(previous);
        String from = date.find() ? date.group(1) : "an earlier run";
        StringBuilder md = new StringBuilder(now.getOrDefault("", "")).append(now.getOrDefault("Machine", ""));
        Map<Integer, String> numbered = new TreeMap<>();
        for (String key : before.keySet()) {
            if (key.matches("\\d+") && !measured.contains(key)) {
                String text = before.get(key);
                int heading = text.indexOf("\n\n") + 2;
                // A section kept before keeps its note: it names the run the section comes from.
                numbered.put(Integer.parseInt(key), text.startsWith(NOTE, heading) ? text : text.substring(0, heading)
                        + NOTE + from + ": this run did not repeat this section.*\n\n" + text.substring(heading));
            }
        }
        for (String key : now.keySet()) {
            if (key.matches("\\d+") && measured.contains(key)) {
                numbered.put(Integer.parseInt(key), now.get(key));
            }
        }
        numbered.values().forEach(md::append);
        return md.toString();
    }

    /** The text before the first "## " heading under "", then each section under its number or its heading's word. */
    static Map<String, String> split(String markdown) {
        Map<String, String> sections = new LinkedHashMap<>();
        String key = "";
        StringBuilder text = new StringBuilder();
        for (String line : markdown.split("\n", -1)) {
            if (line.startsWith("## ")) {
                sections.put(key, text.toString());
                Matcher number = NUMBERED.matcher(line);
                key = number.lookingAt() ? number.group(1) : line.substring(3).trim();
                text = new StringBuilder();
            }
            text.append(line).append('\n');
        }
        sections.put(key, text.substring(0, Math.max(0, text.length() - 1)));
        return sections;
    }
}
