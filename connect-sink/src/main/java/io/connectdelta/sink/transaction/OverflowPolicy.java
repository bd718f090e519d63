package io.connectdelta.sink.transaction;

import org.apache.kafka.common.config.ConfigDef;

import java.util.Locale;

/** What the transaction buffer does when it holds more than its bound of events or bytes. */
public enum OverflowPolicy {
    /**
     * Fail the task with a message that names the transactions being held. Nothing is lost: no offset past an
     * unapplied record was committed, so after the bound is raised the task resumes where it stopped.
     */
    FAIL,
    /**
     * Apply the oldest held transaction's events so far in their own target transaction, then the rest of it as
     * it arrives. Keeps going, but a reader of the target may see that transaction half applied; logged at WARN.
     */
    SPLIT;

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OverflowPolicy parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    public static ConfigDef.Validator validator() {
        return ConfigDef.ValidString.in(FAIL.configValue(), SPLIT.configValue());
    }
}
