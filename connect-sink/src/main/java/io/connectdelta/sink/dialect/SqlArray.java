package io.connectdelta.sink.dialect;

/** A native array parameter (PostgreSQL), bound with Connection.createArrayOf. */
public record SqlArray(String elementType, Object[] elements) {
}
