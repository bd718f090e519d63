package io.connectdelta.sink.dialect.mariadb;

import io.connectdelta.sink.dialect.JsonPathTokens;
import io.connectdelta.sink.dialect.SqlExpression;

import java.util.ArrayList;
import java.util.List;

/**
 * MariaDB/MySQL JSON paths ({@code $."a"[2]}) of JSON Pointer tokens. A numeric token is an array index ({@code [n]})
 * or a member ({@code ."n"}), and the two must not be mixed up: {@code [n]} on an object makes JSON_SET wrap the
 * object into an array ({@code [0]} even names the object itself) and JSON_REMOVE and JSON_ARRAY_INSERT do nothing.
 * So a path with numeric tokens is an SQL expression that picks either form by the JSON type at that point.
 */
final class MariaDbJsonPath {
    private MariaDbJsonPath() {
    }

    /** The path as SQL (a parameter, or an expression reading types from {@code types}); appends its params. */
    static String sql(List<String> tokens, SqlExpression types, List<Object> params) {
        if (types == null || !JsonPathTokens.hasIndex(tokens)) {
            params.add(constant(tokens));
            return "?";
        }
        // sql and sqlParams: the path up to the last numeric token so far; constant: the member tokens after it.
        String sql = null;
        List<Object> sqlParams = new ArrayList<>();
        StringBuilder constant = new StringBuilder("$");
        for (String token : tokens) {
            if (!JsonPathTokens.isIndex(token)) {
                constant.append(member(token));
                continue;
            }
            List<Object> prefixParams = new ArrayList<>(sqlParams);
            prefixParams.add(constant.toString());
            String prefix = sql == null ? "?" : "CONCAT(" + sql + ", ?)";
            List<Object> next = new ArrayList<>(prefixParams);
            next.addAll(types.params());
            next.addAll(prefixParams);
            next.add("[" + token + "]");
            next.add(member(token));
            sql = "CONCAT(" + prefix + ", IF(JSON_TYPE(JSON_EXTRACT(" + types.sql() + ", " + prefix
                    + ")) = 'ARRAY', ?, ?))";
            sqlParams = next;
            constant.setLength(0);
        }
        if (constant.length() > 0) {
            sql = "CONCAT(" + sql + ", ?)";
            sqlParams.add(constant.toString());
        }
        params.addAll(sqlParams);
        return sql;
    }

    /** A path without type decisions: numeric tokens as array indexes. */
    static String constant(List<String> tokens) {
        StringBuilder path = new StringBuilder("$");
        for (String token : tokens) {
            path.append(JsonPathTokens.isIndex(token) ? "[" + token + "]" : member(token));
        }
        return path.toString();
    }

    /** {@code ."token"}, quoted so that any member name is one member. */
    static String member(String token) {
        return ".\"" + token.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
