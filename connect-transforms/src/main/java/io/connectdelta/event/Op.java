package io.connectdelta.event;

/** The kind of change, with Debezium's one-letter codes. */
public enum Op {
    CREATE("c"),
    /** A row read by a snapshot: applied like an insert. */
    READ("r"),
    UPDATE("u"),
    DELETE("d"),
    TRUNCATE("t");

    private final String code;

    Op(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** True for the ops that carry a new row image (c, r, u). */
    public boolean writesRow() {
        return this == CREATE || this == READ || this == UPDATE;
    }

    /** The op with this code, or {@code null} when the code is unknown. */
    public static Op fromCode(String code) {
        if (code == null) {
            return null;
        }
        switch (code) {
            case "c": return CREATE;
            case "r": return READ;
            case "u": return UPDATE;
            case "d": return DELETE;
            case "t": return TRUNCATE;
            default: return null;
        }
    }
}
