package io.connectdelta.sink.dialect;

import java.util.List;

/** An SQL expression and the parameters it binds, in the order they appear in its text. */
public record SqlExpression(String sql, List<Object> params) {

    public SqlExpression {
        params = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(params));
    }
}
