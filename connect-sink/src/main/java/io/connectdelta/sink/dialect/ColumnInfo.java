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
        // Asked for every value bound: no lower-cased copy of the name.
        if (typeName == null) {
            return false;
        }
        for (int i = 0; i + 4 <= typeName.length(); i++) {
            if (typeName.regionMatches(true, i, "json", 0, 4)) {
                return true;
            }
        }
        return false;
    }
}
