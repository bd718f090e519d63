package io.connectdelta.sink.dialect;

import java.sql.Types;
import java.util.Locale;

/**
 * A column of a target table as the database describes it.
 *
 * @param name     the exact column name
 * @param jdbcType the java.sql.Types code
 * @param typeName the database's type name (e.g. jsonb, _text, LONGTEXT)
 */
public record ColumnInfo(String name, int jdbcType, String typeName) {

    public String lowerTypeName() {
        return typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
    }

    public boolean isArray() {
        return jdbcType == Types.ARRAY;
    }

    /** True for json/jsonb (PostgreSQL) and JSON (MariaDB reports it as a text type named JSON or LONGTEXT). */
    public boolean isJson() {
        return lowerTypeName().contains("json");
    }
}
