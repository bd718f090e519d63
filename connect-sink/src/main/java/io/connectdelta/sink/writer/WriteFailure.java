package io.connectdelta.sink.writer;

import org.apache.kafka.connect.errors.ConnectException;

import java.sql.SQLException;

/** A write that failed for good: a non-transient SQL error, or a transient one after every retry. */
public final class WriteFailure extends ConnectException {
    public WriteFailure(String message, SQLException cause) {
        super(message, cause);
    }
}
