package io.connectdelta.sink;

import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The topics a sink connector consumes, from Connect's {@code topics} list or its {@code topics.regex}. */
record Subscription(Set<String> topics, Pattern regex) {

    static Subscription of(Map<String, String> props) {
        String regex = props.get("topics.regex");
        return new Subscription(Set.of(props.getOrDefault("topics", "").trim().split("\\s*,\\s*")),
                regex == null || regex.isBlank() ? null : Pattern.compile(regex));
    }

    boolean includes(String topic) {
        return topics.contains(topic) || (regex != null && regex.matcher(topic).matches());
    }
}
