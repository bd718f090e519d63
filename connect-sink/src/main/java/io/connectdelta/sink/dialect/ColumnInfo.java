package io.connectdelta.sink.dialect;

import java.sql.Types;
import java.util.Locale;
import java.util.Objects;

/**
 * A column of a target table as the database describes it. What the writer asks of it for every value it binds
 * (is it json, is it an array) is worked out once here.
 */
public final class ColumnInfo {
    private final String name;
    private final int jdbcType;
    private final String typeName;
    private final String lowerTypeName;
    private final boolean json;

    /**
     * @param name     the exact column name
     * @param jdbcType the java.sql.Types code
     * @param typeName the database's type name (e.g. jsonb, _text, LONGTEXT)
     */
    public ColumnInfo(String name, int jdbcType, String typeName) {
        this.name = name;
        this.jdbcType = jdbcType;
        this.typeName = typeName;
        this.lowerTypeName = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        this.json = lowerTypeName.contains("json");
    }

    public String name() {
        return name;
    }

    public int jdbcType() {
        return jdbcType;
    }

    public String typeName() {
        return typeName;
    }

    public String lowerTypeName() {
        return lowerTypeName;
    }

    public boolean isArray() {
        return jdbcType == Types.ARRAY;
    }

    /** True for json/jsonb (PostgreSQL) and JSON (MariaDB reports it as a text type named JSON or LONGTEXT). */
    public boolean isJson() {
        return json;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ColumnInfo other && name.equals(other.name) && jdbcType == other.jdbcType
                && Objects.equals(typeName, other.typeName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, jdbcType, typeName);
    }

    @Override
    public String toString() {
        return name + " " + typeName;
    }
}
