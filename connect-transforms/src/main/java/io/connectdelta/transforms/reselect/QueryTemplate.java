package io.connectdelta.transforms.reselect;

import org.apache.kafka.common.config.ConfigException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's SELECT with placeholders for values of the event, e.g.
 * {@code SELECT c.*, a.city FROM customers c LEFT JOIN addresses a ON a.customer_id = c.id WHERE c.id = ${key.id}}.
 * Each {@code ${key.<field>}} (a field of the record key) or {@code ${after.<field>}} (a field of the event's
 * new row) becomes a JDBC parameter {@code ?}: values are bound, never pasted into the SQL text.
 */
public final class QueryTemplate {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    /** Where a parameter's value comes from. */
    public enum Origin { KEY, AFTER }

    /** One {@code ?} of the statement: the event field whose value is bound to it. */
    public record Parameter(Origin origin, String field) {
    }

    private final String template;
    private final String sql;
    private final List<Parameter> parameters;

    private QueryTemplate(String template, String sql, List<Parameter> parameters) {
        this.template = template;
        this.sql = sql;
        this.parameters = parameters;
    }

    /** Parses a template; fails on a placeholder that is neither {@code key.<field>} nor {@code after.<field>}. */
    public static QueryTemplate parse(String configKey, String template) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder sql = new StringBuilder();
        List<Parameter> parameters = new ArrayList<>();
        while (matcher.find()) {
            String name = matcher.group(1).trim();
            Parameter parameter;
            if (name.startsWith("key.") && name.length() > 4) {
                parameter = new Parameter(Origin.KEY, name.substring(4));
            } else if (name.startsWith("after.") && name.length() > 6) {
                parameter = new Parameter(Origin.AFTER, name.substring(6));
            } else {
                throw new ConfigException(configKey, template, "placeholder ${" + matcher.group(1)
                        + "} must be ${key.<field>} or ${after.<field>}");
            }
            parameters.add(parameter);
            matcher.appendReplacement(sql, "?");
        }
        matcher.appendTail(sql);
        if (parameters.isEmpty()) {
            throw new ConfigException(configKey, template, "must select the row by at least one placeholder, "
                    + "e.g. WHERE id = ${key.id}");
        }
        return new QueryTemplate(template, sql.toString(), Collections.unmodifiableList(parameters));
    }

    /** The statement with a {@code ?} for each placeholder. */
    public String sql() {
        return sql;
    }

    /** The placeholders in order of their {@code ?}. */
    public List<Parameter> parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        return template;
    }
}
